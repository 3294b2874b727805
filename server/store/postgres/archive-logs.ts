// Archiving old months of the append-only logs: each month is its own partition of log_records
// (log_records_YYYY_MM), and detaching it takes it out of every log read at once, without copying
// a row. The detached table stays in the database until the operator has exported it (pg_dump -t)
// and drops it. Only whole months before the current one can go.
import type pg from 'pg';
import { ValidationError } from '../../errors.js';

export interface ArchivedMonth {
  table: string;
  rows: number;
}

const MONTH = /^(\d{4})-(\d{2})$/;

/** log_records_YYYY_MM for "YYYY-MM", checked to be a real month before the current one. */
export function monthTable(month: string, now: Date): string {
  const m = MONTH.exec(month);
  const [year, mon] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!m || mon < 1 || mon > 12) throw new ValidationError(`月份格式应为 YYYY-MM：${month}`);
  const current = now.getUTCFullYear() * 12 + now.getUTCMonth();
  if (year * 12 + (mon - 1) > current) throw new ValidationError(`只能归档本月之前的月份：${month} 晚于本月`);
  return `log_records_${m[1]}_${m[2]}`;
}

/** Detaches every monthly log partition before `before` ("YYYY-MM", at most the current month); returns what it detached. */
export async function archiveLogMonths(pool: pg.Pool, before: string, now = new Date()): Promise<ArchivedMonth[]> {
  const limit = monthTable(before, now);
  const { rows } = await pool.query<{ table: string }>(
    `select c.relname as table from pg_inherits i
       join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
      where p.relname = 'log_records' and p.relnamespace = current_schema()::regnamespace
        and c.relname ~ '^log_records_[0-9]{4}_[0-9]{2}$' and c.relname < $1
      order by c.relname`,
    [limit],
  );
  const archived: ArchivedMonth[] = [];
  for (const { table } of rows) {
    // The name was matched against the pattern above, so it is safe to put into the statement.
    const count = await pool.query<{ n: string }>(`select count(*) as n from ${table}`);
    await pool.query(`alter table log_records detach partition ${table}`);
    archived.push({ table, rows: Number(count.rows[0]?.n ?? 0) });
  }
  return archived;
}
