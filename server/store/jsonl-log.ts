// An append-only JSON Lines file. append() only pushes into a buffer (callers such as the
// WeChat gateway must answer within 5 s and never wait on the disk); a short timer, flush()
// and close() write the buffer out in one append.
import { open, readFile } from 'node:fs/promises';
import type { Log } from './types.js';

export class JsonlLog<T> implements Log<T> {
  private buffer: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** Checked once: a crash may have left a torn last line without its newline. */
  private tailChecked = false;

  constructor(
    private readonly file: string,
    private readonly flushMs: number,
    private readonly fsync: boolean,
  ) {}

  append(record: T) {
    this.buffer.push(`${JSON.stringify(record)}\n`);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.flush().catch((e) => console.error(`[onestop] 日志写入失败，将在下次重试: ${this.file}`, e));
      }, this.flushMs);
      this.timer.unref();
    }
  }

  /** Chained so concurrent flushes append in order and never interleave bytes. */
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
    const fh = await open(this.file, 'a+').catch((e) => {
      this.buffer = lines.concat(this.buffer);
      throw e;
    });
    try {
      let prefix = '';
      if (!this.tailChecked) {
        const { size } = await fh.stat();
        if (size > 0) {
          const last = Buffer.alloc(1);
          await fh.read(last, 0, 1, size - 1);
          // Terminate a torn line so it stays one unreadable line instead of swallowing ours.
          if (last[0] !== 0x0a) prefix = '\n';
        }
      }
      await fh.appendFile(prefix + lines.join(''), 'utf8');
      if (this.fsync) await fh.sync();
      this.tailChecked = true;
    } catch (e) {
      this.buffer = lines.concat(this.buffer);
      throw e;
    } finally {
      await fh.close();
    }
  }

  async read(filter?: (record: T) => boolean): Promise<T[]> {
    await this.flush();
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: T[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      let record: T;
      try {
        record = JSON.parse(line) as T;
      } catch {
        continue; // a torn line from a crash mid-append: the record never committed
      }
      if (!filter || filter(record)) out.push(record);
    }
    return out;
  }

  async close() {
    await this.flush();
  }
}
