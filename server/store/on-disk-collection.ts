// A collection whose documents stay on disk (CollectionOptions.onDisk): for the big ones
// (200,000 bindings, their notices and jobs), which an in-memory collection would hold whole.
// Commits go through the same journal as LowdbCollection (one fsynced line, group commit; memory
// changes only once the line is on disk). The lock is per document, not per shard, so a burst of
// inserts (a planning pass) shares one fsync. Memory keeps the declared indexes and, per document,
// where its latest line is (doc-locations.ts): in a journal file until a checkpoint, then in its
// shard file <nnn>.jsonl. A read is one pread of that line. A checkpoint appends each changed
// document's line (and a tombstone per deletion) to its shard file, fsyncs and only then deletes
// the journal it covers; a shard file that has become mostly superseded lines is rewritten whole
// (temp + rename). Opening scans the shard files, then replays the journal over them; a torn last
// line of a shard file (a crash mid-append: the journal still held it) is cut off.
import path from 'node:path';
import { ConflictError, NotFoundError } from '../errors.js';
import { writeMeta } from './collection-meta.js';
import { DocLocations, isShardFile, shardFile, shardOfFile } from './doc-locations.js';
import { FieldIndexes } from './field-index.js';
import { deleteJournalsBefore, Journal, journalFileOf, type JournalEntry, type JournalPosition } from './journal.js';
import type { KeyedLock } from './keyed-lock.js';
import type { CollectionTuning } from './lowdb-collection.js';
import { appendAt, closeQuietly, JSONL_SHARD, jsonlShardName, openForReading, readAt, replaceFile, scanLines } from './line-files.js';
import { shardOf } from './shard-of.js';
import type { Collection, Doc } from './types.js';
import { isStorageError, storageError } from './write-fully.js';

interface DiskShard {
  /** id -> slot in the collection's DocLocations. */
  slots: Map<string, number>;
  /** Ids deleted since the shard file last took in the journal: their tombstones go in next. */
  deleted: Set<string>;
  /** Acknowledged bytes of the shard file, and how many of them are lines still current (newlines included). */
  fileBytes: number;
  liveBytes: number;
  fd?: number;
}

const NEWLINE = Buffer.from('\n');

/** A document whose line a checkpoint copies: where it was (to see whether it changed meanwhile) and where the copy lands. */
interface Moved {
  id: string;
  slot: number;
  file: number;
  from: number;
  at: number;
  length: number;
}
/** A journal line: the document as it is now (the caller may change the object afterwards), or a tombstone. */
const lineOf = (id: string, doc: Doc | undefined) => (doc ? `{"op":"put","doc":${JSON.stringify(doc)}}\n` : `${JSON.stringify({ op: 'del', id })}\n`);

/** Line buffers are written out in pieces of about this size when a shard file is rewritten. */
const WRITE_PIECE = 1 << 20;

export class OnDiskCollection<T extends Doc> implements Collection<T> {
  private readonly shards: DiskShard[] = [];
  private readonly where = new DocLocations();
  private readonly indexes = new FieldIndexes(true);
  private readonly journal: Journal;
  private readonly journalFds = new Map<number, number>();
  private readonly scratch = Buffer.allocUnsafe(64 << 10);
  private dirty = new Set<number>();
  /** Writes under way: a checkpoint waits for those that may have committed into the journal it covers. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The indexed fields changed since _meta.json was written. */
  private metaDirty = false;
  /** Found at open: documents outside their shard file (lost metadata): every shard file is rewritten. */
  private rehome = false;
  private strays: string[] = [];
  private dirReady = false;
  private dirWrite: Promise<void> | undefined;
  private checkpointing: Promise<void> = Promise.resolve();
  private checkpointTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly dir: string,
    private readonly lockPrefix: string,
    private readonly lock: KeyedLock,
    private readonly tuning: CollectionTuning,
    journalSeq: number,
  ) {
    for (let i = 0; i < tuning.shards; i++) this.shards.push({ slots: new Map(), deleted: new Set(), fileBytes: 0, liveBytes: 0 });
    this.journal = new Journal(tuning.fs, dir, journalSeq, tuning.fsync);
  }

  static empty<T extends Doc>(dir: string, lockPrefix: string, lock: KeyedLock, tuning: CollectionTuning) {
    return new OnDiskCollection<T>(dir, lockPrefix, lock, tuning, 1);
  }

  /** Opens the collection in dir: `indexes` (from _meta.json) are built while the files are read. */
  static async open<T extends Doc>(dir: string, lockPrefix: string, lock: KeyedLock, tuning: CollectionTuning, opened: { metaOk: boolean; indexes: string[]; seqs: number[] }) {
    const c = new OnDiskCollection<T>(dir, lockPrefix, lock, tuning, (opened.seqs.at(-1) ?? 0) + 1);
    for (const field of opened.indexes) c.indexes.declare(field);
    await c.load();
    for (const seq of opened.seqs) c.replayJournal(seq);
    if (c.rehome) await c.moveStrangers();
    const tolerate = (e: unknown) => {
      if (!isStorageError(e)) throw e;
    };
    if (!opened.metaOk && !c.dirty.size) {
      c.metaDirty = true;
      await c.ensureDir().catch((e: unknown) => (tolerate(e), tuning.warn(`[onestop] 启动时无法写入集合元数据（${(e as Error).message}），首次写入时重试: ${dir}`)));
    }
    if (c.dirty.size || c.metaDirty) await c.checkpoint().catch(tolerate);
    c.dirReady = opened.metaOk || c.dirReady;
    return c;
  }

  private shardPath(n: number) {
    return path.join(this.dir, jsonlShardName(n));
  }

  /** Reads every shard file: each line is a put or a tombstone, later lines win. */
  private async load() {
    let names: string[];
    try {
      names = await this.tuning.fs.readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const name of names) {
      // A temp file never reached its rename; a .json shard is what a conversion from the
      // in-memory format left (its documents are in the .jsonl files, written before _meta.json).
      if (name.endsWith('.tmp') || /^[0-9a-f]{3,}\.json$/.test(name)) await this.tuning.fs.unlink(path.join(this.dir, name));
    }
    for (const name of names.sort()) {
      const m = JSONL_SHARD.exec(name);
      if (!m) continue;
      const k = parseInt(m[1]!, 16);
      const file = path.join(this.dir, name);
      const own = k < this.shards.length && name === jsonlShardName(k);
      if (!own) {
        this.strays.push(file);
        this.rehome = true;
      }
      const scanned = scanLines(file, (line, offset) => {
        let entry: JournalEntry<T>;
        try {
          entry = JSON.parse(line.toString('utf8')) as JournalEntry<T>;
        } catch {
          // Lines are appended whole and fsynced, files replaced by rename: this is damage.
          throw new Error(`数据文件已损坏，无法解析（偏移 ${offset}）: ${file}`);
        }
        if (entry.op === 'put') {
          if (shardOf(entry.doc.id, this.shards.length) !== k) this.rehome = true;
          this.apply(entry.doc.id, undefined, entry.doc, { file: shardFile(k), offset, length: line.length });
        } else this.apply(entry.id, undefined, undefined, undefined);
      });
      if (!scanned) continue;
      if (own) this.shards[k]!.fileBytes = scanned.end;
      if (scanned.end < scanned.size) await this.cutTornTail(file, scanned.end);
    }
    // Deletions found in the files are already in them.
    for (const shard of this.shards) shard.deleted.clear();
  }

  /** A crash mid-append leaves a last line without its newline; the journal still holds it. */
  private async cutTornTail(file: string, end: number) {
    const fh = await this.tuning.fs.open(file, 'r+');
    try {
      await fh.truncate(end);
      if (this.tuning.fsync) await fh.sync();
    } finally {
      await fh.close();
    }
  }

  private replayJournal(seq: number) {
    const file = journalFileOf(this.dir, seq);
    scanLines(file, (line, offset) => {
      let entry: JournalEntry<T>;
      try {
        entry = JSON.parse(line.toString('utf8')) as JournalEntry<T>;
      } catch {
        this.tuning.warn(`[onestop] 日志文件偏移 ${offset} 处的一行已损坏，已跳过: ${file}`);
        return;
      }
      const id = entry.op === 'put' ? entry.doc.id : entry.id;
      this.apply(id, undefined, entry.op === 'put' ? entry.doc : undefined, entry.op === 'put' ? { file: seq, offset, length: line.length } : undefined);
      this.dirty.add(shardOf(id, this.shards.length));
    });
  }

  /**
   * Lost metadata hid the shard count the files were written with: every document outside its
   * shard file is committed to the journal again, and every shard file is rewritten with its own
   * documents only (the next checkpoint), so no stale copy stays behind in another file.
   */
  private async moveStrangers() {
    for (let n = 0; n < this.shards.length; n++) {
      for (const slot of this.shards[n]!.slots.values()) {
        const file = this.where.file(slot);
        if (!isShardFile(file) || shardOfFile(file) === n) continue;
        const at = await this.journal.commit(`${this.lineOf(slot).toString('utf8')}\n`);
        this.where.set(slot, at.seq, at.offset, at.length);
      }
    }
    for (let n = 0; n < this.shards.length; n++) this.dirty.add(n);
  }

  /** Resolves once every write queued so far has committed (or failed). */
  async idle() {
    await Promise.allSettled([...this.inFlight]);
  }

  async close() {
    await this.idle();
    clearTimeout(this.checkpointTimer);
    await this.checkpoint().catch((e: unknown) => {
      if (!isStorageError(e)) throw e;
    });
    await this.journal.close();
    for (const shard of this.shards) {
      closeQuietly(shard.fd);
      shard.fd = undefined;
    }
    for (const fd of this.journalFds.values()) closeQuietly(fd);
    this.journalFds.clear();
  }

  /**
   * Moves the changed documents' lines from the journal into their shard files, then deletes the
   * journal files that held them. The journal is rotated first and the writes under way are
   * waited for: every line in the older files then belongs to a shard marked dirty and is where
   * its document points. Writes go on meanwhile (into the new journal); a document that changed
   * while its line was being copied keeps pointing at its newer line.
   */
  checkpoint(): Promise<void> {
    const run = this.checkpointing.then(async () => {
      clearTimeout(this.checkpointTimer);
      this.checkpointTimer = undefined;
      if (this.dirty.size === 0 && !this.metaDirty) return;
      const covered = await this.journal.rotate();
      await this.idle();
      const todo = [...this.dirty].sort((a, b) => a - b);
      this.dirty = new Set();
      const rehome = this.rehome;
      try {
        await this.ensureDir();
        for (const n of todo) await (rehome ? this.rewrite(n) : this.absorb(n, covered));
        if (this.metaDirty || rehome) await this.writeMeta();
      } catch (e) {
        for (const n of todo) this.dirty.add(n); // the journal is kept, so nothing is lost
        throw e;
      }
      this.rehome = false;
      for (const file of this.strays.splice(0)) await this.tuning.fs.rm(file);
      for (const [seq, fd] of this.journalFds) {
        if (seq >= covered) continue;
        closeQuietly(fd);
        this.journalFds.delete(seq);
      }
      await deleteJournalsBefore(this.tuning.fs, this.dir, covered);
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

  /** Appends shard n's tombstones and the lines of its documents still in journals before `covered`. */
  private async absorb(n: number, covered: number) {
    const shard = this.shards[n]!;
    const parts: Buffer[] = [];
    const moved: Moved[] = [];
    let size = 0;
    const deleted = [...shard.deleted];
    shard.deleted.clear(); // deletions from now on wait for the next checkpoint
    for (const id of deleted) {
      const tombstone = Buffer.from(`${JSON.stringify({ op: 'del', id })}\n`, 'utf8');
      parts.push(tombstone);
      size += tombstone.length;
    }
    for (const [id, slot] of shard.slots) {
      const file = this.where.file(slot);
      if (isShardFile(file)) continue;
      if (file >= covered) {
        // Committed after the rotation, yet its write's dirty mark may be the one this checkpoint took.
        this.dirty.add(n);
        continue;
      }
      const line = this.lineOf(slot);
      moved.push({ id, slot, file, from: this.where.offset(slot), at: size, length: line.length });
      parts.push(line, NEWLINE);
      size += line.length + 1;
    }
    if (size === 0) return;
    const base = shard.fileBytes;
    try {
      await appendAt(this.tuning.fs, this.shardPath(n), base, Buffer.concat(parts, size), this.tuning.fsync);
    } catch (e) {
      for (const id of deleted) shard.deleted.add(id);
      throw e;
    }
    shard.fileBytes += size;
    this.repoint(n, moved, base);
    const dead = shard.fileBytes - shard.liveBytes;
    if (dead > Math.max(shard.liveBytes, this.tuning.compactBytes ?? 1 << 20)) {
      // Failing leaves the file as it was (all its offsets valid); a later checkpoint tries again.
      await this.rewrite(n).catch((e: unknown) => {
        if (!isStorageError(e)) throw e;
        this.tuning.warn(`[onestop] 数据文件压缩失败（${(e as Error).message}），稍后重试: ${this.shardPath(n)}`);
      });
    }
  }

  /** Points the copied documents at their lines in shard file n, unless they changed meanwhile. */
  private repoint(n: number, moved: readonly Moved[], base: number) {
    const shard = this.shards[n]!;
    for (const m of moved) {
      if (shard.slots.get(m.id) !== m.slot || this.where.file(m.slot) !== m.file || this.where.offset(m.slot) !== m.from) continue;
      if (m.file === shardFile(n)) shard.liveBytes -= m.length + 1;
      this.where.set(m.slot, shardFile(n), base + m.at, m.length);
      shard.liveBytes += m.length + 1;
    }
  }

  /** Rewrites shard n's file with exactly its current documents (wherever their lines are now). */
  private async rewrite(n: number) {
    const shard = this.shards[n]!;
    const moved: Moved[] = [];
    let size = 0;
    const deleted = [...shard.deleted];
    shard.deleted.clear(); // the new file holds no line of them; later deletions still need a tombstone
    try {
      await replaceFile(this.tuning.fs, this.shardPath(n), this.tuning.fsync, async (put) => {
        let parts: Buffer[] = [];
        let pending = 0;
        // A snapshot: writes during the awaits below must not change what is being iterated.
        for (const [id, slot] of [...shard.slots]) {
          if (shard.slots.get(id) !== slot) continue; // deleted meanwhile: its tombstone is pending
          const line = this.lineOf(slot);
          moved.push({ id, slot, file: this.where.file(slot), from: this.where.offset(slot), at: size, length: line.length });
          parts.push(line, NEWLINE);
          size += line.length + 1;
          pending += line.length + 1;
          if (pending >= WRITE_PIECE) {
            await put(Buffer.concat(parts, pending));
            parts = [];
            pending = 0;
          }
        }
        if (pending) await put(Buffer.concat(parts, pending));
      });
    } catch (e) {
      for (const id of deleted) shard.deleted.add(id);
      throw e;
    }
    // The descriptor still reads the replaced file: every document there moves to the new one now
    // (one that changed meanwhile points into the journal instead).
    closeQuietly(shard.fd);
    shard.fd = undefined;
    shard.liveBytes = 0;
    shard.fileBytes = size;
    this.repoint(n, moved, 0);
  }

  private fdOf(file: number): number {
    if (isShardFile(file)) {
      const shard = this.shards[shardOfFile(file)];
      if (shard) return (shard.fd ??= openForReading(this.shardPath(shardOfFile(file))));
      // A stray file (another shard count) read during open.
      let fd = this.journalFds.get(file);
      if (fd === undefined) this.journalFds.set(file, (fd = openForReading(path.join(this.dir, jsonlShardName(shardOfFile(file))))));
      return fd;
    }
    let fd = this.journalFds.get(file);
    if (fd === undefined) this.journalFds.set(file, (fd = openForReading(journalFileOf(this.dir, file))));
    return fd;
  }

  /** The line (without its newline) holding a document: a copy the caller may keep. */
  private lineOf(slot: number): Buffer {
    return readAt(this.fdOf(this.where.file(slot)), this.where.offset(slot), this.where.length(slot));
  }

  /** The document in a slot, parsed from its line: a fresh object each time. */
  private docOf(slot: number): T {
    const length = this.where.length(slot);
    const buf = readAt(this.fdOf(this.where.file(slot)), this.where.offset(slot), length, this.scratch);
    return (JSON.parse(buf.toString('utf8', 0, length)) as { doc: T }).doc;
  }

  private read(id: string): T | undefined {
    const slot = this.shards[shardOf(id, this.shards.length)]!.slots.get(id);
    return slot === undefined ? undefined : this.docOf(slot);
  }

  /**
   * Points id at its new line (or removes it) and moves it in the indexes. `before` is the
   * document being replaced when the caller has it; otherwise it is read back (opening).
   */
  private apply(id: string, before: Doc | undefined, to: Doc | undefined, at: { file: number; offset: number; length: number } | undefined) {
    const n = shardOf(id, this.shards.length);
    const shard = this.shards[n]!;
    const slot = shard.slots.get(id);
    if (slot !== undefined) {
      const old = before ?? (this.indexes.fields.length ? this.docOf(slot) : undefined);
      if (old) this.indexes.remove(old);
      if (this.where.file(slot) === shardFile(n)) shard.liveBytes -= this.where.length(slot) + 1;
    }
    if (to && at) {
      const s = slot ?? this.where.alloc();
      this.where.set(s, at.file, at.offset, at.length);
      if (slot === undefined) shard.slots.set(id, s);
      if (at.file === shardFile(n)) shard.liveBytes += at.length + 1;
      this.indexes.add(to);
    } else {
      if (slot !== undefined) {
        shard.slots.delete(id);
        this.where.release(slot);
      }
      shard.deleted.add(id);
    }
  }

  /** The one write path, as in LowdbCollection: the change is applied only once its journal line is on disk. */
  private mutate<R>(id: string, change: (current: T | undefined) => { next: T | undefined; result: R }): Promise<R> {
    const n = shardOf(id, this.shards.length);
    // One document at a time (so fn sees its latest state); different documents commit together.
    const run = this.lock.run(`${this.lockPrefix}#${id}`, async () => {
      const current = this.read(id); // a fresh parse: the change function may have it
      const was = current && this.indexes.view(current);
      const { next, result } = change(current);
      // Only the index view of the new state waits for the disk, not the documents or their line.
      const will = next && this.indexes.view(next);
      const committing = this.ensureDir().then(() => (this.dirty.add(n), this.journal.commit(lineOf(id, next))));
      const at: JournalPosition = await committing;
      this.apply(id, was, will, will ? { file: at.seq, offset: at.offset, length: at.length } : undefined);
      // Again: a checkpoint may have taken the mark meanwhile without this line (it keeps the
      // journal the line is in); the next checkpoint must take it in.
      this.dirty.add(n);
      this.scheduleCheckpoint();
      return result;
    });
    this.inFlight.add(run);
    const done = () => void this.inFlight.delete(run);
    run.then(done, done);
    return run;
  }

  private writeMeta() {
    const indexes = this.indexes.fields.sort();
    return writeMeta(this.tuning.fs, this.dir, { shards: this.shards.length, onDisk: true, indexes }, this.tuning.fsync).then(() => void (this.metaDirty = false));
  }

  private ensureDir(): Promise<void> {
    if (this.dirReady) return Promise.resolve();
    this.dirWrite ??= this.writeMeta().then(
      () => void (this.dirReady = true),
      (e: unknown) => {
        this.dirWrite = undefined;
        throw storageError(e, this.dir);
      },
    );
    return this.dirWrite;
  }

  /** Declares indexed fields; one not built while opening is built now from every document (one pass). */
  addIndexes(fields: string[]) {
    const fresh = fields.filter((f) => !this.indexes.has(f));
    if (!fresh.length) return;
    for (const field of fresh) this.indexes.declare(field);
    for (const shard of this.shards) {
      for (const slot of shard.slots.values()) {
        const doc = this.docOf(slot);
        for (const field of fresh) this.indexes.addTo(field, doc);
      }
    }
    // Recorded in _meta.json so the next start builds them while reading the files.
    this.metaDirty = true;
    if (this.dirReady) this.scheduleCheckpoint();
  }

  async get(id: string) {
    return this.read(id);
  }

  insert(doc: T) {
    return this.mutate(doc.id, (current) => {
      if (current) throw new ConflictError(`记录已存在: ${doc.id}`);
      return { next: doc, result: structuredClone(doc) };
    });
  }

  put(doc: T) {
    return this.mutate(doc.id, () => ({ next: doc, result: structuredClone(doc) }));
  }

  update(id: string, fn: (current: T) => T) {
    return this.mutate(id, (current) => {
      if (!current) throw new NotFoundError(`记录不存在: ${id}`);
      const next = fn(current);
      if (next.id !== id) throw new Error(`update 不能修改 id: ${id} -> ${next.id}`);
      // current was parsed for this call and the store keeps only the line: next is the caller's to keep.
      return { next, result: next };
    });
  }

  async delete(id: string) {
    if (!this.shards[shardOf(id, this.shards.length)]!.slots.has(id)) return false;
    return this.mutate(id, (current) => ({ next: undefined, result: current !== undefined }));
  }

  async findBy(field: string, value: string) {
    if (!this.indexes.has(field)) return this.list((d) => (d as unknown as Record<string, unknown>)[field] === value);
    const found: T[] = [];
    for (const id of this.indexes.ids(field, value)) {
      const doc = this.read(id);
      // A long value is indexed by its hash: another value may share it.
      if (doc && (doc as unknown as Record<string, unknown>)[field] === value) found.push(doc);
    }
    return found;
  }

  /** One synchronous pass, each document read and parsed once; what the filter keeps is returned as read. */
  async list(filter?: (doc: T) => boolean) {
    const out: T[] = [];
    for (const shard of this.shards) {
      for (const slot of shard.slots.values()) {
        const doc = this.docOf(slot);
        if (!filter || filter(doc)) out.push(doc);
      }
    }
    return out;
  }

  async count() {
    let n = 0;
    for (const shard of this.shards) n += shard.slots.size;
    return n;
  }

  /** From the index alone when only the indexed field is asked; otherwise each candidate is read. */
  async countBy(field: string, value: string, also: Readonly<Record<string, string>> = {}) {
    const wanted = Object.entries(also);
    const matches = (doc: T | undefined) => doc !== undefined && wanted.every(([k, v]) => (doc as unknown as Record<string, unknown>)[k] === v);
    if (!this.indexes.has(field)) return (await this.list((d) => (d as unknown as Record<string, unknown>)[field] === value && matches(d))).length;
    if (!wanted.length && this.indexes.exact(value)) return this.indexes.count(field, value);
    let n = 0;
    for (const id of this.indexes.ids(field, value)) {
      const doc = this.read(id);
      if (doc && (doc as unknown as Record<string, unknown>)[field] === value && matches(doc)) n++;
    }
    return n;
  }
}
