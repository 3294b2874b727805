// The file-backed Store on lowdb 7 (the project's only lowdb importer). Layout under dir:
//   collections/<name>/_meta.json              { format, shards }
//   collections/<name>/<000..0ff>.json         lowdb files, each the documents whose id hashes there
//   collections/<name>/journal-<seq>.jsonl     commits not yet folded into the shard files
//   collections/<name>/<000..01f>.jsonl        instead of the .json files for an on-disk collection
//                                              (CollectionOptions.onDisk; on-disk-collection.ts)
//   logs/<name>.jsonl                          append-only JSON Lines
// A commit appends one fsynced line to the journal, so its cost does not grow with the store;
// a background checkpoint rewrites the changed shards (each ~1/256 of the collection) and drops
// the journal. Opening reads 256 files per collection, not one per document. See
// bench/loop.ts for the figures behind this choice.
// Locks are in-process: one process per data directory, enforced by a LOCK file (dir-lock.ts).
// Several processes or hosts need the server database behind the same Store interface.
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { lockDataDir } from './dir-lock.js';
import { KeyedLock } from './keyed-lock.js';
import { JsonlLog } from './jsonl-log.js';
import { CollectionHandle, emptyCollection, openCollection } from './collection-handle.js';
import { nodeStoreFs, type StoreFs } from './store-fs.js';
import type { Collection, CollectionOptions, Doc, Log, Store } from './types.js';

export interface LowdbStoreOptions {
  /** Shard files per new collection (existing collections keep theirs). Default 256. */
  shards?: number;
  /** fsync each commit (default true). Turn off only for throwaway data. */
  fsync?: boolean;
  /** How long appended log records may wait in memory. Default 50 ms. */
  logFlushMs?: number;
  /**
   * Fold journals into shard files this long after a change (default 60 s)... A checkpoint at
   * 100k documents rewrites up to all shards (~70 MB) and slows concurrent commits while it
   * runs, so it runs rarely; the journal it leaves is replayed at open (< 1 s at 32 MB).
   */
  checkpointMs?: number;
  /** ...or once a collection's journal passes this size (default 32 MB). */
  checkpointBytes?: number;
  /**
   * On-disk collections: rewrite a shard file once its superseded lines pass this many bytes (and
   * outweigh its current ones). Default 1 MB; tests set 0 to compact at every checkpoint.
   */
  compactBytes?: number;
  /** The file system (tests inject a full disk). Default node:fs/promises. */
  fs?: StoreFs;
  /** Where recoveries and refused writes are reported. Default console.warn. */
  warn?: (line: string) => void;
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

function checkName(kind: string, name: string) {
  // Names become file names: refuse anything that could escape the data directory.
  if (!NAME.test(name)) throw new Error(`${kind}名称不合法（只允许字母、数字、- 和 _）: ${name}`);
}

export async function createLowdbStore(dir: string, options: LowdbStoreOptions = {}): Promise<Store> {
  const fsync = options.fsync ?? true;
  const fs = options.fs ?? nodeStoreFs;
  const warn = options.warn ?? ((line: string) => console.warn(line));
  const tuning = { shards: options.shards ?? 256, fsync, checkpointMs: options.checkpointMs ?? 60_000, checkpointBytes: options.checkpointBytes ?? 32 << 20, compactBytes: options.compactBytes ?? 1 << 20, fs, warn };
  const logFlushMs = options.logFlushMs ?? 50;
  const collectionsDir = path.join(dir, 'collections');
  const logsDir = path.join(dir, 'logs');
  await mkdir(collectionsDir, { recursive: true });
  await mkdir(logsDir, { recursive: true });
  const dirLock = await lockDataDir(dir);

  const lock = new KeyedLock();
  const collections = new Map<string, CollectionHandle<Doc>>();
  const placeOf = (name: string) => ({ dir: path.join(collectionsDir, name), lockPrefix: `c:${name}`, lock, tuning });
  const logs = new Map<string, JsonlLog<unknown>>();
  // Load every existing collection now so collection() can stay synchronous.
  try {
    for (const entry of await readdir(collectionsDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !NAME.test(entry.name)) continue;
      const collectionDir = path.join(collectionsDir, entry.name);
      try {
        const place = placeOf(entry.name);
        collections.set(entry.name, new CollectionHandle(await openCollection(collectionDir, place.lockPrefix, lock, tuning), place));
      } catch (err) {
        const message = (err as Error).message;
        throw new Error(message.includes(collectionDir) ? message : `无法打开数据集合 ${collectionDir}: ${message}`, { cause: err });
      }
    }
  } catch (err) {
    await dirLock.release();
    throw err;
  }
  let closed = false;

  return {
    collection<T extends Doc>(name: string, collectionOptions?: CollectionOptions) {
      checkName('集合', name);
      let c = collections.get(name);
      if (!c) {
        const place = placeOf(name);
        c = new CollectionHandle(emptyCollection(place.dir, place.lockPrefix, lock, tuning, collectionOptions?.onDisk === true), place);
        collections.set(name, c);
      }
      if (collectionOptions) c.declare(collectionOptions);
      return c as unknown as Collection<T>;
    },
    log<T>(name: string) {
      checkName('日志', name);
      let l = logs.get(name);
      if (!l) logs.set(name, (l = new JsonlLog<unknown>(fs, path.join(logsDir, `${name}.jsonl`), logFlushMs, fsync)));
      return l as Log<T>;
    },
    withLock: (key, fn) => lock.run(`l:${key}`, fn),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await Promise.all([...collections.values()].map((c) => c.close()));
        // Log records the disk refuses now are reported and lost with the process: logs are
        // best-effort (the gateway never waits on them); collections are not.
        for (const l of logs.values()) await l.close().catch((e: unknown) => warn(`[onestop] 关闭时日志未能写入（${(e as Error).message}）`));
      } finally {
        await dirLock.release();
      }
    },
  };
}
