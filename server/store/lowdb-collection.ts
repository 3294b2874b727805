// One collection on disk. A commit is one line appended (and fsynced) to the collection's
// journal; the documents themselves live in <shard>.json files, each a lowdb Low holding the
// documents whose id hashes to it, rewritten by a background checkpoint that then deletes the
// journal it covers. Every document is also kept in memory (reads never touch the disk) with
// in-memory secondary indexes rebuilt on open. Memory changes only after the journal line is on
// disk: a write the disk refused leaves no trace, in memory or in the files.
import path from 'node:path';
import { Low } from 'lowdb';
import { ConflictError, NotFoundError } from '../errors.js';
import { type MetaRead, writeMeta } from './collection-meta.js';
import { FieldIndexes } from './field-index.js';
import { DurableJsonFile } from './durable-json-file.js';
import { deleteJournalsBefore, Journal, type JournalEntry, journalSeqs, readJournal } from './journal.js';
import type { KeyedLock } from './keyed-lock.js';
import { shardFileName, shardOf } from './shard-of.js';
import { JSONL_SHARD } from './line-files.js';
import type { StoreFs } from './store-fs.js';
import type { Collection, Doc } from './types.js';
import { isStorageError, storageError } from './write-fully.js';

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
  /** On-disk collections: a shard file is rewritten once its superseded lines pass this size (and its current ones). Default 1 MB. */
  compactBytes?: number;
  fs: StoreFs;
  warn: (line: string) => void;
}

const SHARD_FILE = /^([0-9a-f]{3,})\.json$/;
const clone = <T>(value: T): T => structuredClone(value);

export class LowdbCollection<T extends Doc> implements Collection<T> {
  private readonly shards: Shard<T>[] = [];
  private readonly indexes = new FieldIndexes();
  private readonly shardCount: number;
  private readonly journal: Journal;
  /** Shards changed since their file was last written. */
  private dirty = new Set<number>();
  private dirReady = false;
  private dirWrite: Promise<void> | undefined;
  private checkpointing: Promise<void> = Promise.resolve();
  private checkpointTimer: NodeJS.Timeout | undefined;
  /** Shard files beyond shardCount (another layout): deleted once their documents are rewritten. */
  private strays: string[] = [];

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
      this.shards.push({ low: new Low<ShardData<T>>(new DurableJsonFile(file, { fsync: tuning.fsync, fs: tuning.fs }), { docs: [] }), docs: new Map() });
    }
    this.journal = new Journal(tuning.fs, dir, journalSeq, tuning.fsync);
  }

  /** A collection with no files yet; its directory is created on the first write. */
  static empty<T extends Doc>(dir: string, lockPrefix: string, lock: KeyedLock, tuning: CollectionTuning) {
    return new LowdbCollection<T>(dir, lockPrefix, lock, tuning, 1);
  }

  /** Opens the collection stored in dir (its _meta.json as read): shard files, then the journal replayed over them. */
  static async open<T extends Doc>(dir: string, lockPrefix: string, lock: KeyedLock, tuning: CollectionTuning, meta: MetaRead) {
    const { fs } = tuning;
    const seqs = await journalSeqs(fs, dir);
    const c = new LowdbCollection<T>(dir, lockPrefix, lock, { ...tuning, shards: meta.state === 'ok' ? meta.meta.shards : tuning.shards }, (seqs.at(-1) ?? 0) + 1);
    await c.load();
    for (const seq of seqs) for (const entry of await readJournal<T>(fs, dir, seq, tuning.warn)) c.replay(entry);
    // A still-full disk must not keep the city from starting: the journal stays, reads work, and
    // writes answer 507 until there is space again. checkpoint() reports its own failure.
    const tolerate = (e: unknown) => {
      if (!isStorageError(e)) throw e;
    };
    if (meta.state !== 'ok' && !c.dirty.size) {
      await c.ensureDir().catch((e: unknown) => (tolerate(e), tuning.warn(`[onestop] 启动时无法写入集合元数据（${(e as Error).message}），首次写入时重试: ${dir}`)));
    }
    // Fold the replayed journal into the shard files now, so it never grows across restarts.
    if (c.dirty.size) await c.checkpoint().catch(tolerate);
    c.dirReady = meta.state === 'ok' || c.dirReady;
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
    // On a full disk the journal stays and the next start folds it in (checkpoint() reports it).
    await this.checkpoint().catch((e: unknown) => {
      if (!isStorageError(e)) throw e;
    });
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
      await deleteJournalsBefore(this.tuning.fs, this.dir, covered);
      for (const file of this.strays.splice(0)) await this.tuning.fs.rm(file);
    });
    this.checkpointing = run.catch((e: unknown) =>
      isStorageError(e)
        ? this.tuning.warn(`[onestop] 数据检查点写入失败（${(e as Error).message}；日志已保留，稍后重试）: ${this.dir}`)
        : console.error(`[onestop] 数据检查点写入失败（日志已保留，可重启恢复）: ${this.dir}`, e),
    );
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

  /**
   * Reads every shard file in the directory. A file written under another shard count (its
   * metadata was lost) is re-homed: its documents go where their ids hash now, and the files
   * involved are rewritten (or, beyond the count, deleted) by the next checkpoint.
   */
  private async load() {
    let names: string[];
    try {
      names = await this.tuning.fs.readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const name of names) {
      // A temp file is a write that never reached its rename: the shard file still holds the
      // last committed state, so the leftover is garbage. So are on-disk shard files here: a
      // conversion to the on-disk format that stopped before its _meta.json was written.
      if (name.endsWith('.tmp') || JSONL_SHARD.test(name)) await this.tuning.fs.unlink(path.join(this.dir, name));
    }
    for (const name of names) {
      const m = SHARD_FILE.exec(name);
      if (!m) continue;
      const i = parseInt(m[1]!, 16);
      const file = path.join(this.dir, name);
      let docs: T[];
      if (i < this.shardCount && name === shardFileName(i)) {
        const low = this.shards[i]!.low;
        await low.read();
        docs = low.data.docs;
      } else {
        docs = (await new DurableJsonFile<ShardData<T>>(file, { fs: this.tuning.fs }).read())?.docs ?? [];
        this.strays.push(file);
      }
      for (const doc of docs) {
        const home = shardOf(doc.id, this.shardCount);
        this.shards[home]!.docs.set(doc.id, doc);
        if (home !== i) {
          this.dirty.add(home);
          if (i < this.shardCount) this.dirty.add(i);
        }
      }
    }
  }

  /** Every document as stored (a conversion to the on-disk format reads them once; do not change them). */
  *stored(): Iterable<T> {
    for (const shard of this.shards) yield* shard.docs.values();
  }

  get indexedFields(): string[] {
    return this.indexes.fields;
  }

  /** Declares indexed fields; building one late scans the documents once. */
  addIndexes(fields: string[]) {
    for (const field of fields) {
      if (this.indexes.has(field)) continue;
      this.indexes.declare(field);
      for (const shard of this.shards) for (const doc of shard.docs.values()) this.indexes.addTo(field, doc);
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
      this.dirty.add(n);
      await this.journal.commit(line);
      this.apply(shard, id, before, stored);
      this.scheduleCheckpoint();
      return result;
    });
  }

  private apply(shard: Shard<T>, id: string, from: T | undefined, to: T | undefined) {
    if (from) this.indexes.remove(from);
    if (to) {
      shard.docs.set(id, to);
      this.indexes.add(to);
    } else shard.docs.delete(id);
  }

  /** Writes the directory and its metadata once; concurrent first writes (other shards) share it. */
  private ensureDir(): Promise<void> {
    if (this.dirReady) return Promise.resolve();
    this.dirWrite ??= writeMeta(this.tuning.fs, this.dir, { shards: this.shardCount }, this.tuning.fsync).then(
      () => void (this.dirReady = true),
      (e: unknown) => {
        this.dirWrite = undefined; // the next write tries again
        throw storageError(e, this.dir);
      },
    );
    return this.dirWrite;
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
    if (!this.indexes.has(field)) return this.list((d) => (d as unknown as Record<string, unknown>)[field] === value);
    const found: T[] = [];
    for (const id of this.indexes.ids(field, value)) {
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

  /** Counted from the index and the stored objects: nothing is copied (200,000 bindings of a kind). */
  async countBy(field: string, value: string, also: Readonly<Record<string, string>> = {}) {
    const wanted = Object.entries(also);
    const matches = (doc: T | undefined) => doc !== undefined && wanted.every(([k, v]) => (doc as unknown as Record<string, unknown>)[k] === v);
    let n = 0;
    if (!this.indexes.has(field)) {
      for (const shard of this.shards) for (const doc of shard.docs.values()) if ((doc as unknown as Record<string, unknown>)[field] === value && matches(doc)) n++;
      return n;
    }
    if (!wanted.length) return this.indexes.count(field, value);
    for (const id of this.indexes.ids(field, value)) if (matches(this.shards[shardOf(id, this.shardCount)]!.docs.get(id))) n++;
    return n;
  }
}
