// An append-only log in the partitioned log_records table. append() only buffers (the gateway
// must never wait on the database to answer WeChat); a short timer, flush() and close() insert
// the buffer in one statement. Records from every process read back in one sequence order.
import type pg from 'pg';
import { LogPositionError, type Log } from '../types.js';

/** A readAfter position of this store: `pg:<xid8 watermark>`. */
const POSITION = /^pg:(\d+)$/;

export class PostgresLog<T> implements Log<T> {
  private buffer: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    /** Its own pool: a flush never competes with lock holders for a connection. */
    private readonly pool: pg.Pool,
    private readonly name: string,
    private readonly flushMs: number,
  ) {}

  append(record: T) {
    this.buffer.push(JSON.stringify(record));
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.flush().catch((e) => console.error(`[onestop] 日志写入数据库失败，将在下次重试: ${this.name}`, e));
      }, this.flushMs);
      this.timer.unref();
    }
  }

  /** Chained so concurrent flushes insert in append order. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const run = this.chain.then(() => this.writeOut());
    this.chain = run.catch(() => {});
    return run;
  }

  private async writeOut() {
    if (this.buffer.length === 0) return;
    const lines = this.buffer;
    this.buffer = [];
    try {
      // The records as one JSON array: their text is already JSON, so it goes as it is, where a
      // jsonb[] parameter would be escaped character by character in JS.
      await this.pool.query({
        name: 'onestop-log-append',
        text: 'insert into log_records (log, record) select $1, r from jsonb_array_elements($2::jsonb) with ordinality as t(r, n) order by n',
        values: [this.name, `[${lines.join(',')}]`],
      });
    } catch (e) {
      this.buffer = lines.concat(this.buffer);
      throw e;
    }
  }

  async read(filter?: (record: T) => boolean): Promise<T[]> {
    await this.flush();
    const { rows } = await this.pool.query<{ record: T }>('select record from log_records where log = $1 order by seq', [this.name]);
    const all = rows.map((r) => r.record);
    return filter ? all.filter(filter) : all;
  }

  /**
   * The records whose transaction ended before this statement's snapshot and after `position`:
   * the position is the snapshot's xmin, below which no transaction can still commit, so a record
   * committed late by a slow transaction is read on a later call instead of being skipped. One
   * indexed range of (log, xid); records within a call in append (seq) order.
   */
  async readAfter(position: string | undefined): Promise<{ records: T[]; position: string }> {
    const from = position === undefined ? undefined : POSITION.exec(position)?.[1];
    if (position !== undefined && from === undefined) throw new LogPositionError(this.name, position);
    await this.flush();
    const range = from === undefined ? '(l.xid is null or l.xid < m.w)' : 'l.xid >= $2::xid8 and l.xid < m.w';
    const { rows } = await this.pool.query<{ w: string; record: T | null }>(
      `with m as (select pg_snapshot_xmin(pg_current_snapshot()) as w)
       select m.w::text as w, l.record from m left join log_records l on l.log = $1 and ${range}
       order by l.seq`,
      from === undefined ? [this.name] : [this.name, from],
    );
    const records = rows.flatMap((r) => (r.record === null ? [] : [r.record]));
    return { records, position: `pg:${rows[0]?.w ?? from ?? '0'}` };
  }

  async close() {
    await this.flush();
  }
}
