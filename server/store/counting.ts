// Counting and locking where the data lives. A server database answers a count, a counter or a
// set of locks in one statement; the embedded stores, with no such methods, get the same answer
// from the contract's basic calls. Callers use these helpers and never ask which store they have.
import type { Collection, Doc, LockedRead, LockedReadResult, Store } from './types.js';

export interface Counter extends Doc {
  value: number;
}

/** Runs fn holding every lock in keys, in order: one round trip on a server database, nested calls elsewhere. */
export function withLocks<R>(store: Store, keys: readonly string[], fn: () => Promise<R>): Promise<R> {
  if (store.withLocks) return store.withLocks(keys, fn);
  const [first, ...rest] = keys;
  return first === undefined ? fn() : store.withLock(first, () => withLocks(store, rest, fn));
}

/**
 * Runs fn holding every lock in keys with the results of `reads` taken under them: one round trip
 * on a server database; elsewhere the locks, then each read (findBy on the first field of `where`).
 */
export function withLocksReading<R>(
  store: Store,
  keys: readonly string[],
  reads: readonly LockedRead[],
  fn: (results: LockedReadResult[]) => Promise<R>,
): Promise<R> {
  if (store.withLocksReading) return store.withLocksReading(keys, reads, fn);
  return withLocks(store, keys, async () => fn(await Promise.all(reads.map((read) => readOne(store, read)))));
}

async function readOne(store: Store, read: LockedRead): Promise<LockedReadResult> {
  const [first, ...rest] = Object.entries(read.where);
  if (!first) throw new Error(`withLocksReading: 读取 ${read.collection} 需要至少一个字段`);
  const found = await store.collection<Doc>(read.collection, { indexes: [first[0]] }).findBy(first[0], first[1]);
  const matching = found.filter((doc) => rest.every(([k, v]) => (doc as unknown as Record<string, unknown>)[k] === v));
  return read.count ? matching.length : matching;
}

/** Documents whose `field` (indexed) equals `value` and whose fields in `also` equal theirs. */
export async function countBy<T extends Doc>(collection: Collection<T>, field: string, value: string, also: Readonly<Record<string, string>> = {}): Promise<number> {
  if (collection.countBy) return collection.countBy(field, value, also);
  const found = await collection.findBy(field, value);
  const wanted = Object.entries(also);
  return found.filter((doc) => wanted.every(([k, v]) => (doc as unknown as Record<string, unknown>)[k] === v)).length;
}

/** The next value of counter `id` (1 for a new one), kept as `{id, value}` in `collection`. */
export async function incrementCounter(store: Store, collection: string, id: string): Promise<number> {
  if (store.increment) return store.increment(collection, id);
  const counters = store.collection<Counter>(collection);
  return store.withLock(`counter:${collection}:${id}`, async () => {
    const value = ((await counters.get(id))?.value ?? 0) + 1;
    await counters.put({ id, value });
    return value;
  });
}
