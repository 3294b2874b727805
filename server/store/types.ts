// The store interface. Capability code (loop, gateway, desk, console) talks only to this;
// lowdb stays behind it so a server database can replace it without touching callers.
import type { JobQueue } from './job-types.js';

export interface Doc {
  id: string;
}

export interface Collection<T extends Doc> {
  get(id: string): Promise<T | undefined>;
  /** Inserts a new document; throws ConflictError when the id exists. */
  insert(doc: T): Promise<T>;
  /** Inserts or replaces a document. */
  put(doc: T): Promise<T>;
  /**
   * Reads the document, applies fn and writes the result durably. Calls on one collection
   * are serialised, so fn sees the latest state. fn may throw to abort without writing.
   * Throws NotFoundError when the id does not exist.
   */
  update(id: string, fn: (current: T) => T): Promise<T>;
  delete(id: string): Promise<boolean>;
  /** Documents whose indexed field equals value (the field must be declared in indexes). */
  findBy(field: string, value: string): Promise<T[]>;
  /** All documents, optionally filtered; for small collections and admin lists. */
  list(filter?: (doc: T) => boolean): Promise<T[]>;
  count(): Promise<number>;
  /**
   * How many documents have `field` equal to `value` (an indexed field) and every field of `also`
   * equal to its value: counted where the data lives, without reading the documents. Optional;
   * callers use `countBy` (store/counting.ts), which falls back to findBy.
   */
  countBy?(field: string, value: string, also?: Readonly<Record<string, string>>): Promise<number>;
}

/** An append-only record stream (message log, audit log). Appends never block the caller. */
export interface Log<T> {
  append(record: T): void;
  /** Waits until every appended record is durable. */
  flush(): Promise<void>;
  /** Records in append order, optionally filtered. */
  read(filter?: (record: T) => boolean): Promise<T[]>;
  /**
   * The records appended after `position` (from the start when undefined) and the position after
   * them, so a job folds in only what is new without reading the whole log. The position is opaque
   * (a byte offset in a JSON Lines file, a transaction watermark in PostgreSQL); a position another
   * store gave (a cursor copied by a migration) is refused with LogPositionError. Optional: a store
   * without it is read whole.
   */
  readAfter?(position: string | undefined): Promise<{ records: T[]; position: string }>;
}

/**
 * A read taken with locks (Store.withLocksReading): the documents of `collection` whose fields
 * equal the strings in `where` (its first field indexed, as for findBy), or how many there are.
 */
export interface LockedRead {
  collection: string;
  where: Readonly<Record<string, string>>;
  count?: boolean;
}

/** The documents a LockedRead found, or their number when it counted. */
export type LockedReadResult = Doc[] | number;

/** A readAfter position this store did not give: the reader starts over from the whole log. */
export class LogPositionError extends Error {
  constructor(log: string, position: string) {
    super(`日志 ${log} 的读取位置“${position}”不是本存储给出的`);
  }
}

export interface CollectionOptions {
  /** Fields looked up with findBy. */
  indexes?: string[];
  /**
   * For the big collections (bindings, notices, their jobs): the embedded store keeps the
   * documents on disk and only the indexes and each document's place in memory; every read is a
   * file read. Other stores ignore it. A collection stored in memory moves to disk when first
   * declared so, and stays there.
   */
  onDisk?: boolean;
}

/**
 * "Once" across every process sharing a store, for state that only lives a short while (WeChat's
 * retries of a push, replayed nonces). Kept apart from the city's data: it may be lost in a crash.
 */
export interface SharedOnce {
  /** True for the first claimer of key until ttlMs have passed (then it can be claimed again); `outcome` may be stored with it. */
  claim(key: string, ttlMs: number, outcome?: string): Promise<boolean>;
  /** Stores the outcome of a claimed key for those who claim it later. */
  settle(key: string, outcome: string): Promise<void>;
  /** The claimed key's outcome: undefined while unclaimed, expired or not settled yet. */
  outcome(key: string): Promise<string | undefined>;
  /** Sets key's outcome for ttlMs whether or not it was claimed (the latest state of something). */
  remember(key: string, outcome: string, ttlMs: number): Promise<void>;
}

export interface Store {
  collection<T extends Doc>(name: string, options?: CollectionOptions): Collection<T>;
  log<T>(name: string): Log<T>;
  /**
   * Runs fn while holding the exclusive lock named key. Used where a check and a write must
   * not interleave (the last seat of an appointment slot).
   */
  withLock<R>(key: string, fn: () => Promise<R>): Promise<R>;
  /**
   * Runs fn holding every lock in keys, taken in the order given (the same as nesting withLock
   * calls, in one step). Optional; callers use `withLocks` (store/counting.ts), which nests.
   */
  withLocks?<R>(keys: readonly string[], fn: () => Promise<R>): Promise<R>;
  /**
   * withLocks, then the reads, in one round trip: fn gets each read's result in order (documents,
   * or their number when `count`). The reads see every write committed before the locks were
   * granted. Optional; callers use `withLocksReading` (store/counting.ts), which takes the locks
   * and then reads one by one.
   */
  withLocksReading?<R>(keys: readonly string[], reads: readonly LockedRead[], fn: (results: LockedReadResult[]) => Promise<R>): Promise<R>;
  /**
   * Adds one to the `value` of document `id` in `collection` (creating it with value 1) and
   * returns the new value, atomically across every process sharing the store. Optional; callers
   * use `incrementCounter` (store/counting.ts), which falls back to withLock + get + put.
   */
  increment?(collection: string, id: string): Promise<number>;
  /**
   * Present on stores several processes share (PostgreSQL). Absent on the embedded stores, which
   * serve one process: its own memory is the whole truth there.
   */
  readonly once?: SharedOnce;
  /**
   * Signals to every process sharing this store, the sender included (the PostgreSQL store:
   * LISTEN/NOTIFY). Absent on the embedded stores, which serve one process. A payload is only a
   * hint: after a lost connection listeners get '' and must re-read what they care about.
   */
  notify?(channel: string, payload: string): Promise<void>;
  /** Resolves once listening; the function it gives stops listening. */
  listen?(channel: string, listener: (payload: string) => void): Promise<() => void>;
  /**
   * The store's own durable job queue (PostgreSQL: a table claimed with FOR UPDATE SKIP LOCKED,
   * shared by every process). Absent on the embedded stores; use jobQueueOf(store, name), which
   * falls back to a queue over a collection.
   */
  jobs?<P>(name: string): JobQueue<P>;
  close(): Promise<void>;
}
