// The gateway: one entry point for every push of the city's account. Per push it reads the
// live build once (a swap mid-request does not affect it), runs the decision once however
// often WeChat retries, answers within the time budget or else says `success` and sends the
// answer as a customer-service message, and appends one record to the message log.
import { createHmac } from 'node:crypto';
import { DeadlineTimer } from './deadline-timer.js';
import type { AccountBuild } from '../builder/index.js';
import type { LiveBuild } from '../live-build.js';
import type { Log, Store } from '../store/index.js';
import type { WechatClient, WechatMessage } from '../wechat/index.js';
import { indexBuild, type BuildIndex } from './build-index.js';
import { createGatewayHealth, type GatewayHealth } from './gateway-health.js';
import { dedupKey, OnceCache } from './dedup.js';
import { decideOnce, type SharedDecisionOptions } from './shared-dedup.js';
import { createSharedConversations, type SharedConversations } from './shared-conversation.js';
import { NO_REPLY, signReplyLinks, type Reply } from './replies.js';
import { loadReplyTemplates, type ReplyTemplates } from './reply-templates.js';
import type { RecentList } from './numbered-items.js';
import { routeMessage, type AnsweredBy, type RecentNearby, type RouteResult } from './route-message.js';
import type { QueryDeps } from '../query/index.js';
import type { BindingsDeps } from '../bindings/index.js';

export const DEFAULT_BUDGET_MS = 4000;
/** WeChat's three retries come within ~15 s; twice that is plenty (the router asks for more: the replay window). */
export const DEDUP_TTL_MS = 30_000;
export const MESSAGE_LOG = 'messages';

export interface MessageLogRecord {
  at: string;
  type: string;
  event?: string;
  answeredBy: AnsweredBy;
  department?: string;
  /** Keyword text or menu key. */
  rule?: string;
  latencyMs: number;
  /** Queries: the outcome and source, never the inputs or the result. */
  outcome?: string;
  source?: string;
  /** HMAC of the openid: counts distinct citizens without keeping their ids in analytics. */
  openid: string;
  /** The account the push came to (absent in records written before several accounts: the primary). */
  account?: string;
}

export interface GatewayAnswer extends RouteResult {
  /** True when the passive answer is `success` and the reply follows as a customer-service message. */
  deferred: boolean;
}

export interface GatewayDeps {
  store: Store;
  live: LiveBuild;
  client?: WechatClient;
  budgetMs?: number;
  now?: () => Date;
  templates?: ReplyTemplates;
  /** Key for hashing openids in the message log (e.g. config.sessionSecret). */
  openidKey?: string;
  /**
   * The push replay window (WECHAT_MAX_CLOCK_SKEW_S): an answered push is remembered until its
   * timestamp has left the window, 2 x the window after it came, so a repeat never acts twice.
   */
  maxClockSkewS?: number;
  warn?: (line: string) => void;
  /** Information queries (shared with the query API and result pages). */
  queries?: QueryDeps;
  /** Citizens' bindings (绑定 / 解绑, queries on bound things). */
  bindings?: BindingsDeps;
  /**
   * For an account without web authorisation (a subscription account): turns an H5 link in a reply
   * into a short-lived single-use sign-in link for this citizen.
   */
  signLink?: (openid: string, url: string) => string;
}

export interface Gateway {
  handle(msg: WechatMessage): Promise<GatewayAnswer>;
  /** The console's simulator: the decision and its trace, with no side effects and no log. */
  simulate(msg: WechatMessage, build?: AccountBuild): Promise<RouteResult>;
  /** Failures since start-up, for the health page. */
  health(): GatewayHealth;
}

export function hashOpenid(openid: string, key: string): string {
  return createHmac('sha256', key).update(openid).digest('hex').slice(0, 16);
}

/** hashOpenid with a bounded memo: the same citizens write again and again, and HMAC is not free. */
function memoHashOpenid(key: string): (openid: string) => string {
  const memo = new Map<string, string>();
  return (openid) => {
    let hash = memo.get(openid);
    if (hash === undefined) {
      if (memo.size >= 50_000) memo.clear();
      memo.set(openid, (hash = hashOpenid(openid, key)));
    }
    return hash;
  };
}

export function createGateway(deps: GatewayDeps): Gateway {
  const { store, live, client } = deps;
  const budgetMs = deps.budgetMs ?? DEFAULT_BUDGET_MS;
  const now = deps.now ?? (() => new Date());
  const templates = deps.templates ?? loadReplyTemplates();
  const hashed = memoHashOpenid(deps.openidKey ?? 'onestop-message-log');
  const warn = deps.warn ?? ((line: string) => console.warn(`[onestop:wechat] ${line}`));
  const log: Log<MessageLogRecord> = store.log<MessageLogRecord>(MESSAGE_LOG);
  const dedupTtlMs = Math.max(DEDUP_TTL_MS, 2 * (deps.maxClockSkewS ?? 0) * 1000);
  const once = new OnceCache<RouteResult>(dedupTtlMs);
  // A store several processes share: retries reaching another process are deduplicated there too.
  const shared: SharedDecisionOptions | undefined = store.once && { once: store.once, ttlMs: dedupTtlMs, waitMs: Math.floor(budgetMs / 2), warn };
  const health = createGatewayHealth();
  const onFailure = (kind: 'deskTicket', err: unknown) => {
    health.record(kind, err, now());
    warn(`人工客服工单登记失败，已请市民稍后重发：${(err as Error).message}`);
  };
  const budget = new DeadlineTimer(Math.max(2, Math.min(50, Math.floor(budgetMs / 4))));
  const recentNearby = new Map<string, RecentNearby>();
  const recentLists = new Map<string, RecentList>();
  const recentQueries = new Map<string, { service: string; at: number; outcome: string }>();
  // Several processes: the follow-up state above is shared through the store as well.
  const conversations = store.once && createSharedConversations(store.once, recentLists, recentQueries, warn);

  let state: BuildIndex = indexBuild(live.current());
  live.onSwap((next) => (state = indexBuild(next)));
  const current = (): BuildIndex => {
    const build = live.current();
    if (state.build !== build) state = indexBuild(build);
    return state;
  };

  // decide() and finish() close over nothing per push: the hot path allocates as little as it can.
  function failed(msg: WechatMessage, err: unknown, at: Date): RouteResult {
    health.record('processing', err, at);
    warn(`处理消息失败（${msg.msgType}${msg.event ? `/${msg.event}` : ''}）：${(err as Error).message}`);
    return { reply: NO_REPLY, trace: { answeredBy: 'none', reason: '处理出错，已回复 success' } };
  }

  function finish(msg: WechatMessage, result: RouteResult, at: Date, started: number, accountId: string | undefined, before: ReturnType<SharedConversations['snapshot']> | undefined): RouteResult {
    const { answeredBy, department, rule, outcome, source } = result.trace;
    // The fields in a fixed order, the optional ones only when set (as the log has always read).
    const record = { at: at.toISOString(), type: msg.msgType } as MessageLogRecord;
    if (msg.event) record.event = msg.event;
    record.answeredBy = answeredBy;
    if (department) record.department = department;
    if (rule) record.rule = rule;
    if (outcome) record.outcome = outcome;
    if (source) record.source = source;
    record.latencyMs = Math.round((performance.now() - started) * 10) / 10;
    record.openid = hashed(msg.fromUser);
    if (accountId) record.account = accountId;
    log.append(record);
    if (recentNearby.size > 10_000) recentNearby.clear(); // bounded memory; losing it only risks one repeat
    if (result.reply.kind === 'text' && result.reply.numbered) {
      if (recentLists.size > 50_000) recentLists.clear(); // bounded; losing it only sends "2" to the desk
      recentLists.set(msg.fromUser, { items: result.reply.numbered, at: at.getTime() });
      recentQueries.delete(msg.fromUser);
    }
    // After a query, "3" continues that query, not an older numbered list.
    if (answeredBy === 'query') recentLists.delete(msg.fromUser);
    if (recentQueries.size > 10_000) recentQueries.clear();
    if (before) conversations?.publishIfChanged(msg.fromUser, before, at.getTime());
    return result;
  }

  function decide(msg: WechatMessage, key: string, started: number): RouteResult | Promise<RouteResult> {
    const at = now();
    const before = conversations?.snapshot(msg.fromUser);
    const index = current();
    const accountId = index.build.account.id;
    let routed: RouteResult | Promise<RouteResult>;
    try {
      routed = routeMessage(msg, { index, store, templates, now: at, key, recentNearby, recentLists, recentQueries, onFailure, queries: deps.queries, bindings: deps.bindings });
    } catch (err) {
      return finish(msg, failed(msg, err, at), at, started, accountId, before);
    }
    if (!(routed instanceof Promise)) return finish(msg, routed, at, started, accountId, before);
    return routed.then(
      (result) => finish(msg, result, at, started, accountId, before),
      (err: unknown) => finish(msg, failed(msg, err, at), at, started, accountId, before),
    );
  }

  async function sendLater(openid: string, reply: Reply) {
    if (reply.kind === 'none') return;
    if (!client) return warn('回复超时且未配置微信接口客户端，无法补发客服消息');
    try {
      if (reply.kind === 'text') await client.sendText(openid, reply.content);
      else await client.sendNews(openid, reply.articles.map((a) => ({ title: a.title, description: a.description, url: a.url, ...(a.picUrl ? { picurl: a.picUrl } : {}) })));
    } catch (err) {
      warn(`补发客服消息失败：${(err as Error).message}`);
    }
  }

  // Services another account hosts keep their plain link: their page signs in through that account.
  // Which links those are is decided once per link and build (a reply's links repeat push after push).
  const hostedByBuild = new WeakMap<AccountBuild, Map<string, boolean>>();
  const hostedElsewhere = (build: AccountBuild, url: string): boolean => {
    let hosted = hostedByBuild.get(build);
    if (hosted === undefined) hostedByBuild.set(build, (hosted = new Map()));
    let elsewhere = hosted.get(url);
    if (elsewhere === undefined) {
      elsewhere = build.homes?.[url.slice(build.publicBaseUrl.length + 3).split(/[/?#]/).slice(0, 2).join('/')] !== undefined;
      if (hosted.size < 10_000) hosted.set(url, elsewhere); // bounded: the links of one build's replies
    }
    return elsewhere;
  };
  const signed = (result: RouteResult, openid: string): RouteResult => {
    if (!deps.signLink) return result;
    const { build } = current();
    const reply = signReplyLinks(result.reply, build.publicBaseUrl, (url) => (hostedElsewhere(build, url) ? url : deps.signLink!(openid, url)));
    return reply === result.reply ? result : { reply, trace: result.trace };
  };

  // Answers written out with one fixed shape: a spread would give each push's answer a new hidden class.
  const deferred = (result: RouteResult): GatewayAnswer => ({ reply: NO_REPLY, trace: result.trace, deferred: true });
  const answered = (result: RouteResult, openid: string): GatewayAnswer => {
    const { reply, trace } = signed(result, openid);
    return { reply, trace, deferred: false };
  };

  return {
    async handle(msg) {
      const started = performance.now();
      const key = dedupKey(msg);
      const at = Date.now();
      let entry = once.peek(key, at);
      if (!entry) {
        const decision = shared ? decideOnce(shared, key, async () => (await conversations?.recall(msg), decide(msg, key, started))) : decide(msg, key, started);
        // Decided synchronously (a keyword's answer): answered at once, with no timer or race.
        if (!(decision instanceof Promise)) {
          once.rememberValue(key, at, decision);
          return answered(decision, msg.fromUser);
        }
        entry = once.remember(key, at, decision);
      }
      if (entry.late) return deferred({ reply: NO_REPLY, trace: { answeredBy: 'none', reason: '重试：答复已改为客服消息发送' } });
      if (entry.settled) return answered(entry.settled.value, msg.fromUser);
      const deadline = budget.after(Math.max(0, budgetMs - (performance.now() - started)));
      const result = await Promise.race([entry.promise, deadline.promise]);
      deadline.cancel();
      if (result && !entry.late) return answered(result, msg.fromUser);
      if (!entry.late) {
        entry.late = true;
        void entry.promise.then((r) => sendLater(msg.fromUser, signed(r, msg.fromUser).reply));
      }
      return deferred(result ?? { reply: NO_REPLY, trace: { answeredBy: 'none', reason: `超过 ${budgetMs} 毫秒未得出答复，先回复 success，稍后以客服消息发送` } });
    },
    async simulate(msg, build) {
      const index = build ? indexBuild(build) : current();
      return routeMessage(msg, { index, store, templates, now: now(), key: dedupKey(msg), dryRun: true, queries: deps.queries, bindings: deps.bindings });
    },
    health: () => health.snapshot(),
  };
}
