// A collection's write-ahead journal: each commit appends one JSON line and fsyncs, so a
// commit costs the same at 100 documents as at 100k. Commits arriving while an fsync is in
// flight share the next one (group commit). Shard files catch up later in a checkpoint, after
// which the journal files they cover are deleted.
import { type FileHandle, open, readdir, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { syncDir } from './durable-json-file.js';

export type JournalEntry<T> = { op: 'put'; doc: T } | { op: 'del'; id: string };

interface Pending {
  line?: string;
  rotate?: true;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const NAME = /^journal-(\d{6,})\.jsonl$/;
const fileOf = (dir: string, seq: number) => path.join(dir, `journal-${String(seq).padStart(6, '0')}.jsonl`);

/** Sequence numbers of the journal files in dir, oldest first. */
export async function journalSeqs(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names.flatMap((n) => (NAME.test(n) ? [Number(NAME.exec(n)![1])] : [])).sort((a, b) => a - b);
}

/** Entries of one journal file; a torn last line (a crash mid-append, never acknowledged) is skipped. */
export async function readJournal<T>(dir: string, seq: number): Promise<Array<JournalEntry<T>>> {
  const text = await readFile(fileOf(dir, seq), 'utf8');
  const out: Array<JournalEntry<T>> = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as JournalEntry<T>);
    } catch {
      // Only a crash mid-append leaves such a line; after one the store never appends to that file.
    }
  }
  return out;
}

export async function deleteJournalsBefore(dir: string, seq: number): Promise<void> {
  for (const s of await journalSeqs(dir)) if (s < seq) await unlink(fileOf(dir, s));
}

export class Journal {
  private fh: FileHandle | undefined;
  private pending: Pending[] = [];
  private draining = false;
  /** After a failed write the file may end mid-line: the next write starts a new file. */
  private broken = false;
  bytes = 0;

  constructor(
    private readonly dir: string,
    private seq: number,
    private readonly fsync: boolean,
  ) {}

  get currentSeq() {
    return this.seq;
  }

  commit(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ line, resolve, reject });
      this.drain();
    });
  }

  /** Starts a new file; resolves with its seq once every earlier line is in the older files. */
  async rotate(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
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
          if (batch[0]!.rotate) await this.switchFile();
          else await this.append(batch.map((p) => p.line!).join(''));
          for (const p of batch) p.resolve();
        } catch (e) {
          this.broken = true;
          for (const p of batch) p.reject(e);
        }
      }
      this.draining = false;
    })();
  }

  private async append(data: string) {
    if (this.broken) await this.switchFile();
    if (!this.fh) {
      this.fh = await open(fileOf(this.dir, this.seq), 'a');
      if (this.fsync) await syncDir(this.dir); // the new file's name must survive a power cut too
    }
    await this.fh.write(data);
    if (this.fsync) await this.fh.sync();
    this.bytes += Buffer.byteLength(data);
  }

  private async switchFile() {
    await this.fh?.close().catch(() => {});
    this.fh = undefined;
    this.seq++;
    this.bytes = 0;
    this.broken = false;
  }
}
