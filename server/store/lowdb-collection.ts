// One collection on disk. A commit is one line appended (and fsynced) to the collection's
// journal; the documents themselves live in <shard>.json files, each a lowdb Low holding the
// documents whose id hashes to it, rewritten by a background checkpoint that then deletes the
// journal it covers. Every document is also kept in memory (reads never touch the disk) with
// in-memory secondary indexes rebuilt on open.
import { mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { ConflictError, NotFoundError } from '../errors.js';
import { DurableJsonFile, syncDir } from './durable-json-file.js';
import { deleteJournalsBefore, Journal, type JournalEntry, journalSeqs, readJournal } from './journal.js';
import type { KeyedLock } from './keyed-lock.js';
import { shardFileName, shardOf } from './shard-of.js';
import type { Collection, Doc } from './types.js';

export interface ShardData<T> {
  docs: T[];
}

interface Shard<T> {
  low: Low<ShardData<T>>;
  docs: Map<string, T>;
}

export interface CollectionTuning {
  shards: number;
  fsync: boolean;
  /** Checkpoint this long after the first uncheckpointed commit. */
  checkpointMs: number;
  /** ...or as soon as the journal grows past this many bytes. */
  checkpointBytes: number;
}

const META = '_meta.json';
const clone = <T>(value: T): T => structuredClone(value);

export class LowdbCollection<T extends Doc> implements Collection<T> {
  private readonly shards: Shard<T>[] = [];
  /** field -> value -> ids. Only string values are indexed (findBy compares strings). */
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private readonly shardCount: number;
  private readonly journal: Journal;
  /** Shards changed since their file was last written. */
  private dirty = new Set<number>();
  private dirReady = false;
  private checkpointing: Promise<void> = Promise.resolve();
  private checkpointTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly dir: string,
    private readonly lockPrefix: string,
    private readonly lock: KeyedLock,
    private readonly tuning: CollectionTuning,
    journalSeq: number,
  ) {
    this.shardCount = tuning.shards;
    for (let i = 0; i < this.shardCount; i++) {
      const file = path.join(dir, shardFileName(i));
      this.shards.push({ low: new Low<ShardData<T>>(new DurableJsonFile(file, { fsync: tuning.fsync }), { docs: [] }), docs: new Map() });
    }
    this.journal = new Journal(dir, journalSeq, tuning.fsync);
  }

  /** A collection with no files yet; its directory is created on the first write. */
  static empty<T extends Doc>(dir: string, lockPrefix: string, lock: KeyedLock, tuning: CollectionTuning) {
    return new LowdbCollection<T>(dir, lockPrefix, lock, tuning, 1);
  }

  /** Opens the collection stored in dir: shard files, then the journal replayed over them. */
  static async open<T extends Doc>(dir: string, lockPrefix: string, lock: KeyedLock, tuning: CollectionTuning) {
    const meta = await readMeta(dir);
    const seqs = await journalSeqs(dir);
    const c = new LowdbCollection<T>(dir, lockPrefix, lock, { ...tuning, shards: meta?.shards ?? tuning.shards }, (seqs.at(-1) ?? 0) + 1);
    c.dirReady = meta !== undefined;
    if (await exists(dir)) await c.load();
    for (const seq of seqs) for (const entry of await readJournal<T>(dir, seq)) c.replay(entry);
    // Fold the replayed journal into the shard files now, so it never grows across restarts.
    if (seqs.length) await c.checkpoint();
    return c;
  }

  private replay(entry: JournalEntry<T>) {
    const id = entry.op === 'put' ? entry.doc.id : entry.id;
    const n = shardOf(id, this.shardCount);
    const shard = this.shards[n]!;
    this.apply(shard, id, shard.docs.get(id), entry.op === 'put' ? entry.doc : undefined);
    this.dirty.add(n);
  }

  /** Resolves once every write queued so far has committed. */
  async idle() {
    await Promise.all(this.shards.map((_, n) => this.lock.run(`${this.lockPrefix}:${n}`, async () => {})));
  }

  /** Commits what is queued, writes every changed shard and closes the journal. */
  async close() {
    await this.idle();
    clearTimeout(this.checkpointTimer);
    await this.checkpoint();
    await this.journal.close();
  }

  /**
   * Writes the changed shards and deletes the journal files they cover. The journal is rotated
   * first: every line in the older files belongs to a change already marked dirty, and each
   * shard is snapshotted under its lock, so it holds at least those changes.
   */
  checkpoint(): Promise<void> {
    const run = this.checkpointing.then(async () => {
      clearTimeout(this.checkpointTimer);
      this.checkpointTimer = undefined;
      if (this.dirty.size === 0) return;
      const covered = await this.journal.rotate();
      const todo = [...this.dirty];
      this.dirty = new Set();
      try {
        for (const n of todo) {
          const shard = this.shards[n]!;
          const docs = await this.lock.run(`${this.lockPrefix}:${n}`, async () => [...shard.docs.values()]);
          await this.ensureDir();
          shard.low.data = { docs };
          await shard.low.write();
        }
      } catch (e) {
        for (const n of todo) this.dirty.add(n); // the journal is kept, so nothing is lost
        throw e;
      }
      await deleteJournalsBefore(this.dir, covered);
    });
    this.checkpointing = run.catch((e) => console.error(`[onestop] 数据检查点写入失败（日志已保留，可重启恢复）: ${this.dir}`, e));
    return run;
  }

  private scheduleCheckpoint() {
    if (this.journal.bytes >= this.tuning.checkpointBytes) {
      void this.checkpoint().catch(() => {});
    } else if (!this.checkpointTimer) {
      this.checkpointTimer = setTimeout(() => void this.checkpoint().catch(() => {}), this.tuning.checkpointMs);
      this.checkpointTimer.unref();
    }
  }

  private async load() {
    const names = new Set(await readdir(this.dir));
    for (const name of names) {
      // A temp file is a write that never reached its rename: the shard file still holds the
      // last committed state, so the leftover is garbage.
      if (name.endsWith('.tmp')) await unlink(path.join(this.dir, name));
    }
    for (let i = 0; i < this.shards.length; i++) {
      if (!names.has(shardFileName(i))) continue;
      const shard = this.shards[i]!;
      await shard.low.read();
      for (const doc of shard.low.data.docs) {
        // Tolerates files written with another shard count: each doc goes where its id hashes now.
        const home = this.shards[shardOf(doc.id, this.shardCount)]!;
        home.docs.set(doc.id, doc);
      }
    }
  }

  /** Declares indexed fields; building one late scans the documents once. */
  addIndexes(fields: string[]) {
    for (const field of fields) {
      if (this.indexes.has(field)) continue;
      const index = new Map<string, Set<string>>();
      this.indexes.set(field, index);
      for (const shard of this.shards) for (const doc of shard.docs.values()) this.indexDoc(doc, 'add');
    }
  }

  private indexDoc(doc: T, op: 'add' | 'remove') {
    for (const [field, index] of this.indexes) {
      const value = (doc as unknown as Record<string, unknown>)[field];
      if (typeof value !== 'string') continue;
      let ids = index.get(value);
      if (op === 'add') {
        if (!ids) index.set(value, (ids = new Set()));
        ids.add(doc.id);
      } else if (ids) {
        ids.delete(doc.id);
        if (ids.size === 0) index.delete(value);
      }
    }
  }

  /**
   * The one write path: computes the new state of one document under its shard's lock, applies
   * it in memory, commits it to the journal, and rolls memory back if the commit fails.
   */
  private mutate<R>(id: string, change: (current: T | undefined) => { next: T | undefined; result: R }): Promise<R> {
    const n = shardOf(id, this.shardCount);
    const shard = this.shards[n]!;
    return this.lock.run(`${this.lockPrefix}:${n}`, async () => {
      const before = shard.docs.get(id);
      const { next, result } = change(before && clone(before));
      const stored = next && clone(next);
      const line = `${JSON.stringify(stored ? { op: 'put', doc: stored } : { op: 'del', id })}\n`;
      await this.ensureDir();
      this.apply(shard, id, before, stored);
      this.dirty.add(n);
      try {
        await this.journal.commit(line);
      } catch (e) {
        this.apply(shard, id, stored, before);
        throw e;
      }
      this.scheduleCheckpoint();
      return result;
    });
  }

  private apply(shard: Shard<T>, id: string, from: T | undefined, to: T | undefined) {
    if (from) this.indexDoc(from, 'remove');
    if (to) {
      shard.docs.set(id, to);
      this.indexDoc(to, 'add');
    } else shard.docs.delete(id);
  }

  private async ensureDir() {
    if (this.dirReady) return;
    await mkdir(this.dir, { recursive: true });
    await writeFile(path.join(this.dir, META), JSON.stringify({ format: 2, shards: this.shardCount }));
    await syncDir(this.dir);
    await syncDir(path.dirname(this.dir));
    this.dirReady = true;
  }

  async get(id: string) {
    const doc = this.shards[shardOf(id, this.shardCount)]!.docs.get(id);
    return doc && clone(doc);
  }

  insert(doc: T) {
    return this.mutate(doc.id, (current) => {
      if (current) throw new ConflictError(`记录已存在: ${doc.id}`);
      return { next: doc, result: clone(doc) };
    });
  }

  put(doc: T) {
    return this.mutate(doc.id, () => ({ next: doc, result: clone(doc) }));
  }

  update(id: string, fn: (current: T) => T) {
    return this.mutate(id, (current) => {
      if (!current) throw new NotFoundError(`记录不存在: ${id}`);
      const next = fn(current);
      if (next.id !== id) throw new Error(`update 不能修改 id: ${id} -> ${next.id}`);
      return { next, result: clone(next) };
    });
  }

  async delete(id: string) {
    if (!this.shards[shardOf(id, this.shardCount)]!.docs.has(id)) return false;
    return this.mutate(id, (current) => ({ next: undefined, result: current !== undefined }));
  }

  async findBy(field: string, value: string) {
    const index = this.indexes.get(field);
    if (!index) return this.list((d) => (d as unknown as Record<string, unknown>)[field] === value);
    const ids = index.get(value);
    if (!ids) return [];
    const found: T[] = [];
    for (const id of ids) {
      const doc = this.shards[shardOf(id, this.shardCount)]!.docs.get(id);
      if (doc) found.push(clone(doc));
    }
    return found;
  }

  /** The filter sees the stored objects (cloning 100k documents to reject most is too slow): it must not mutate them. */
  async list(filter?: (doc: T) => boolean) {
    const out: T[] = [];
    for (const shard of this.shards) {
      for (const doc of shard.docs.values()) if (!filter || filter(doc)) out.push(clone(doc));
    }
    return out;
  }

  async count() {
    let n = 0;
    for (const shard of this.shards) n += shard.docs.size;
    return n;
  }
}

async function exists(dir: string): Promise<boolean> {
  try {
    await stat(dir);
    return true;
  } catch {
    return false;
  }
}

async function readMeta(dir: string): Promise<{ shards: number } | undefined> {
  try {
    const meta = JSON.parse(await readFile(path.join(dir, META), 'utf8')) as { shards?: unknown };
    return typeof meta.shards === 'number' && meta.shards > 0 ? { shards: meta.shards } : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
