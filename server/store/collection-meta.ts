// A collection's _meta.json ({ format, shards }): written atomically (temp + fsync + rename +
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
    const meta = JSON.parse(text) as { shards?: unknown };
    if (typeof meta.shards === 'number' && Number.isInteger(meta.shards) && meta.shards > 0) return { state: 'ok', meta: { shards: meta.shards } };
  } catch {
    // falls through: torn or damaged
  }
  return { state: 'damaged', file };
}

/** Creates dir if needed and writes its metadata durably, including dir's own name in its parent. */
export async function writeMeta(fs: StoreFs, dir: string, meta: CollectionMeta, fsync: boolean): Promise<void> {
  await fs.mkdir(dir);
  await new DurableJsonFile<CollectionMeta & { format: number }>(path.join(dir, META), { fs, fsync }).write({ format: 2, ...meta });
  if (fsync) await syncDir(path.dirname(dir), fs);
}
