// What the notices room keeps: one record per notice (the citizen's 我的消息 entry and the
// delivery state staff and the platform see), sent through the durable 'notices' job queue.
import type { AccountBuild } from '../builder/index.js';
import type { LiveBuild } from '../live-build.js';
import type { Doc, Store } from '../store/index.js';
import type { WechatClient } from '../wechat/index.js';

export type NoticeState = 'queued' | 'sending' | 'retrying' | 'sent' | 'delivered' | 'failed' | 'recorded';

export const STATE_NAMES: Record<NoticeState, string> = {
  queued: '排队中',
  sending: '发送中',
  retrying: '等待重试',
  sent: '已发送',
  delivered: '已送达',
  failed: '发送失败',
  recorded: '仅站内消息',
};

/** Final: nothing more will be sent for the notice. */
export const FINAL_STATES: ReadonlySet<NoticeState> = new Set(['sent', 'delivered', 'failed', 'recorded']);

export type NoticeSource = 'push' | 'reminder' | 'appointment';

export interface WechatPlan {
  /** Subscription notice first when the type has one; the template message also as its fallback. */
  subscription?: { templateId: string; data: Record<string, { value: string }> };
  template?: { templateId: string; data: Record<string, { value: string }> };
}

export interface NoticeRecord extends Doc {
  source: NoticeSource;
  /** The department the notice speaks for (its staff see it). */
  department: string;
  /** Notice type ref (<department>/<id>), or 'appointment/reminder' for the loop's own reminder. */
  notice: string;
  /** Shown as the 我的消息 title. */
  title: string;
  openid: string;
  /** The account the openid belongs to, which sends the notice; absent = the primary. */
  account?: string;
  /** What the citizen reads in 我的消息, in template order. */
  fields: Array<{ label: string; value: string }>;
  wechat: WechatPlan;
  /** Where the WeChat message opens. */
  url: string;
  /** Photo paths on the connector's system (never shown or sent; served through onestop). */
  photos?: { connector: string; paths: string[] };
  state: NoticeState;
  /** Send attempts that reached WeChat (or failed on the way). */
  attempts: number;
  channel?: 'template' | 'subscription';
  msgid?: string;
  /** WeChat's errcode (or -1 for a network failure) and the reason in Chinese. */
  error?: { code: number; reason: string };
  /** The send under way (state sending): which channel and since when (ms epoch). */
  inFlight?: { channel: 'template' | 'subscription'; at: number };
  /** ms epoch of the next try (retrying), or when quiet hours end (queued). */
  nextAttemptAt?: number;
  history: Array<{ at: string; state: NoticeState; note?: string }>;
  createdAt: string;
  sentAt?: string;
  deliveredAt?: string;
  readAt?: string;
  /** Pushes: the department system's idempotency key and a hash of what it asked for. */
  idempotencyKey?: string;
  fingerprint?: string;
  /** Reminders: which reminder, date and offset produced it. */
  reminder?: { ref: string; date: string; daysBefore: number };
  /**
   * A reminder whose date follows.refresh asks of the department's system, when the system could
   * not be asked: why (Chinese, nothing personal). The reminder went out on the stored date.
   */
  refreshFailure?: string;
}

export interface NoticesConfig {
  /** Sends per second from this process (a burst respects WeChat's limits). */
  ratePerSecond: number;
  /** How long a claimed job is held before another worker may take it (a crashed worker's jobs come back after this). */
  leaseMs: number;
  /** Attempts before a retryable failure becomes final. */
  maxAttempts: number;
  /** How often the scheduler plans reminders. */
  planEveryMs: number;
  /** How often the worker looks for due jobs when idle. */
  pollMs: number;
  /**
   * Bindings a planning pass asks their department's system about (follows.refresh); the rest of
   * a large due day waits for the next passes, so 20,000 due bindings are spread over minutes.
   */
  refreshPerPass: number;
  /** Refresh asks in flight at once. */
  refreshConcurrency: number;
}

export const DEFAULT_NOTICES_CONFIG: NoticesConfig = Object.freeze({ ratePerSecond: 20, leaseMs: 30_000, maxAttempts: 6, planEveryMs: 60_000, pollMs: 1000, refreshPerPass: 1000, refreshConcurrency: 8 });

/** Photos of a notice, fetched through the connector the notice type names. */
export type PhotoFetcher = (connector: string, path: string) => Promise<{ type: string; body: Buffer } | undefined>;

/** Who holds a binding (from the bindings room), by department, kind and canonical key. */
export type BindingHolders = (query: { department: string; kind: string; key: string | Record<string, string> }) => Promise<Array<string | Addressee>>;

/** A citizen as a notice reaches them: their openid and the account it belongs to (absent = the primary). */
export interface Addressee {
  openid: string;
  account?: string;
}

/** Another account of the city (several accounts): its WeChat client and its live build (template ids, notice types). */
export type AccountOf = (account: string) => { client?: WechatClient; build: AccountBuild };

/** Every binding of a kind, page by page, opened (from the bindings room): reminders that follow a binding's data. */
export type BindingPages = (query: { department: string; kind: string }) => AsyncIterable<BindingPage>;
export type BindingPage = Array<{
  /** The binding's id: what a refresh names (follows.refresh). */
  id?: string;
  openid: string;
  account?: string;
  key: string;
  fields: Record<string, string>;
  masked?: Record<string, string>;
  data: Record<string, unknown>;
  /** The department's system no longer knows it: no reminders (until a refresh finds it again). */
  goneOn?: string;
}>;

/**
 * Asks a binding's verifying system for its current data (from the bindings room), at most once
 * per city day per binding; `dates` are the data fields reminders follow. The outcomes: current
 * (asked: the system answered now), gone (no longer known; the binding is marked), failed (could
 * not ask; the stored date stands), busy (another process is asking: try on a later pass), removed
 * (unbound meanwhile).
 */
export type BindingRefresher = (query: { id: string; today: string; dates: readonly string[] }) => Promise<
  | { outcome: 'current'; data: Record<string, unknown>; asked: boolean }
  | { outcome: 'gone'; asked: boolean }
  | { outcome: 'failed'; reason: string }
  | { outcome: 'busy' }
  | { outcome: 'removed' }
>;

/**
 * The bindings of a kind whose data `field` holds a date from `from` to `to` (city dates,
 * inclusive), page by page, opened (from the bindings room's reminder-day index): planning reads
 * only the bindings inside a reminder's window.
 */
export type DueBindingPages = (query: { department: string; kind: string; field: string; from: string; to: string }) => AsyncIterable<BindingPage>;

export interface NoticesDeps {
  store: Store;
  live: LiveBuild;
  wechat?: WechatClient;
  publicBaseUrl: string;
  config?: Partial<NoticesConfig>;
  photos?: PhotoFetcher;
  bindingHolders?: BindingHolders;
  /** The departments a citizen holds bindings with (a binding makes them the department's citizen). */
  bindingDepartments?: (openid: string) => Promise<string[]>;
  bindingPages?: BindingPages;
  /**
   * A city of several accounts: a notice for a citizen of another account than the primary is
   * composed with that account's template ids and sent through its client. Absent: one account.
   */
  accountOf?: AccountOf;
  /** Preferred over bindingPages when present. */
  dueBindings?: DueBindingPages;
  /** Reminders with follows.refresh ask the binding's system through this before they are planned. */
  refreshBinding?: BindingRefresher;
  now?: () => Date;
  warn?: (line: string) => void;
}

export const noticesOf = (store: Store) => store.collection<NoticeRecord>('notices', { indexes: ['openid', 'department', 'msgid', 'state'], onDisk: true });

export const configOf = (deps: Pick<NoticesDeps, 'config'>): NoticesConfig => ({ ...DEFAULT_NOTICES_CONFIG, ...deps.config });
export const nowOf = (deps: Pick<NoticesDeps, 'now'>) => (deps.now ? deps.now() : new Date());
