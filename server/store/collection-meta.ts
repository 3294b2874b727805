// A collection's _meta.json ({ format, shards }, and for an on-disk collection also
// { onDisk: true, indexes }: format 3, see on-disk-collection.ts): written atomically (temp + fsync + rename +
// fsync of the directory), so a full disk or a power cut leaves either the old file or the new
// one. A file that is still unreadable (written by an older version, or damaged outside the
// store) is not fatal: the shard count is only a layout hint, and opening re-homes documents
// found under another count (see LowdbCollection.load).
import path from 'node:path';
import { DurableJsonFile, syncDir } from './durable-json-file.js';
import type { StoreFs } from './store-fs.js';

export const META = '_meta.json';

export interface CollectionMeta {
  shards: number;
  /** Documents stay in the shard files (JSON Lines); memory keeps only where each one is. */
  onDisk?: boolean;
  /** On-disk collections: the fields indexed while the files are read at open. */
  indexes?: string[];
}

export type MetaRead = { state: 'ok'; meta: CollectionMeta } | { state: 'missing' } | { state: 'damaged'; file: string };

export async function readMeta(fs: StoreFs, dir: string): Promise<MetaRead> {
  const file = path.join(dir, META);
  let text: string;
  try {
    text = await fs.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    throw e;
  }
  try {
    const meta = JSON.parse(text) as { shards?: unknown; onDisk?: unknown; indexes?: unknown };
    if (typeof meta.shards === 'number' && Number.isInteger(meta.shards) && meta.shards > 0) {
      if (meta.onDisk !== true) return { state: 'ok', meta: { shards: meta.shards } };
      const indexes = Array.isArray(meta.indexes) ? meta.indexes.filter((f): f is string => typeof f === 'string') : [];
      return { state: 'ok', meta: { shards: meta.shards, onDisk: true, indexes } };
    }
  } catch {
    // falls through: torn or damaged
  }
  return { state: 'damaged', file };
}

/** Creates dir if needed and writes its metadata durably, including dir's own name in its parent. */
export async function writeMeta(fs: StoreFs, dir: string, meta: CollectionMeta, fsync: boolean): Promise<void> {
  await fs.mkdir(dir);
  const stored = meta.onDisk ? { format: 3, shards: meta.shards, onDisk: true, indexes: meta.indexes ?? [] } : { format: 2, shards: meta.shards };
  await new DurableJsonFile<CollectionMeta & { format: number }>(path.join(dir, META), { fs, fsync }).write(stored);
  if (fsync) await syncDir(path.dirname(dir), fs);
}
