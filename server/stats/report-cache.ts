// The dashboard's reports, kept for a minute per build and query: a report reads every
// application, ticket and case of its range, so repeated views (reloads, the CSV export of each
// table, several people looking at the same month) share one computation, and views that arrive
// while it runs wait for it instead of starting their own. Figures are at most a minute old; the
// page says when they were computed.
import type { StatsReport } from './compute-stats.js';

export const REPORT_TTL_MS = 60_000;
const PER_BUILD = 50;

interface Entry {
  at: number;
  report: Promise<StatsReport>;
}

export interface ReportCache {
  /** The cached report of `key` for `build`, or `compute`'s (kept until the TTL passes). */
  get(build: object, key: string, compute: () => Promise<StatsReport>): Promise<{ report: StatsReport; computedAt: Date }>;
}

export function createReportCache(options: { ttlMs?: number; clock?: () => number } = {}): ReportCache {
  const ttl = options.ttlMs ?? REPORT_TTL_MS;
  const clock = options.clock ?? Date.now;
  // A published build is a new object: its reports start afresh and the old ones go with it.
  const byBuild = new WeakMap<object, Map<string, Entry>>();
  return {
    async get(build, key, compute) {
      let entries = byBuild.get(build);
      if (!entries) byBuild.set(build, (entries = new Map()));
      const t = clock();
      let entry = entries.get(key);
      if (!entry || t - entry.at >= ttl) {
        const fresh: Entry = { at: t, report: compute() };
        entry = fresh;
        entries.delete(key);
        if (entries.size >= PER_BUILD) entries.delete(entries.keys().next().value!);
        entries.set(key, fresh);
        // A failed computation is not kept.
        fresh.report.catch(() => entries.get(key) === fresh && entries.delete(key));
      }
      return { report: await entry.report, computedAt: new Date(entry.at) };
    },
  };
}
