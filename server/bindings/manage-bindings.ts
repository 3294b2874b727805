// A citizen adds and removes bindings. Adding checks the fields like a form, verifies as the kind
// declares, and stores the fields sealed; removing deletes the record (nothing is kept).
import { randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { validateForm } from '../loop/index.js';
import { accountIdOf, BINDING_COLLECTION, BINDINGS, kindOf, type BindingRecord, type BindingsDeps, type BindingView } from './binding-types.js';
import { bindingKeyOf, keyIndexOf } from './binding-key.js';
import { reindexAround } from './binding-due-index.js';
import { openBinding, sealContent } from './open-binding.js';
import { verifyBinding } from './verify-binding.js';

export interface AddBindingInput {
  openid: string;
  /** The account the citizen came through (its id; the primary's or absent = the primary). */
  account?: string;
  department: string;
  kind: string;
  fields: Record<string, unknown>;
}

export const bindingsOf = (deps: Pick<BindingsDeps, 'store'>) => deps.store.collection<BindingRecord>(BINDINGS, BINDING_COLLECTION);
const nowOf = (deps: BindingsDeps) => (deps.now ? deps.now() : new Date());

export async function addBinding(deps: BindingsDeps, input: AddBindingInput): Promise<BindingView> {
  const build = deps.live.current();
  const kind = kindOf(build, input.department, input.kind);
  if (!kind) throw new NotFoundError('没有这种可绑定的信息', { department: input.department, kind: input.kind });
  const checked = validateForm(kind.fields, input.fields, `binding:${kind.ref}`);
  if (!checked.ok) throw new ValidationError('绑定信息不完整或有误', checked.errors);
  const fields = Object.fromEntries(Object.entries(checked.value).map(([k, v]) => [k, String(v)]));
  const keyIndex = keyIndexOf(deps.vault, kind, bindingKeyOf(kind, fields));
  const collection = bindingsOf(deps);
  // One citizen at a time: two quick taps cannot bind the same thing twice or pass the limit.
  return deps.store.withLock(`bindings:${input.openid}`, async () => {
    const own = (await collection.findBy('openid', input.openid)).filter((r) => r.department === kind.department && r.kind === kind.id);
    if (own.some((r) => r.keyIndex === keyIndex)) throw new ConflictError(`您已绑定过这个${kind.name}`);
    if (own.length >= kind.maxPerCitizen) throw new ConflictError(`每人最多可绑定 ${kind.maxPerCitizen} 个${kind.name}，请先解除不用的绑定`);
    const verification = await verifyBinding(deps.connectors, kind, fields);
    const id = randomBytes(12).toString('hex');
    const at = nowOf(deps).toISOString();
    const account = accountIdOf(deps, input.account);
    const record: BindingRecord = {
      id,
      openid: input.openid,
      ...(account ? { account } : {}),
      department: kind.department,
      kind: kind.id,
      keyIndex,
      bucket: `${kind.ref}/${id.slice(0, 2)}`,
      sealed: sealContent(deps.vault, id, { fields, data: verification.data }),
      verifiedBy: verification.verifiedBy,
      createdAt: at,
      verifiedAt: at,
    };
    // Its reminder days are indexed first: a crash in between leaves an index entry the planner skips, never a binding it misses.
    await reindexAround(deps, record, undefined, verification.data, () => collection.insert(record));
    return openBinding(deps.vault, build, record);
  });
}

/** Deletes the citizen's binding; another citizen's (or none) answers 404 alike. */
export async function removeBinding(deps: BindingsDeps, input: { openid: string; id: string }): Promise<BindingView> {
  const collection = bindingsOf(deps);
  const record = await collection.get(input.id);
  if (!record || record.openid !== input.openid) throw new NotFoundError('绑定不存在或已解除');
  const view = openBinding(deps.vault, deps.live.current(), record);
  await reindexAround(deps, record, view.data, undefined, () => collection.delete(record.id));
  return view;
}
