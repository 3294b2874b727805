// The bindings' "reminder day" index: for every date in a binding's data that a reminder follows
// (a vehicle's inspectionDue, a licence's validUntil), the binding's id is listed under that date.
// Planning then reads only the bindings whose date falls inside a reminder's window and opens
// (decrypts) only those, instead of all 200,000. The index holds nothing personal: binding ids,
// kind refs, field names and dates; no plate, name, number or openid.
//
// Consistency without transactions: ids are added before the binding that needs them is written
// and removed after the binding let go of them, so the index is always a superset of the truth.
// Readers check each binding's own (sealed) date and skip what does not match; days in the past
// are dropped. A kind/field no reminder followed when its bindings were written (a new reminder,
// a store restored without the index) is built by reading every binding of that kind once.
import { createHash } from 'node:crypto';
import type { AccountBuild } from '../builder/index.js';
import type { Doc } from '../store/index.js';
import { BINDING_COLLECTION, BINDINGS, type BindingRecord, type BindingsDeps } from './binding-types.js';
import { openContent } from './open-binding.js';

export const BINDING_DUE = 'binding-due';
const META_ID = 'meta';
/** Ids of one date are spread over this many documents, so a write rewrites a short list. */
const SHARDS = 16;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The ids of the bindings of one kind whose `field` holds `date` (one of SHARDS parts). */
export interface DueDay extends Doc {
  /** <department>/<kind> */
  kind: string;
  field: string;
  date: string;
  ids: string[];
}

/** Which kind/field pairs the index holds for every binding (`<department>/<kind>/<field>`). */
export interface DueMeta extends Doc {
  covers: string[];
}

type DueDoc = DueDay | DueMeta;

export const dueIndexOf = (deps: Pick<BindingsDeps, 'store'>) => deps.store.collection<DueDoc>(BINDING_DUE, { onDisk: true });

const shardOfId = (id: string) => createHash('sha1').update(id).digest()[0]! % SHARDS;
const dayId = (kindRef: string, field: string, date: string, shard: number) => `${kindRef}/${field}/${date}/${shard.toString(16)}`;

/** The date fields reminders follow, per kind ref (<department>/<kind>), over the given builds. */
export function followedFields(builds: readonly AccountBuild[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const build of builds) {
    for (const r of build.reminders ?? []) {
      if (!('binding' in r.follows)) continue;
      const ref = `${r.department}/${r.follows.binding}`;
      const fields = out.get(ref) ?? [];
      if (!fields.includes(r.follows.field)) fields.push(r.follows.field);
      out.set(ref, fields);
    }
  }
  return out;
}

/** The index documents a binding with this data belongs in. */
export function dueDaysOf(followed: Map<string, string[]>, record: Pick<BindingRecord, 'id' | 'department' | 'kind'>, data: Record<string, unknown>): string[] {
  const ref = `${record.department}/${record.kind}`;
  const shard = shardOfId(record.id);
  return (followed.get(ref) ?? []).flatMap((field) => {
    const date = data[field];
    return typeof date === 'string' && DATE.test(date) ? [dayId(ref, field, date, shard)] : [];
  });
}

function parseDayId(id: string): Omit<DueDay, 'ids'> {
  const parts = id.split('/');
  const [department, kind, field, date] = parts;
  return { id, kind: `${department}/${kind}`, field: field!, date: date! };
}

/** Adds (or removes) one binding id to (from) each of these index documents. */
async function changeDays(deps: Pick<BindingsDeps, 'store'>, ids: readonly string[], bindingId: string, op: 'add' | 'remove') {
  const index = dueIndexOf(deps);
  for (const id of ids) {
    await deps.store.withLock(`${BINDING_DUE}:${id}`, async () => {
      const current = (await index.get(id)) as DueDay | undefined;
      const has = current?.ids.includes(bindingId) ?? false;
      if (op === 'add' && !has) await index.put({ ...parseDayId(id), ids: [...(current?.ids ?? []), bindingId] });
      if (op === 'remove' && current && has) {
        const rest = current.ids.filter((i) => i !== bindingId);
        if (rest.length) await index.put({ ...current, ids: rest });
        else await index.delete(id);
      }
    });
  }
}

/**
 * Moves a binding in the index from the days of its old data to those of its new data: the new
 * entries go in before `write` runs (the binding's own write), the old ones out after it.
 */
export async function reindexAround<R>(deps: BindingsDeps, record: Pick<BindingRecord, 'id' | 'department' | 'kind'>, before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined, write: () => Promise<R>): Promise<R> {
  const followed = followedFields([deps.live.current()]);
  if (after) await uncover(deps, record, followed);
  const old = before ? dueDaysOf(followed, record, before) : [];
  const next = after ? dueDaysOf(followed, record, after) : [];
  await changeDays(deps, next.filter((d) => !old.includes(d)), record.id, 'add');
  const result = await write();
  await changeDays(deps, old.filter((d) => !next.includes(d)), record.id, 'remove');
  return result;
}

/**
 * A binding written while no reminder follows a field the index covers is not listed under that
 * field's date: the field is no longer covered (built again when a reminder follows it again).
 */
async function uncover(deps: Pick<BindingsDeps, 'store'>, record: Pick<BindingRecord, 'department' | 'kind'>, followed: Map<string, string[]>) {
  const ref = `${record.department}/${record.kind}`;
  const stale = (covers: string[]) => covers.filter((c) => c.startsWith(`${ref}/`) && !followed.get(ref)?.includes(c.slice(ref.length + 1)));
  const meta = (await dueIndexOf(deps).get(META_ID)) as DueMeta | undefined;
  if (!meta || !stale(meta.covers).length) return;
  await deps.store.withLock(`${BINDING_DUE}:build`, async () => {
    const current = (await dueIndexOf(deps).get(META_ID)) as DueMeta | undefined;
    if (current) await dueIndexOf(deps).put({ ...current, covers: current.covers.filter((c) => !stale(current.covers).includes(c)) });
  });
}

/** The ids listed under a date of a kind's field (possibly stale: callers check the binding). */
export async function dueIdsOn(deps: Pick<BindingsDeps, 'store'>, kindRef: string, field: string, date: string): Promise<string[]> {
  const index = dueIndexOf(deps);
  const ids: string[] = [];
  for (let shard = 0; shard < SHARDS; shard++) {
    const day = (await index.get(dayId(kindRef, field, date, shard))) as DueDay | undefined;
    if (day) ids.push(...day.ids);
  }
  return ids;
}

/**
 * Makes sure the index covers every kind/field the builds' reminders follow: a pair it does not
 * cover yet is built from the bindings of that kind (each opened once). Days before `today` are
 * dropped on the way. Returns the pairs built now (empty when the index was complete).
 */
export async function ensureDueIndex(deps: BindingsDeps, builds: readonly AccountBuild[], today?: string): Promise<string[]> {
  const followed = followedFields(builds);
  const wanted = [...followed].flatMap(([ref, fields]) => fields.map((f) => `${ref}/${f}`));
  const index = dueIndexOf(deps);
  const covered = async () => new Set(((await index.get(META_ID)) as DueMeta | undefined)?.covers ?? []);
  const have = await covered();
  if (wanted.every((w) => have.has(w))) {
    if (today) await dropPastDays(deps, today);
    return [];
  }
  // One builder across processes; the others wait and then find the pairs covered.
  return deps.store.withLock(`${BINDING_DUE}:build`, async () => {
    const now = await covered();
    const missing = wanted.filter((w) => !now.has(w));
    if (missing.length) {
      await buildPairs(deps, missing, followed);
      await index.put({ id: META_ID, covers: [...now, ...missing].sort() });
    }
    if (today) await dropPastDays(deps, today);
    return missing;
  });
}

/** Rebuilds the whole index from the bindings (the `onestop bindings reindex` command). */
export async function rebuildDueIndex(deps: BindingsDeps, builds: readonly AccountBuild[]): Promise<{ bindings: number; days: number }> {
  return deps.store.withLock(`${BINDING_DUE}:build`, async () => {
    const index = dueIndexOf(deps);
    for (const doc of await index.list()) await index.delete(doc.id);
    const followed = followedFields(builds);
    const wanted = [...followed].flatMap(([ref, fields]) => fields.map((f) => `${ref}/${f}`));
    const result = await buildPairs(deps, wanted, followed);
    await index.put({ id: META_ID, covers: wanted.sort() });
    return result;
  });
}

async function buildPairs(deps: BindingsDeps, pairs: readonly string[], followed: Map<string, string[]>): Promise<{ bindings: number; days: number }> {
  const kinds = new Map<string, string[]>();
  for (const p of pairs) {
    const [department, kind, field] = p.split('/');
    const ref = `${department}/${kind}`;
    kinds.set(ref, [...(kinds.get(ref) ?? []), field!]);
  }
  const collection = deps.store.collection<BindingRecord>(BINDINGS, BINDING_COLLECTION);
  const days = new Map<string, string[]>();
  let bindings = 0;
  for (const [ref, fields] of kinds) {
    const only = new Map([[ref, fields.filter((f) => followed.get(ref)?.includes(f))]]);
    for (let b = 0; b < 256; b++) {
      for (const record of await collection.findBy('bucket', `${ref}/${b.toString(16).padStart(2, '0')}`)) {
        bindings++;
        for (const d of dueDaysOf(only, record, openContent(deps.vault, record).data)) {
          const ids = days.get(d);
          if (ids) ids.push(record.id);
          else days.set(d, [record.id]);
        }
      }
    }
  }
  // Merged with what is there: bindings written meanwhile added their ids themselves.
  const index = dueIndexOf(deps);
  for (const [id, ids] of days) {
    await deps.store.withLock(`${BINDING_DUE}:${id}`, async () => {
      const current = (await index.get(id)) as DueDay | undefined;
      await index.put({ ...parseDayId(id), ids: [...new Set([...(current?.ids ?? []), ...ids])] });
    });
  }
  return { bindings, days: days.size };
}

/**
 * Per store, the city day this process last dropped past days for. Days only become past when the
 * date changes, and finding them reads every document of the index (at 200,000 bindings, tens of
 * thousands of day lists read back from disk), so planning passes of the same day skip it.
 */
const droppedOn = new WeakMap<object, string>();

async function dropPastDays(deps: Pick<BindingsDeps, 'store'>, today: string) {
  if (droppedOn.get(deps.store) === today) return;
  const index = dueIndexOf(deps);
  const past = await index.list((d) => 'date' in d && d.date < today);
  for (const doc of past) await index.delete(doc.id);
  droppedOn.set(deps.store, today);
}
