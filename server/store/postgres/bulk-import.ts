// Bulk writes for moving a city into PostgreSQL: a thousand documents or log records per
// statement instead of one round trip each.
import type pg from 'pg';
import { ensureLogPartitions } from './migrations.js';

const BATCH = 1000;

export async function importDocuments(pool: pg.Pool, collection: string, docs: Array<{ id: string }>): Promise<void> {
  for (let i = 0; i < docs.length; i += BATCH) {
    const batch = docs.slice(i, i + BATCH);
    await pool.query(
      `insert into documents (collection, id, doc)
       select $1, d ->> 'id', d from unnest($2::jsonb[]) as t(d)
       on conflict (collection, id) do update set doc = excluded.doc`,
      [collection, batch.map((d) => JSON.stringify(d))],
    );
  }
}

export async function importLogRecords(pool: pg.Pool, log: string, records: unknown[]): Promise<void> {
  // Old months get their own partitions too, so they can be archived like later ones.
  const months = new Set<string>();
  for (const r of records) {
    const at = (r as { at?: unknown }).at;
    if (typeof at === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(at)) months.add(at.slice(0, 7));
  }
  for (const month of months) await ensureLogPartitions(pool, new Date(`${month}-01T00:00:00Z`), 0);
  for (let i = 0; i < records.length; i += BATCH) {
    const batch = records.slice(i, i + BATCH);
    // A record's own time (records carry `at`) puts it in its month's partition.
    await pool.query(
      `insert into log_records (log, at, record)
       select $1, coalesce(case when r ->> 'at' ~ '^\\d{4}-\\d{2}-\\d{2}T' then (r ->> 'at')::timestamptz end, now()), r
       from unnest($2::jsonb[]) with ordinality as t(r, n) order by n`,
      [log, batch.map((r) => JSON.stringify(r))],
    );
  }
}

export interface TargetCounts {
  documents: Map<string, number>;
  logs: Map<string, number>;
}

export async function countTarget(pool: pg.Pool): Promise<TargetCounts> {
  const docs = await pool.query<{ collection: string; n: string }>('select collection, count(*) as n from documents group by collection');
  const logs = await pool.query<{ log: string; n: string }>('select log, count(*) as n from log_records group by log');
  return {
    documents: new Map(docs.rows.map((r) => [r.collection, Number(r.n)])),
    logs: new Map(logs.rows.map((r) => [r.log, Number(r.n)])),
  };
}
