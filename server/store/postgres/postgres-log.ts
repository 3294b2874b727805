// An append-only log in the partitioned log_records table. append() only buffers (the gateway
// must never wait on the database to answer WeChat); a short timer, flush() and close() insert
// the buffer in one statement. Records from every process read back in one sequence order.
import type pg from 'pg';
import type { Log } from '../types.js';

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
      await this.pool.query(
        'insert into log_records (log, record) select $1, r from unnest($2::jsonb[]) with ordinality as t(r, n) order by n',
        [this.name, lines],
      );
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

  async close() {
    await this.flush();
  }
}
