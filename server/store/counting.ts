// Counting and locking where the data lives. A server database answers a count, a counter or a
// set of locks in one statement; the embedded stores, with no such methods, get the same answer
// from the contract's basic calls. Callers use these helpers and never ask which store they have.
import type { Collection, Doc, Store } from './types.js';

export interface Counter extends Doc {
  value: number;
}

/** Runs fn holding every lock in keys, in order: one round trip on a server database, nested calls elsewhere. */
export function withLocks<R>(store: Store, keys: readonly string[], fn: () => Promise<R>): Promise<R> {
  if (store.withLocks) return store.withLocks(keys, fn);
  const [first, ...rest] = keys;
  return first === undefined ? fn() : store.withLock(first, () => withLocks(store, rest, fn));
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
