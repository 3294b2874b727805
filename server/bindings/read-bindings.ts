// Reading bindings for other rooms: who holds a key (by its blind index, nothing decrypted), one
// citizen's bindings, and every binding of a kind page by page (reminder planning over hundreds
// of thousands of citizens reads one bucket at a time, never one big array).
import { NotFoundError } from '../errors.js';
import { kindOf, type BindingRecord, type BindingsDeps, type BindingView } from './binding-types.js';
import { bindingKeyOf, keyIndexOf } from './binding-key.js';
import { bindingsOf } from './manage-bindings.js';
import { openBinding, openContent, sealContent } from './open-binding.js';
import { verifyBinding } from './verify-binding.js';
import { dueIdsOn, ensureDueIndex, reindexAround } from './binding-due-index.js';
import { countBy } from '../store/index.js';

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

/** Who holds a binding of this kind with this key, with the account each holder's openid belongs to (absent = the primary). */
export async function findBindingRecipients(deps: BindingsDeps, input: KindRef & { key: string | Record<string, unknown> }): Promise<Array<{ openid: string; account?: string }>> {
  const kind = builtKind(deps, input);
  const keyIndex = keyIndexOf(deps.vault, kind, bindingKeyOf(kind, input.key));
  const records = (await bindingsOf(deps).findBy('keyIndex', keyIndex)).filter((r) => r.department === kind.department && r.kind === kind.id);
  const seen = new Map(records.map((r) => [`${r.account ?? ''}\n${r.openid}`, { openid: r.openid, ...(r.account ? { account: r.account } : {}) }]));
  return [...seen.values()].sort((a, b) => a.openid.localeCompare(b.openid));
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
  for (const bucket of BUCKETS) n += await countBy(collection, 'bucket', `${kind.ref}/${bucket}`);
  return n;
}

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
/** Reads a few bindings at a time: a server database answers each in a round trip. */
const READS_IN_FLIGHT = 16;

/**
 * The bindings of a kind whose data `field` holds a date from `from` to `to` (YYYY-MM-DD,
 * inclusive), opened, in pages: found through the reminder-day index, so only those are read and
 * decrypted. The index is completed first when a reminder follows a field it does not cover yet,
 * and its days before `from` are dropped (planning asks from today; those dates are past).
 */
export async function* dueBindings(deps: BindingsDeps, input: KindRef & { field: string; from: string; to: string; pageSize?: number }): AsyncGenerator<BindingView[]> {
  const kind = builtKind(deps, input);
  const pageSize = Math.max(1, input.pageSize ?? 500);
  await ensureDueIndex(deps, [deps.live.current()], input.from);
  const collection = bindingsOf(deps);
  let page: BindingView[] = [];
  for (let date = input.from; date <= input.to; date = nextDay(date)) {
    const ids = await dueIdsOn(deps, kind.ref, input.field, date);
    for (let i = 0; i < ids.length; i += READS_IN_FLIGHT) {
      const records = await Promise.all(ids.slice(i, i + READS_IN_FLIGHT).map((id) => collection.get(id)));
      const build = deps.live.current();
      for (const record of records) {
        if (!record || record.department !== kind.department || record.kind !== kind.id) continue;
        const view = openBinding(deps.vault, build, record);
        // The index may list a binding under a date it no longer holds (a crash mid-update): its own date decides.
        if (view.data[input.field] !== date) continue;
        page.push(view);
        if (page.length >= pageSize) {
          yield page;
          page = [];
        }
      }
    }
  }
  if (page.length > 0) yield page;
}

/** Keeps fresh data for a binding (e.g. a refreshed inspection due date), sealed like the rest. */
export async function updateBindingData(deps: BindingsDeps, id: string, data: Record<string, unknown>): Promise<void> {
  const at = (deps.now ? deps.now() : new Date()).toISOString();
  const collection = bindingsOf(deps);
  const current = await collection.get(id);
  if (!current) throw new NotFoundError('绑定不存在或已解除');
  await reindexAround(deps, current, openContent(deps.vault, current).data, data, () =>
    collection.update(id, (record) => {
      const { fields } = openContent(deps.vault, record);
      return { ...record, sealed: sealContent(deps.vault, record.id, { fields, data }), dataUpdatedAt: at };
    }),
  );
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
  let resealed = 0;
  // Only the ids of stale bindings are collected (the filter sees the stored objects, nothing is copied).
  const stale: string[] = [];
  await collection.list((r: BindingRecord) => (deps.vault.keyIdOf(r.sealed) !== deps.vault.activeKeyId && stale.push(r.id), false));
  for (const id of stale) {
    await collection.update(id, (current) => ({ ...current, sealed: sealContent(deps.vault, current.id, openContent(deps.vault, current)) }));
    resealed++;
  }
  return { checked: await collection.count(), resealed };
}
