// Which shard file a document id lives in: FNV-1a 32-bit, stable across runs and platforms.
export function shardOf(id: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

/** Shard file name: fixed-width hex so a directory listing sorts naturally. */
export function shardFileName(shard: number): string {
  return `${shard.toString(16).padStart(3, '0')}.json`;
}
