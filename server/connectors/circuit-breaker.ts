// One breaker per connector: after `threshold` failures in a row it opens and calls fail at once
// for `openMs`; then one trial call is let through (half-open) and its outcome closes or reopens
// it. With at most `maxInFlight` calls at once, a slow system cannot pile up work either, so a
// failing department never slows anyone else's replies.
export interface BreakerOptions {
  threshold?: number;
  openMs?: number;
  maxInFlight?: number;
  clock?: () => number;
}

export type Admission = { ok: true; done(success: boolean): void } | { ok: false; reason: string };

export interface CircuitBreaker {
  admit(): Admission;
  readonly state: 'closed' | 'open' | 'half-open';
}

export function createCircuitBreaker(options: BreakerOptions = {}): CircuitBreaker {
  const threshold = options.threshold ?? 5;
  const openMs = options.openMs ?? 30_000;
  const maxInFlight = options.maxInFlight ?? 32;
  const clock = options.clock ?? Date.now;
  let failures = 0;
  let openedAt: number | undefined;
  let trial = false;
  let inFlight = 0;
  const breaker: CircuitBreaker = {
    get state() {
      return openedAt === undefined ? 'closed' : trial ? 'half-open' : 'open';
    },
    admit() {
      const now = clock();
      if (openedAt !== undefined) {
        if (trial || now - openedAt < openMs) return { ok: false, reason: `连续失败 ${threshold} 次，已暂停调用（熔断）` };
        trial = true;
      }
      if (inFlight >= maxInFlight) return { ok: false, reason: `同时进行的调用已达 ${maxInFlight} 个，系统繁忙` };
      inFlight++;
      const wasTrial = trial;
      let settled = false;
      return {
        ok: true,
        done(success) {
          if (settled) return;
          settled = true;
          inFlight--;
          if (success) {
            failures = 0;
            openedAt = undefined;
            trial = false;
            return;
          }
          failures++;
          if (wasTrial || failures >= threshold) {
            openedAt = clock();
            trial = false;
          }
        },
      };
    },
  };
  return breaker;
}
