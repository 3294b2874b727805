/** FNV-1a, 32 bits, over UTF-16 code units: stable across runs and platforms. */
export function fnv1a32(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Which shard file a document id lives in. */
export function shardOf(id: string, shards: number): number {
  return fnv1a32(id) % shards;
}

/** Shard file name: fixed-width hex so a directory listing sorts naturally. */
export function shardFileName(shard: number): string {
  return `${shard.toString(16).padStart(3, '0')}.json`;
}
