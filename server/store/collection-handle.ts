// What the lowdb store hands out for a collection: one stable object in front of its
// implementation (LowdbCollection in memory, OnDiskCollection on disk), so a collection first
// declared onDisk after it was stored in memory moves to disk while every caller keeps its
// reference. The move: calls wait, the memory collection is closed (its journal folded in), its
// documents are written as .jsonl shard files, then _meta.json says onDisk, and the collection is
// opened on disk. A crash before _meta.json leaves the memory format (the .jsonl files are
// removed at the next open); after it, the on-disk open removes the .json files.
import { readMeta, writeMeta } from './collection-meta.js';
import { journalSeqs } from './journal.js';
import type { KeyedLock } from './keyed-lock.js';
import { jsonlShardName, replaceFile } from './line-files.js';
import { type CollectionTuning, LowdbCollection } from './lowdb-collection.js';
import { OnDiskCollection } from './on-disk-collection.js';
import { shardOf } from './shard-of.js';
import path from 'node:path';
import type { Collection, Doc } from './types.js';

export type EmbeddedCollection<T extends Doc> = LowdbCollection<T> | OnDiskCollection<T>;

/** Shard files of a new on-disk collection: its files grow by appends, so a few dozen do. */
export const ON_DISK_SHARDS = 32;
const onDiskTuning = (tuning: CollectionTuning, shards?: number): CollectionTuning => ({ ...tuning, shards: shards ?? Math.min(tuning.shards, ON_DISK_SHARDS) });

/** Opens the collection stored in dir, in the format its files are in. */
export async function openCollection(dir: string, lockPrefix: string, lock: KeyedLock, tuning: CollectionTuning): Promise<EmbeddedCollection<Doc>> {
  const meta = await readMeta(tuning.fs, dir);
  if (meta.state === 'damaged') tuning.warn(`[onestop] 集合元数据文件已损坏（写入时磁盘已满或断电？），按数据文件恢复: ${meta.file}`);
  // Without its metadata, a collection with .jsonl shard files is on disk.
  const onDisk = meta.state === 'ok' ? meta.meta.onDisk === true : (await tuning.fs.readdir(dir).catch(() => [] as string[])).some((n) => /^[0-9a-f]{3,}\.jsonl$/.test(n));
  if (!onDisk) return LowdbCollection.open(dir, lockPrefix, lock, tuning, meta);
  const seqs = await journalSeqs(tuning.fs, dir);
  const ok = meta.state === 'ok' ? meta.meta : undefined;
  return OnDiskCollection.open(dir, lockPrefix, lock, onDiskTuning(tuning, ok?.shards), { metaOk: ok !== undefined, indexes: ok?.indexes ?? [], seqs });
}

export function emptyCollection(dir: string, lockPrefix: string, lock: KeyedLock, tuning: CollectionTuning, onDisk: boolean): EmbeddedCollection<Doc> {
  return onDisk ? OnDiskCollection.empty(dir, lockPrefix, lock, onDiskTuning(tuning)) : LowdbCollection.empty(dir, lockPrefix, lock, tuning);
}

export class CollectionHandle<T extends Doc> implements Collection<T> {
  /** Set while the collection moves to disk: calls wait for it. */
  private moving: Promise<void> | undefined;
  private readonly declared = new Set<string>();

  constructor(
    public impl: EmbeddedCollection<T>,
    private readonly place: { dir: string; lockPrefix: string; lock: KeyedLock; tuning: CollectionTuning },
  ) {}

  private when<R>(call: (c: EmbeddedCollection<T>) => Promise<R>): Promise<R> {
    return this.moving ? this.moving.then(() => call(this.impl)) : call(this.impl);
  }

  /** Declares indexes and, when asked and not yet so, moves the collection to disk. */
  declare(options: { indexes?: string[]; onDisk?: boolean }) {
    for (const field of options.indexes ?? []) this.declared.add(field);
    if (!this.moving && options.indexes) this.impl.addIndexes(options.indexes);
    if (options.onDisk && !this.moving && this.impl instanceof LowdbCollection) {
      const { tuning, dir } = this.place;
      this.moving = this.moveToDisk(this.impl)
        .catch((e: unknown) => tuning.warn(`[onestop] 集合转为磁盘存储后无法重新打开（${(e as Error).message}）: ${dir}`))
        .finally(() => (this.moving = undefined));
    }
  }

  private async moveToDisk(memory: LowdbCollection<T>) {
    const { dir, lockPrefix, lock, tuning } = this.place;
    try {
      await memory.close();
      const shards = Math.min(tuning.shards, ON_DISK_SHARDS);
      const groups: T[][] = Array.from({ length: shards }, () => []);
      for (const doc of memory.stored()) groups[shardOf(doc.id, shards)]!.push(doc);
      for (let n = 0; n < shards; n++) {
        if (!groups[n]!.length) continue;
        await replaceFile(tuning.fs, path.join(dir, jsonlShardName(n)), tuning.fsync, async (put) => {
          for (const doc of groups[n]!) await put(Buffer.from(`${JSON.stringify({ op: 'put', doc })}\n`, 'utf8'));
        });
      }
      await writeMeta(tuning.fs, dir, { shards, onDisk: true, indexes: [...new Set([...memory.indexedFields, ...this.declared])].sort() }, tuning.fsync);
    } catch (e) {
      tuning.warn(`[onestop] 集合转为磁盘存储失败（${(e as Error).message}），仍保存在内存中: ${dir}`);
    }
    // Either way the files are whole: open them in whichever format they are now in.
    this.impl = (await openCollection(dir, lockPrefix, lock, tuning)) as EmbeddedCollection<T>;
    this.impl.addIndexes([...this.declared]);
  }

  close() {
    return this.when((c) => c.close());
  }

  get(id: string) {
    return this.when((c) => c.get(id));
  }
  insert(doc: T) {
    return this.when((c) => c.insert(doc));
  }
  put(doc: T) {
    return this.when((c) => c.put(doc));
  }
  update(id: string, fn: (current: T) => T) {
    return this.when((c) => c.update(id, fn));
  }
  delete(id: string) {
    return this.when((c) => c.delete(id));
  }
  findBy(field: string, value: string) {
    return this.when((c) => c.findBy(field, value));
  }
  list(filter?: (doc: T) => boolean) {
    return this.when((c) => c.list(filter));
  }
  count() {
    return this.when((c) => c.count());
  }
  countBy(field: string, value: string, also?: Readonly<Record<string, string>>) {
    return this.when((c) => c.countBy(field, value, also));
  }
}
