// The server-database Store: every process with the same STORE_URL sees one city. Documents
// live in one JSONB table, logs in a month-partitioned table, and withLock is a PostgreSQL
// advisory lock, so the check-then-write steps (the last seat, one credit per notification, one
// rating, the next number) hold across processes and hosts, not only inside one process.
import pg from 'pg';
import { PostgresCollection } from './postgres-collection.js';
import { PostgresLog } from './postgres-log.js';
import { PostgresJobQueue } from './postgres-jobs.js';
import { ensureLogPartitions, migrate } from './migrations.js';
import { createSessions } from './sessions.js';
import { createSignals } from './postgres-signals.js';
import { createPostgresBlobStore } from './postgres-blobs.js';
import { createPostgresOnce } from './postgres-once.js';
import type { BlobStore } from '../blob-store.js';
import type { Collection, CollectionOptions, Doc, Log, Store } from '../types.js';

export interface PostgresStoreOptions {
  /** A schema to use instead of the connection's default (tests give each store its own). */
  schema?: string;
  /** Connections for documents and locks (default 10); logs use two more of their own. */
  poolSize?: number;
  /** How long appended log records may wait in memory. Default 50 ms. */
  logFlushMs?: number;
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
const DAY_MS = 24 * 3600 * 1000;

function checkName(kind: string, name: string) {
  // The same rule as the embedded store, so a city moves between the two unchanged.
  if (!NAME.test(name)) throw new Error(`${kind}名称不合法（只允许字母、数字、- 和 _）: ${name}`);
}

export interface PostgresStore extends Store {
  /** The pool behind documents and locks, for the features built on PostgreSQL itself. */
  readonly pool: pg.Pool;
  readonly schema: string | undefined;
  /** Uploaded files in this database (BLOB_STORE=postgres). */
  readonly blobs: BlobStore;
}

export async function createPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA.test(schema)) throw new Error(`schema 名称不合法: ${schema}`);
  const connection: pg.PoolConfig = { connectionString: url, ...(schema ? { options: `-c search_path=${schema}` } : {}) };
  const pool = new pg.Pool({ ...connection, max: options.poolSize ?? 10 });
  const logPool = new pg.Pool({ ...connection, max: 2 });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  const onIdleError = (err: Error) => console.error('[onestop] 数据库连接断开（将自动重连）:', err.message);
  pool.on('error', onIdleError);
  logPool.on('error', onIdleError);

  try {
    const client = await pool.connect();
    try {
      if (schema) await createSchema(client, schema);
      await migrate(client);
      await ensureLogPartitions(client, new Date());
    } finally {
      client.release();
    }
  } catch (err) {
    await Promise.all([pool.end(), logPool.end()]);
    throw err;
  }
  const partitionTimer = setInterval(() => {
    ensureLogPartitions(pool, new Date()).catch((e) => console.error('[onestop] 创建日志月分区失败:', e));
  }, DAY_MS);
  partitionTimer.unref();

  const db = createSessions(pool, schema ?? 'public');
  const once = createPostgresOnce(db, pool);
  const onceTimer = setInterval(() => void once.sweep().catch((e: Error) => console.error('[onestop] 清理过期的去重记录失败:', e.message)), 60_000);
  onceTimer.unref();
  const signals = createSignals(connection, (text, params) => db.query(text, params), schema ?? 'public');
  const collections = new Map<string, PostgresCollection<Doc>>();
  const logs = new Map<string, PostgresLog<unknown>>();
  const flushMs = options.logFlushMs ?? 50;
  let closed = false;

  return {
    pool,
    schema,
    blobs: createPostgresBlobStore(db),
    once,
    collection<T extends Doc>(name: string, _options?: CollectionOptions) {
      checkName('集合', name);
      let c = collections.get(name);
      if (!c) collections.set(name, (c = new PostgresCollection<Doc>(db, name)));
      return c as unknown as Collection<T>;
    },
    log<T>(name: string) {
      checkName('日志', name);
      let l = logs.get(name);
      if (!l) logs.set(name, (l = new PostgresLog<unknown>(logPool, name, flushMs)));
      return l as Log<T>;
    },
    withLock: (key, fn) => db.withLock(key, fn),
    withLocks: (keys, fn) => db.withLocks(keys, fn),
    withLocksReading: (keys, reads, fn) => {
      for (const read of reads) checkName('集合', read.collection);
      return db.withLocksReading(keys, reads, fn);
    },
    async increment(collection, id) {
      checkName('集合', collection);
      // One statement: the row lock of the upsert serialises every process. Its commit does not
      // wait for the disk (synchronous_commit off for this transaction only): the value is used
      // by a write that follows, whose synchronous commit flushes the log up to and past this
      // one; if that write never comes and the server crashes, the value is handed out again,
      // which nobody can tell.
      const { rows } = await db.query<{ value: string }>(
        `insert into documents (collection, id, doc)
         select $1, $2, jsonb_build_object('id', $2::text, 'value', 1) from (select set_config('synchronous_commit', 'off', true)) as async_commit
         on conflict (collection, id) do update set doc = documents.doc || jsonb_build_object('value', coalesce((documents.doc ->> 'value')::bigint, 0) + 1)
         returning (doc ->> 'value')::bigint as value`,
        [collection, id],
      );
      return Number(rows[0]!.value);
    },
    jobs: <P>(name: string) => new PostgresJobQueue<P>(db, name),
    notify: (channel, payload) => signals.notify(channel, payload),
    listen: (channel, listener) => signals.listen(channel, listener),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(partitionTimer);
      clearInterval(onceTimer);
      await signals.close();
      await Promise.all([...logs.values()].map((l) => l.close().catch((e) => console.error('[onestop] 关闭时写入日志失败:', e))));
      await Promise.all([pool.end(), logPool.end()]);
    },
  };
}

/** CREATE SCHEMA IF NOT EXISTS still fails when another process creates it at the same moment. */
async function createSchema(client: pg.ClientBase, schema: string) {
  try {
    await client.query(`create schema if not exists ${schema}`);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw err;
  }
}
