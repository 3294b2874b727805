// An append-only JSON Lines file. append() only pushes into a buffer (callers such as the
// WeChat gateway must answer within 5 s and never wait on the disk); a short timer, flush()
// and close() write the buffer out in one append. A failed append (a full disk) is cut back off
// the file and its records stay buffered for the next try.
import type { StoreFs } from './store-fs.js';
import { LogPositionError, type Log } from './types.js';
import { appendWhole, isStorageError, storageError } from './write-fully.js';

/** How long a failed flush waits before the next try when nothing new is appended. */
const RETRY_MS = 5_000;

export class JsonlLog<T> implements Log<T> {
  private buffer: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** Checked once: a crash may have left a torn last line without its newline. */
  private tailChecked = false;

  constructor(
    private readonly fs: StoreFs,
    private readonly file: string,
    private readonly flushMs: number,
    private readonly fsync: boolean,
  ) {}

  append(record: T) {
    this.buffer.push(`${JSON.stringify(record)}\n`);
    this.arm(this.flushMs);
  }

  private arm(ms: number) {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.flush().catch((e) => {
        if (!isStorageError(e)) console.error(`[onestop] 日志写入失败，${RETRY_MS / 1000} 秒后重试: ${this.file}`, e);
        this.arm(RETRY_MS);
      });
    }, ms);
    this.timer.unref();
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
    const fh = await this.fs.open(this.file, 'a+').catch((e: unknown) => {
      this.buffer = lines.concat(this.buffer);
      throw storageError(e, this.file);
    });
    try {
      const { size } = await fh.stat();
      let prefix = '';
      if (!this.tailChecked && size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        // Terminate a torn line so it stays one unreadable line instead of swallowing ours.
        if (last[0] !== 0x0a) prefix = '\n';
      }
      const onTorn = () => (this.tailChecked = false);
      await appendWhole(fh, Buffer.from(prefix + lines.join(''), 'utf8'), size, { fsync: this.fsync, file: this.file, onTorn });
      this.tailChecked = true;
    } catch (e) {
      this.buffer = lines.concat(this.buffer);
      throw storageError(e, this.file);
    } finally {
      await fh.close().catch(() => {});
    }
  }

  /** Reads the file and, while the disk refuses the flush, the records still waiting in memory. */
  async read(filter?: (record: T) => boolean): Promise<T[]> {
    let pending: string[] = [];
    await this.flush().catch((e: unknown) => {
      if (!isStorageError(e)) throw e;
      pending = [...this.buffer];
      this.arm(RETRY_MS);
    });
    let text: string;
    try {
      text = await this.fs.readFile(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      text = '';
    }
    const out: T[] = [];
    for (const line of [...text.split('\n'), ...pending.map((l) => l.slice(0, -1))]) {
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

  /** The complete lines after a byte offset; a torn last line waits until its newline is written. */
  async readAfter(position: string | undefined): Promise<{ records: T[]; position: string }> {
    await this.flush().catch((e: unknown) => {
      if (!isStorageError(e)) throw e;
      this.arm(RETRY_MS);
    });
    if (position !== undefined && !/^\d+$/.test(position)) throw new LogPositionError(this.file, position);
    let start = Math.max(0, Number(position ?? 0) || 0);
    let fh;
    try {
      fh = await this.fs.open(this.file, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return { records: [], position: '0' };
    }
    try {
      const { size } = await fh.stat();
      if (size < start) start = 0; // a new file in place of the old one
      const bytes = Buffer.alloc(size - start);
      for (let got = 0; got < bytes.length; ) {
        const { bytesRead } = await fh.read(bytes, got, bytes.length - got, start + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      const end = bytes.lastIndexOf(0x0a) + 1;
      const records: T[] = [];
      for (const line of bytes.toString('utf8', 0, end).split('\n')) {
        if (!line) continue;
        try {
          records.push(JSON.parse(line) as T);
        } catch {
          // a torn line from a crash mid-append: the record never committed
        }
      }
      return { records, position: String(start + end) };
    } finally {
      await fh.close().catch(() => {});
    }
  }

  async close() {
    await this.flush();
  }
}
