// Versioned schema migrations, run at start-up. Each runs once, in order, inside one transaction
// that also holds an advisory lock, so several processes starting together apply each exactly
// once and a failed migration leaves the schema as it was. Never edit a released migration: add
// the next version.
import type pg from 'pg';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'documents and logs',
    sql: `
      -- Every collection in one table: the document is JSON, findBy is a containment query on
      -- the GIN index, so a new indexed field needs no DDL while processes run.
      create table documents (
        collection text not null,
        id text not null,
        doc jsonb not null,
        primary key (collection, id)
      );
      create index documents_doc on documents using gin (doc jsonb_path_ops);

      -- Append-only logs (messages, audit, notifications, payments), partitioned by month so an
      -- old month can be detached and archived; the default partition catches anything a
      -- missing monthly partition would refuse.
      create sequence log_records_seq;
      create table log_records (
        log text not null,
        seq bigint not null default nextval('log_records_seq'),
        at timestamptz not null default now(),
        record jsonb not null
      ) partition by range (at);
      create table log_records_default partition of log_records default;
      create index log_records_log_seq on log_records (log, seq);
    `,
  },
  {
    version: 2,
    name: 'blobs',
    sql: `
      -- Uploaded files (BLOB_STORE=postgres): one row per file, its bytes in chunks of at most
      -- 256 KB, so no single value is large and a read streams chunk by chunk. The chunks of a
      -- file are written in the transaction that inserts its row.
      create table blobs (
        id text primary key,
        chunks integer not null default 0,
        size bigint not null default 0,
        created_at timestamptz not null default now()
      );
      create table blob_chunks (
        id text not null references blobs (id) on delete cascade,
        n integer not null,
        bytes bytea not null,
        primary key (id, n)
      );
      -- Images and PDFs are already compressed: store them as they are.
      alter table blob_chunks alter column bytes set storage external;
    `,
  },
  {
    version: 3,
    name: 'documents index without a pending list',
    sql: `
      -- With fastupdate a GIN index queues new entries in a pending list that every findBy scans
      -- in full until a vacuum or an insert that overflows it merges them: lookups slow down as
      -- the list grows and the unlucky insert pays for the merge (booking p99). Entries now go
      -- straight into the index; what is queued already is merged here.
      alter index documents_doc set (fastupdate = off);
      select gin_clean_pending_list('documents_doc'::regclass);
    `,
  },
  {
    version: 4,
    name: 'once claims',
    sql: `
      -- Short-lived "once" keys shared by every process (a WeChat push and its retries, a signed
      -- push's nonce): unlogged, so a claim costs no WAL flush; a crash empties the table, which
      -- at worst lets one retry be answered twice.
      create unlogged table once_claims (
        key text primary key,
        expires timestamptz not null,
        outcome text
      );
      create index once_claims_expires on once_claims (expires);
    `,
  },
  {
    version: 5,
    name: 'documents indexed within their collection; lock and read in one statement',
    sql: `
      -- The GIN index of version 1 mixed every collection: a lookup by date in the hall
      -- closures also found every appointment of that date, and a query that named its
      -- collection let the planner scan that collection's primary-key range instead, which it
      -- did whenever the statistics were older than the collection's growth (the appointments
      -- of a city with a million applications: every booking read them all). Indexing each
      -- document under its collection's name ({"appointments": {...}}) makes one index entry
      -- mean one field value in one collection, and leaves the planner nothing else to choose.
      -- Built here on the existing documents: on a city with a million documents this takes a
      -- minute or two while the other processes wait for the migration lock.
      create index documents_in_collection on documents using gin (jsonb_set('{}', array[collection], doc) jsonb_path_ops) with (fastupdate = off);
      drop index documents_doc;

      -- withLocksReading: the advisory locks of withLocks, then reads, in one round trip. The
      -- function is volatile, so each read below takes its own snapshot after the locks were
      -- granted and sees every write committed before (one plain statement would read from a
      -- snapshot taken before it waited for the locks). A read is {collection, where, count}: the
      -- documents whose fields equal the strings in where (containment on the index, then jsonb
      -- equality, so an array holding the value does not match: findBy's semantics).
      create function onestop_lock_and_read(lock_keys text[], reads jsonb) returns jsonb
      language plpgsql volatile as $fn$
      declare
        k text;
        r jsonb;
        results jsonb := '[]';
      begin
        foreach k in array lock_keys loop
          perform pg_advisory_lock(hashtextextended(k, 0));
        end loop;
        for r in select value from jsonb_array_elements(reads) loop
          if coalesce((r ->> 'count')::boolean, false) then
            results := results || to_jsonb((
              select count(*) from documents d
              where jsonb_set('{}', array[d.collection], d.doc) @> jsonb_build_object(r ->> 'collection', r -> 'where')
                and not exists (select from jsonb_each(r -> 'where') w where d.doc -> w.key is distinct from w.value)));
          else
            results := results || jsonb_build_array(coalesce((
              select jsonb_agg(d.doc) from documents d
              where jsonb_set('{}', array[d.collection], d.doc) @> jsonb_build_object(r ->> 'collection', r -> 'where')
                and not exists (select from jsonb_each(r -> 'where') w where d.doc -> w.key is distinct from w.value)), '[]'));
          end if;
        end loop;
        return results;
      end
      $fn$;
    `,
  },
  {
    // Version 10 leaves room for other store work landing in parallel; versions apply by number.
    version: 10,
    name: 'job queues',
    sql: `
      -- Durable job queues (the notices outbox and scheduler, server/store/job-queue.ts). Times are
      -- ms epochs from the caller's clock, so tests and benches can move time; the partial index
      -- keeps claims fast however many finished jobs accumulate.
      create table jobs (
        queue text not null,
        id text not null,
        payload jsonb not null,
        run_at bigint not null,
        state text not null default 'queued',
        attempts integer not null default 0,
        lease text,
        lease_until bigint,
        last_error text,
        created_at bigint not null,
        finished_at bigint,
        primary key (queue, id)
      );
      create index jobs_open on jobs (queue, run_at) where state in ('queued', 'leased');
    `,
  },
  {
    // Numbered apart from the store's own run of versions (others land in parallel); versions apply by number.
    version: 11,
    name: 'log records carry their transaction id',
    sql: `
      -- Log.readAfter (stats rollups fold only what is new): a sequence number cannot be a cursor,
      -- because a transaction may commit a lower seq after a higher one was read. Each record keeps
      -- the id of the transaction that inserted it; every transaction older than a snapshot's xmin
      -- has ended, so "xid below the xmin" is a watermark no later commit can fall under. Records
      -- from before this migration have none and are read from the start only. Adding a nullable
      -- column rewrites nothing; the index serves the (log, xid) range a fold reads.
      alter table log_records add column xid xid8;
      alter table log_records alter column xid set default pg_current_xact_id();
      create index log_records_log_xid on log_records (log, xid);
    `,
  },
];

const LOCK = 'onestop:migrate';

/** Applies every migration newer than the schema's version; returns the versions applied. */
export async function migrate(client: pg.ClientBase, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const applied: number[] = [];
  await client.query('begin');
  try {
    await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`${LOCK}:${await currentSchema(client)}`]);
    await client.query(`create table if not exists onestop_migrations (
      version integer primary key, name text not null, applied_at timestamptz not null default now())`);
    const { rows } = await client.query<{ version: number }>('select version from onestop_migrations');
    const done = new Set(rows.map((r) => r.version));
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query('insert into onestop_migrations (version, name) values ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  }
  return applied;
}

async function currentSchema(client: pg.ClientBase): Promise<string> {
  const { rows } = await client.query<{ s: string }>('select current_schema() as s');
  return rows[0]?.s ?? 'public';
}

/** Monthly partitions for this month and the next `ahead`; idempotent, safe across processes. */
export async function ensureLogPartitions(client: pg.ClientBase | pg.Pool, now: Date, ahead = 2): Promise<void> {
  for (let i = 0; i <= ahead; i++) {
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
    const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
    const name = `log_records_${from.getUTCFullYear()}_${String(from.getUTCMonth() + 1).padStart(2, '0')}`;
    const exists = await client.query('select 1 from pg_class where relname = $1 and relnamespace = current_schema()::regnamespace', [name]);
    if (exists.rowCount) continue;
    try {
      await client.query(`create table ${name} partition of log_records for values from ('${from.toISOString()}') to ('${to.toISOString()}')`);
    } catch (err) {
      // Another process created it first (42P07), or rows for that month already sit in the
      // default partition (23514): both leave logging working.
      const code = (err as { code?: string }).code;
      if (code !== '42P07' && code !== '23514' && code !== '23505') throw err;
    }
  }
}
