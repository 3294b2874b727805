// A token bucket for this process's sends: `ratePerSecond` on average, bursts of at most one
// second's worth, so a backlog after downtime respects WeChat's limits too.
export interface RateLimiter {
  /** Resolves when the next send may go. */
  take(): Promise<void>;
}

export function createRateLimiter(ratePerSecond: number, clock: () => number = Date.now, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): RateLimiter {
  const capacity = Math.max(1, ratePerSecond);
  let tokens = capacity;
  let last = clock();
  let chain: Promise<void> = Promise.resolve();
  return {
    take() {
      const turn = chain.then(async () => {
        for (;;) {
          const t = clock();
          tokens = Math.min(capacity, tokens + ((t - last) / 1000) * ratePerSecond);
          last = t;
          if (tokens >= 1) {
            tokens -= 1;
            return;
          }
          await sleep(Math.ceil(((1 - tokens) / ratePerSecond) * 1000));
        }
      });
      chain = turn;
      return turn;
    },
  };
}
