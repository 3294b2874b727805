// The per-citizen query limit: a fixed one-minute window per key, in memory. Counts only lookups
// that reach a source, so a citizen told what to send is not charged for it.
export interface RateLimiter {
  /** True when the key may run one more query now (and counts it). */
  take(key: string, perMinute: number, now: number): boolean;
}

const WINDOW_MS = 60_000;
const MAX_KEYS = 100_000;

export function createRateLimiter(): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    take(key, perMinute, now) {
      let w = windows.get(key);
      if (!w || now - w.start >= WINDOW_MS) {
        if (windows.size >= MAX_KEYS) windows.clear(); // bounded memory; a reset only forgives one minute
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      if (w.count >= perMinute) return false;
      w.count++;
      return true;
    },
  };
}
