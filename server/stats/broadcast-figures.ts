// Broadcasts (群发) as the broadcasts room records them: one issue per account and city date in the
// `broadcast-issues` collection, read here by name (the stats room needs only these fields). Gives
// the inspection watchdog "an update within two weeks" per account and the reach of each broadcast
// (how many followers WeChat says it was sent to; a publish (发布) notifies nobody and has no count).
import type { Doc, Store } from '../store/index.js';
import { scan } from './scan.js';

/** The fields of a broadcast issue the dashboard reads. */
export interface BroadcastIssue extends Doc {
  account: string;
  /** City date of the issue. */
  date: string;
  state: string;
  columns?: string[];
  delivery?: { mode?: string; msgDataId?: string; outcome?: { at?: string; ok?: boolean; sentCount?: number; articleUrls?: string[] } };
}

export const BROADCAST_ISSUES = 'broadcast-issues';
const DONE = new Set(['sent', 'published']);

export interface BroadcastRow {
  date: string;
  account: string;
  mode: string;
  articles: number;
  /** Followers it was sent to; null for a publish or when WeChat has not reported yet. */
  reach: number | null;
  /** WeChat's id of the send or publish: its articles' data-API msgids are `<msgDataId>_<n>`. */
  msgDataId?: string;
  /** Readers of its articles (WeChat's data API, summed); null before the first daily pull. */
  reads: number | null;
  shares: number | null;
}

export interface BroadcastFigures {
  /** Successful broadcasts in the range, newest first. */
  rows: BroadcastRow[];
  /** Days since each account's newest successful broadcast (accounts with any issue recorded). */
  updates: Array<{ account: string; days: number | null }>;
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** The broadcasts room names the one account of a single-account city `city` (until several accounts land). */
const SINGLE_ACCOUNT_ID = 'city';

export async function broadcastFigures(store: Store, range: { from: string; to: string; today: string; account?: { id: string; primary: boolean } }): Promise<BroadcastFigures | undefined> {
  const { account } = range;
  const issues = await scan(store.collection<BroadcastIssue>(BROADCAST_ISSUES), (b) => !account || b.account === account.id || (account.primary && b.account === SINGLE_ACCOUNT_ID));
  if (issues.length === 0) return undefined;
  const ok = (b: BroadcastIssue) => DONE.has(b.state) && b.delivery?.outcome?.ok !== false;
  const newest = new Map<string, string | null>();
  for (const b of issues) {
    if (!newest.has(b.account)) newest.set(b.account, null);
    const seen = newest.get(b.account);
    if (ok(b) && b.date <= range.today && (!seen || b.date > seen)) newest.set(b.account, b.date);
  }
  const rows = issues
    .filter((b) => ok(b) && b.date >= range.from && b.date <= range.to)
    .map((b) => ({
      date: b.date, account: b.account, mode: b.delivery?.mode ?? '',
      articles: b.delivery?.outcome?.articleUrls?.length ?? b.columns?.length ?? 0,
      reach: b.delivery?.mode === 'publish' ? null : (b.delivery?.outcome?.sentCount ?? null),
      ...(b.delivery?.msgDataId ? { msgDataId: String(b.delivery.msgDataId) } : {}),
      reads: null, shares: null,
    }))
    .sort((a, b) => b.date.localeCompare(a.date) || a.account.localeCompare(b.account));
  const updates = [...newest].map(([account, date]) => ({ account, days: date ? daysBetween(date, range.today) : null })).sort((a, b) => a.account.localeCompare(b.account));
  return { rows, updates };
}

