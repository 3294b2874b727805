// Reads and shares per broadcast article, from WeChat's data API (getarticletotaldetail). WeChat
// finishes a day's figures after 08:00 the next day, so a daily pull per account (after 08:05 city
// time) asks for each of the last seven publish dates (an article's figures keep growing for about a
// week) and keeps, per article, its newest cumulative figures in `statsArticleReads`. The pull is
// durable and idempotent: its state per account says for which city date it is done, so a restart,
// a second process or an hourly retry after a delayed day (is_delay) never double-counts anything.
import { addDays, cityDate, cityMinutes } from '../calendar/index.js';
import type { Doc, Store } from '../store/index.js';
import type { AnalyticsApi } from '../wechat/index.js';
import { startPeriodic } from './periodic.js';

export const ARTICLE_READS = 'statsArticleReads';
/** Minutes after city midnight from which yesterday's figures are asked for. */
export const READS_READY_MINUTES = 8 * 60 + 5;
/** Publish dates asked for on each pull: an article's figures follow it for about a week. */
export const READS_LOOKBACK_DAYS = 7;
const HOUR_MS = 3600_000;

/** One article's newest figures (cumulative from its publish date); nothing about any reader. */
export interface ArticleReads extends Doc {
  /** The account's registry id. */
  account: string;
  /** `<msg_data_id>_<index>`. */
  msgid: string;
  /** Publish date, YYYY-MM-DD. */
  refDate: string;
  title: string;
  url: string;
  /** The statistics date the figures run to. */
  statDate: string;
  reads: number;
  shares: number;
  likes: number;
  zaikan: number;
  comments: number;
  favorites: number;
  fetchedAt: string;
}

interface PullState extends Doc {
  /** The city date whose pull is complete. */
  pulledFor?: string;
  lastTriedAt?: string;
  lastError?: string;
}

export interface ReadPullAccount {
  id: string;
  /** Absent: the account's client has no data API (fakes) or the account is not verified. */
  analytics?: AnalyticsApi;
}

export interface ReadPullDeps {
  store: Store;
  accounts: () => ReadPullAccount[];
  now?: () => Date;
  warn?: (line: string) => void;
}

export type PullOutcome = 'pulled' | 'not-yet' | 'done' | 'delayed' | 'failed';

const readsOf = (store: Store) => store.collection<ArticleReads>(ARTICLE_READS, { indexes: ['refDate'] });
const statesOf = (store: Store) => store.collection<PullState>('statsArticlePulls');

/** One account's pull for today, when it is due. */
async function pullAccount(deps: ReadPullDeps, account: ReadPullAccount & { analytics: AnalyticsApi }, at: Date): Promise<PullOutcome> {
  const { store } = deps;
  const today = cityDate(at);
  if (cityMinutes(at) < READS_READY_MINUTES) return 'not-yet';
  return store.withLock(`stats-article-reads:${account.id}`, async () => {
    const state = (await statesOf(store).get(account.id)) ?? { id: account.id };
    if (state.pulledFor === today) return 'done';
    const tried = { ...state, lastTriedAt: at.toISOString() };
    try {
      for (let back = READS_LOOKBACK_DAYS; back >= 1; back--) {
        const { delayed, articles } = await account.analytics.articleTotalDetail(addDays(today, -back));
        if (delayed) {
          await statesOf(store).put({ ...tried, lastError: 'is_delay' });
          return 'delayed';
        }
        for (const a of articles) {
          const newest = [...a.days].sort((x, y) => x.statDate.localeCompare(y.statDate)).at(-1);
          if (!a.msgid || !newest) continue;
          await readsOf(store).put({
            id: `${account.id}|${a.msgid}`, account: account.id, msgid: a.msgid, refDate: a.refDate, title: a.title, url: a.url, statDate: newest.statDate,
            reads: newest.readUser, shares: newest.shareUser, likes: newest.likeUser, zaikan: newest.zaikanUser, comments: newest.commentCount, favorites: newest.collectionUser,
            fetchedAt: at.toISOString(),
          });
        }
      }
    } catch (err) {
      await statesOf(store).put({ ...tried, lastError: (err as Error).message });
      deps.warn?.(`公众号 ${account.id} 的图文数据拉取失败，一小时后重试：${(err as Error).message}`);
      return 'failed';
    }
    const { lastError: _done, ...rest } = tried;
    await statesOf(store).put({ ...rest, pulledFor: today });
    return 'pulled';
  });
}

/** Pulls every account whose pull for today is due; accounts without a data API are skipped. */
export async function pullArticleReads(deps: ReadPullDeps): Promise<Record<string, PullOutcome>> {
  const at = deps.now?.() ?? new Date();
  const out: Record<string, PullOutcome> = {};
  for (const account of deps.accounts()) {
    if (account.analytics) out[account.id] = await pullAccount(deps, { ...account, analytics: account.analytics }, at);
  }
  return out;
}

/** Tries a minute after start-up and then hourly (each try does nothing once today's pull is done). Returns stop. */
export function startArticleReadPulls(deps: ReadPullDeps, everyMs = HOUR_MS): () => void {
  const run = () => void pullArticleReads(deps).catch((err: unknown) => deps.warn?.(`图文数据拉取失败：${(err as Error).message}`));
  return startPeriodic(run, 60_000, everyMs);
}

/** Articles published from..to (city dates), newest first, optionally of one account. */
export async function articleReadsBetween(store: Store, range: { from: string; to: string; account?: string }): Promise<ArticleReads[]> {
  const rows = await readsOf(store).list((r) => r.refDate >= range.from && r.refDate <= range.to && (!range.account || r.account === range.account));
  return rows.sort((a, b) => b.refDate.localeCompare(a.refDate) || a.account.localeCompare(b.account) || a.msgid.localeCompare(b.msgid, 'en', { numeric: true }));
}
