// A collection's write-ahead journal: each commit appends one JSON line and fsyncs, so a
// commit costs the same at 100 documents as at 100k. Commits arriving while an fsync is in
// flight share the next one (group commit). Shard files catch up later in a checkpoint, after
// which the journal files they cover are deleted.
// A commit is acknowledged only once its whole line is on disk; a failed append is cut back
// off the file (write-fully.ts), so a later commit never merges into a half-written line.
import path from 'node:path';
import { syncDir } from './durable-json-file.js';
import type { StoreFileHandle, StoreFs } from './store-fs.js';
import { appendWhole, storageError } from './write-fully.js';

export type JournalEntry<T> = { op: 'put'; doc: T } | { op: 'del'; id: string };

/** Where a committed line is: journal file seq, byte offset, length without its newline. */
export interface JournalPosition {
  seq: number;
  offset: number;
  length: number;
}

interface Pending {
  line?: Buffer;
  rotate?: true;
  resolve: (at: JournalPosition) => void;
  reject: (e: unknown) => void;
}

const NAME = /^journal-(\d{6,})\.jsonl$/;
export const journalFileOf = (dir: string, seq: number) => path.join(dir, `journal-${String(seq).padStart(6, '0')}.jsonl`);

/** Sequence numbers of the journal files in dir, oldest first. */
export async function journalSeqs(fs: StoreFs, dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names.flatMap((n) => (NAME.test(n) ? [Number(NAME.exec(n)![1])] : [])).sort((a, b) => a - b);
}

/**
 * Entries of one journal file. A torn last line (no newline: a crash mid-append, or a failed
 * append whose cut-back failed too) was never acknowledged and is dropped. A damaged line
 * before the last (only older versions, which acknowledged short writes, left them) is
 * skipped with a warning naming the file and line, so the rest of the city still starts.
 */
export async function readJournal<T>(fs: StoreFs, dir: string, seq: number, warn: (line: string) => void = console.warn): Promise<Array<JournalEntry<T>>> {
  const file = journalFileOf(dir, seq);
  const lines = (await fs.readFile(file)).split('\n');
  const out: Array<JournalEntry<T>> = [];
  lines.forEach((line, i) => {
    if (!line) return;
    const last = i === lines.length - 1;
    try {
      out.push(JSON.parse(line) as JournalEntry<T>);
    } catch {
      if (!last) warn(`[onestop] 日志文件第 ${i + 1} 行已损坏，已跳过: ${file}`);
    }
  });
  return out;
}

export async function deleteJournalsBefore(fs: StoreFs, dir: string, seq: number): Promise<void> {
  for (const s of await journalSeqs(fs, dir)) if (s < seq) await fs.unlink(journalFileOf(dir, s));
}

export class Journal {
  private fh: StoreFileHandle | undefined;
  private pending: Pending[] = [];
  private draining = false;
  /** A failed append could not be cut back, so the file may end mid-line: the next write starts a new file. */
  private broken = false;
  /** Acknowledged bytes in the current file. */
  bytes = 0;

  constructor(
    private readonly fs: StoreFs,
    private readonly dir: string,
    private seq: number,
    private readonly fsync: boolean,
  ) {}

  get currentSeq() {
    return this.seq;
  }

  /** Appends line (ending in a newline) durably; resolves with where it landed. */
  commit(line: string): Promise<JournalPosition> {
    return new Promise((resolve, reject) => {
      this.pending.push({ line: Buffer.from(line, 'utf8'), resolve, reject });
      this.drain();
    });
  }

  /** Starts a new file; resolves with its seq once every earlier line is in the older files. */
  async rotate(): Promise<number> {
    await new Promise<JournalPosition>((resolve, reject) => {
      this.pending.push({ rotate: true, resolve, reject });
      this.drain();
    });
    return this.seq;
  }

  async close() {
    await this.rotate(); // waits for queued lines
    await this.fh?.close();
    this.fh = undefined;
  }

  private drain() {
    if (this.draining) return;
    this.draining = true;
    void (async () => {
      while (this.pending.length) {
        const cut = this.pending.findIndex((p) => p.rotate);
        const batch = this.pending.splice(0, cut === -1 ? this.pending.length : cut === 0 ? 1 : cut);
        try {
          if (batch[0]!.rotate) {
            await this.switchFile();
            batch[0]!.resolve({ seq: this.seq, offset: 0, length: 0 });
          } else {
            let offset = await this.append(batch.map((p) => p.line!));
            for (const p of batch) {
              p.resolve({ seq: this.seq, offset, length: p.line!.length - 1 });
              offset += p.line!.length;
            }
          }
        } catch (e) {
          for (const p of batch) p.reject(e);
        }
      }
      this.draining = false;
    })();
  }

  /** Appends the lines as one write; resolves with the offset of the first. */
  private async append(lines: Buffer[]): Promise<number> {
    if (this.broken) await this.switchFile();
    const file = journalFileOf(this.dir, this.seq);
    if (!this.fh) {
      try {
        this.fh = await this.fs.open(file, 'a');
        if (this.fsync) await syncDir(this.dir, this.fs); // the new file's name must survive a power cut too
      } catch (e) {
        this.broken = true;
        throw storageError(e, file);
      }
    }
    const bytes = lines.length === 1 ? lines[0]! : Buffer.concat(lines);
    const offset = this.bytes;
    await appendWhole(this.fh, bytes, offset, { fsync: this.fsync, file, onTorn: () => (this.broken = true) });
    this.bytes += bytes.length;
    return offset;
  }

  private async switchFile() {
    await this.fh?.close().catch(() => {});
    this.fh = undefined;
    this.seq++;
    this.bytes = 0;
    this.broken = false;
  }
}
