// Reading bindings for other rooms: who holds a key (by its blind index, nothing decrypted), one
// citizen's bindings, and every binding of a kind page by page (reminder planning over hundreds
// of thousands of citizens reads one bucket at a time, never one big array).
import { NotFoundError } from '../errors.js';
import { kindOf, type BindingRecord, type BindingsDeps, type BindingView } from './binding-types.js';
import { bindingKeyOf, keyIndexOf } from './binding-key.js';
import { bindingsOf } from './manage-bindings.js';
import { openBinding, openContent, sealContent } from './open-binding.js';
import { verifyBinding } from './verify-binding.js';

export interface KindRef {
  department: string;
  kind: string;
}

const BUCKETS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function builtKind(deps: BindingsDeps, ref: KindRef) {
  const kind = kindOf(deps.live.current(), ref.department, ref.kind);
  if (!kind) throw new NotFoundError(`部门“${ref.department}”没有可绑定的“${ref.kind}”`, ref);
  return kind;
}

/** The openids holding a binding of this kind with this key ({plateType, plateNumber} or "02:鄂A12345"). */
export async function findBindingHolders(deps: BindingsDeps, input: KindRef & { key: string | Record<string, unknown> }): Promise<string[]> {
  const kind = builtKind(deps, input);
  const keyIndex = keyIndexOf(deps.vault, kind, bindingKeyOf(kind, input.key));
  const records = await bindingsOf(deps).findBy('keyIndex', keyIndex);
  return [...new Set(records.filter((r) => r.department === kind.department && r.kind === kind.id).map((r) => r.openid))].sort();
}

/** One citizen's bindings, oldest first, opened. */
export async function listBindings(deps: BindingsDeps, openid: string): Promise<BindingView[]> {
  const build = deps.live.current();
  const records = await bindingsOf(deps).findBy('openid', openid);
  return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)).map((r) => openBinding(deps.vault, build, r));
}

/** Every binding of a kind, opened, in pages of about pageSize (bucket by bucket, each in id order). */
export async function* pageBindings(deps: BindingsDeps, input: KindRef & { pageSize?: number }): AsyncGenerator<BindingView[]> {
  const kind = builtKind(deps, input);
  const pageSize = Math.max(1, input.pageSize ?? 500);
  const collection = bindingsOf(deps);
  let page: BindingView[] = [];
  for (const bucket of BUCKETS) {
    const records = (await collection.findBy('bucket', `${kind.ref}/${bucket}`)).sort((a, b) => a.id.localeCompare(b.id));
    const build = deps.live.current();
    for (const record of records) {
      page.push(openBinding(deps.vault, build, record));
      if (page.length >= pageSize) {
        yield page;
        page = [];
      }
    }
  }
  if (page.length > 0) yield page;
}

export async function countBindings(deps: BindingsDeps, input: KindRef): Promise<number> {
  const kind = builtKind(deps, input);
  const collection = bindingsOf(deps);
  let n = 0;
  for (const bucket of BUCKETS) n += (await collection.findBy('bucket', `${kind.ref}/${bucket}`)).length;
  return n;
}

/** Keeps fresh data for a binding (e.g. a refreshed inspection due date), sealed like the rest. */
export async function updateBindingData(deps: BindingsDeps, id: string, data: Record<string, unknown>): Promise<void> {
  const at = (deps.now ? deps.now() : new Date()).toISOString();
  await bindingsOf(deps).update(id, (record) => {
    const { fields } = openContent(deps.vault, record);
    return { ...record, sealed: sealContent(deps.vault, record.id, { fields, data }), dataUpdatedAt: at };
  });
}

/**
 * Runs the kind's verification again and keeps what it answers (the inspection due date moves on
 * after an inspection). Undefined when the binding is gone; throws like adding when the system
 * fails or no longer knows the thing.
 */
export async function refreshBinding(deps: BindingsDeps, id: string): Promise<BindingView | undefined> {
  const record = await bindingsOf(deps).get(id);
  if (!record) return undefined;
  const kind = builtKind(deps, record);
  const { fields } = openContent(deps.vault, record);
  const verification = await verifyBinding(deps.connectors, kind, fields);
  await updateBindingData(deps, id, verification.data);
  const fresh = await bindingsOf(deps).get(id);
  return fresh && openBinding(deps.vault, deps.live.current(), fresh);
}

/** After a key rotation: reseals every binding written with an older key (the active key writes). */
export async function resealBindings(deps: Pick<BindingsDeps, 'store' | 'vault'>): Promise<{ checked: number; resealed: number }> {
  const collection = bindingsOf(deps);
  const stale = await collection.list((r: BindingRecord) => deps.vault.keyIdOf(r.sealed) !== deps.vault.activeKeyId);
  for (const record of stale) {
    await collection.update(record.id, (current) => ({ ...current, sealed: sealContent(deps.vault, current.id, openContent(deps.vault, current)) }));
  }
  return { checked: await collection.count(), resealed: stale.length };
}
