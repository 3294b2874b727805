// express-rate-limit counters kept in the Store instead of process memory, so every server
// process sharing a database counts the same failed logins (10 per 15 minutes is 10 in total,
// not 10 per process). Each key's count changes under the store's lock for that key.
import { createHash } from 'node:crypto';
import type { ClientRateLimitInfo, Options, Store as RateLimitStore } from 'express-rate-limit';
import type { Doc, Store } from '../store/index.js';

interface Hits extends Doc {
  hits: number;
  /** ISO time the window ends. */
  resetAt: string;
}

export function createStoreRateLimit(store: Store, name: string, now: () => Date = () => new Date()): RateLimitStore {
  const hits = store.collection<Hits>('rateLimits');
  let windowMs = 60_000;
  // The key holds an IP and a username: stored only hashed, and bounded in length.
  const idOf = (key: string) => `${name}:${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
  const live = (doc: Hits | undefined) => (doc && new Date(doc.resetAt).getTime() > now().getTime() ? doc : undefined);
  const info = (doc: Hits): ClientRateLimitInfo => ({ totalHits: doc.hits, resetTime: new Date(doc.resetAt) });

  return {
    localKeys: false,
    prefix: name,
    init(options: Options) {
      windowMs = options.windowMs;
    },
    async get(key) {
      const doc = live(await hits.get(idOf(key)));
      return doc && info(doc);
    },
    async increment(key) {
      const id = idOf(key);
      return store.withLock(`rate-limit:${id}`, async () => {
        const current = live(await hits.get(id));
        const next = current
          ? { ...current, hits: current.hits + 1 }
          : { id, hits: 1, resetAt: new Date(now().getTime() + windowMs).toISOString() };
        return info(await hits.put(next));
      });
    },
    async decrement(key) {
      const id = idOf(key);
      await store.withLock(`rate-limit:${id}`, async () => {
        const current = live(await hits.get(id));
        if (current && current.hits > 0) await hits.put({ ...current, hits: current.hits - 1 });
      });
    },
    async resetKey(key) {
      await hits.delete(idOf(key));
    },
  };
}
