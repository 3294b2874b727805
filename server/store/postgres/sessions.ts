// Where a query runs. Outside withLock a query takes any pooled connection. Inside withLock it
// runs on the connection that holds the advisory lock (carried by AsyncLocalStorage), so a lock
// holder never waits for a second pooled connection: N holders need N connections, not 2N, and a
// full pool cannot deadlock against its own lock holders.
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import type { LockedRead, LockedReadResult } from '../types.js';

class Held {
  /** Keys this connection holds, for re-entrant withLock calls. */
  readonly keys = new Set<string>();
  done = false;
  private tail: Promise<unknown> = Promise.resolve();
  constructor(readonly client: pg.PoolClient) {}

  /** One use of the connection at a time, so a transaction never swallows a parallel query. */
  use<R>(fn: (client: pg.PoolClient) => Promise<R>): Promise<R> {
    const run = this.tail.then(() => fn(this.client));
    this.tail = run.catch(() => undefined);
    return run;
  }
}

export interface Sessions {
  /** A statement given as a QueryConfig with a name is prepared once per connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string | pg.QueryConfig, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Runs fn in one transaction on one connection (the lock holder's, when inside withLock). */
  transaction<R>(fn: (client: pg.ClientBase) => Promise<R>): Promise<R>;
  /**
   * Runs fn holding a session-level advisory lock on key. Every process using the database
   * waits for the same lock. Writes inside commit one by one, as in the embedded store.
   */
  withLock<R>(key: string, fn: () => Promise<R>): Promise<R>;
  /** withLock for several keys at once, taken left to right in one statement. */
  withLocks<R>(keys: readonly string[], fn: () => Promise<R>): Promise<R>;
  /** withLocks and the reads in one statement (migration 5's onestop_lock_and_read). */
  withLocksReading<R>(keys: readonly string[], reads: readonly LockedRead[], fn: (results: LockedReadResult[]) => Promise<R>): Promise<R>;
}

/** One statement taking (or giving back) n session locks, left to right: the order nested calls would take them. */
const advisory = (what: 'lock' | 'unlock', n: number) =>
  `select ${Array.from({ length: n }, (_, i) => `pg_advisory_${what}(hashtextextended($${i + 1}, 0))`).join(', ')}`;

/**
 * The statement that takes the locks (and does the reads, when there are any). Named, so each
 * connection parses and plans it once.
 */
function lockStatement(keys: readonly string[], reads: readonly LockedRead[] | undefined): pg.QueryConfig {
  if (!reads) return { name: `onestop-lock-${keys.length}`, text: advisory('lock', keys.length), values: [...keys] };
  return { name: 'onestop-lock-and-read', text: 'select onestop_lock_and_read($1::text[], $2::jsonb) as results', values: [[...keys], JSON.stringify(reads)] };
}

const resultsOf = (reads: readonly LockedRead[] | undefined, result: pg.QueryResult): LockedReadResult[] =>
  reads ? ((result.rows[0] as { results: LockedReadResult[] }).results ?? []) : [];

export function createSessions(pool: pg.Pool, namespace: string): Sessions {
  const context = new AsyncLocalStorage<Held>();
  let holders = 0;
  // A timer scheduled inside withLock inherits its context after the lock is gone.
  const held = () => {
    const h = context.getStore();
    return h && !h.done ? h : undefined;
  };
  const lockArgs = (keys: readonly string[]) => keys.map((key) => `${namespace}:${key}`);

  async function inTransaction<R>(client: pg.ClientBase, fn: (client: pg.ClientBase) => Promise<R>): Promise<R> {
    await client.query('begin');
    try {
      const result = await fn(client);
      await client.query('commit');
      return result;
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    }
  }

  async function transaction<R>(fn: (client: pg.ClientBase) => Promise<R>): Promise<R> {
    const h = held();
    if (h) return h.use((client) => inTransaction(client, fn));
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await inTransaction(client, fn);
    } catch (err) {
      if (isConnectionError(err)) broken = err as Error;
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async function withLocks<R>(keys: readonly string[], reads: readonly LockedRead[] | undefined, fn: (results: LockedReadResult[]) => Promise<R>): Promise<R> {
    const h = held();
    if (h) {
      const fresh = [...new Set(keys)].filter((k) => !h.keys.has(k));
      if (!fresh.length) return fn(reads ? resultsOf(reads, await h.use((client) => client.query(lockStatement([], reads)))) : []);
      // Queued, not awaited: it runs before anything else on this connection, so the caller
      // saves a round trip and waiters get the locks as soon as the server sees it. If it fails
      // the connection is broken, and the outer unlock destroys it, which releases every lock.
      const unlock = () => void h.use((client) => client.query(advisory('unlock', fresh.length), lockArgs(fresh))).catch(() => undefined);
      let results: LockedReadResult[];
      try {
        results = resultsOf(reads, await h.use((client) => client.query(lockStatement(lockArgs(fresh), reads))));
      } catch (err) {
        unlock(); // whichever of them it took
        throw err;
      }
      for (const k of fresh) h.keys.add(k);
      try {
        return await fn(results);
      } finally {
        for (const k of fresh) h.keys.delete(k);
        unlock();
      }
    }
    const unique = [...new Set(keys)];
    if (!unique.length) return fn(reads ? resultsOf(reads, await pool.query(lockStatement([], reads))) : []);
    const client = await pool.connect();
    let results: LockedReadResult[];
    try {
      results = resultsOf(reads, await client.query(lockStatement(lockArgs(unique), reads)));
    } catch (err) {
      client.release(err as Error); // destroyed: whatever it took is released
      throw err;
    }
    const mine = new Held(client);
    for (const k of unique) mine.keys.add(k);
    holders++;
    try {
      return await context.run(mine, () => fn(results));
    } finally {
      mine.done = true;
      // On Node 20 an enabled AsyncLocalStorage slows every promise in the process (~2x on the
      // gateway's path); with no holder left nothing needs the context, so switch it off.
      if (--holders === 0) context.disable();
      // Released behind the caller's back, a round trip saved: the queries fn left running finish
      // on this connection, then the unlock; only then does the connection return to the pool
      // (pool.end() waits for it). A connection that cannot unlock is destroyed, which releases
      // its locks.
      void mine
        .use(() => client.query('select pg_advisory_unlock_all()'))
        .then(
          () => client.release(),
          (e: Error) => client.release(e),
        );
    }
  }

  return {
    query: (text, params) => {
      const h = held();
      return h ? h.use((client) => client.query(text, params)) : pool.query(text, params);
    },
    transaction,
    withLock: (key, fn) => withLocks([key], undefined, fn),
    withLocks: (keys, fn) => withLocks(keys, undefined, fn),
    withLocksReading: (keys, reads, fn) => withLocks(keys, reads, fn),
  };
}

/** Errors after which a connection is not returned to the pool (SQLSTATE class 08, shutdown). */
function isConnectionError(err: unknown): boolean {
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return code.startsWith('08') || code.startsWith('57P');
  return typeof message === 'string' && /connection|terminated|ECONN/i.test(message);
}
