// Bulk import for a closed lowdb store directory (benchmarks, migrations from a department's
// old system): writes whole shard files once instead of one durable commit per document.
import path from 'node:path';
import { readMeta, writeMeta } from './collection-meta.js';
import { DurableJsonFile } from './durable-json-file.js';
import { shardFileName, shardOf } from './shard-of.js';
import { nodeStoreFs } from './store-fs.js';
import type { Doc } from './types.js';

/** Adds docs to collection `name` under a lowdb store dir; the store must not be open. */
export async function seedCollection<T extends Doc>(dir: string, name: string, docs: T[], options: { shards?: number } = {}) {
  const collectionDir = path.join(dir, 'collections', name);
  const meta = await readMeta(nodeStoreFs, collectionDir);
  const shards = meta.state === 'ok' ? meta.meta.shards : (options.shards ?? 256);
  if (meta.state !== 'ok') await writeMeta(nodeStoreFs, collectionDir, { shards }, true);
  const groups = new Map<number, T[]>();
  for (const doc of docs) {
    const n = shardOf(doc.id, shards);
    let group = groups.get(n);
    if (!group) groups.set(n, (group = []));
    group.push(doc);
  }
  for (const [n, group] of groups) {
    const file = new DurableJsonFile<{ docs: T[] }>(path.join(collectionDir, shardFileName(n)));
    const existing = (await file.read())?.docs ?? [];
    const byId = new Map(existing.map((d) => [d.id, d]));
    for (const d of group) byId.set(d.id, d);
    await file.write({ docs: [...byId.values()] });
  }
}
