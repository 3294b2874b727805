// The outbox worker: claims due notice jobs, keeps quiet hours, sends through WeChat at the
// configured rate, and records every outcome on the notice. A crash after WeChat accepted a
// template message but before the notice said so re-sends it with the same client_msg_id, which
// WeChat delivers once.
import { addDays, cityDate, cityInstant, DEFAULT_QUIET_HOURS, quietUntil, type QuietHours } from '../calendar/index.js';
import type { Job } from '../store/index.js';
import { backoffMs, classifyFailure } from './delivery-errors.js';
import { noticeQueueOf, type NoticeJob } from './outbox.js';
import { configOf, FINAL_STATES, type NoticeRecord, type NoticesDeps, type NoticeState, noticesOf, nowOf } from './notice-types.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';
import { applyPendingEvent, claimSubscriptionReport } from './delivery-events.js';

/** How long after an interrupted subscription send we wait for WeChat's report before sending again. */
export const SUBSCRIPTION_REPORT_GRACE_MS = 120_000;

export const quietHoursOf = (deps: Pick<NoticesDeps, 'live'>): QuietHours => deps.live.current().account.notifications?.quietHours ?? DEFAULT_QUIET_HOURS;

const entry = (at: Date, state: NoticeState, note?: string) => ({ at: at.toISOString(), state, ...(note ? { note } : {}) });

export interface DeliveryRun {
  claimed: number;
  sent: number;
  deferred: number;
  failed: number;
}

/** One pass: claims up to `limit` due jobs and handles each; resolves what happened. */
export async function deliverDueNotices(deps: NoticesDeps, limiter: RateLimiter, limit?: number): Promise<DeliveryRun> {
  const config = configOf(deps);
  const queue = noticeQueueOf(deps.store);
  const now = nowOf(deps);
  const jobs = await queue.claim({ now: now.getTime(), limit: limit ?? Math.max(1, Math.ceil(config.ratePerSecond * 2)), leaseMs: config.leaseMs });
  const run: DeliveryRun = { claimed: jobs.length, sent: 0, deferred: 0, failed: 0 };
  // A few sends in flight at once, paced by the limiter: each send's store writes then share the
  // store's commits (group commit) instead of waiting for the disk one message at a time.
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      run[await deliverOne(deps, limiter, job)]++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, jobs.length) }, lane));
  return run;
}

/** Sends in flight per process. */
const SEND_CONCURRENCY = 8;

async function deliverOne(deps: NoticesDeps, limiter: RateLimiter, job: Job<NoticeJob>): Promise<'sent' | 'deferred' | 'failed'> {
  const queue = noticeQueueOf(deps.store);
  const notices = noticesOf(deps.store);
  const notice = await notices.get(job.id);
  const at = nowOf(deps);
  if (!notice) {
    await queue.finish(job, 'failed', at.getTime(), '通知记录不存在');
    return 'failed';
  }
  if (FINAL_STATES.has(notice.state)) {
    await queue.finish(job, 'done', at.getTime());
    return 'sent';
  }
  const quietEnd = quietUntil(at, quietHoursOf(deps));
  if (quietEnd) {
    await notices.update(notice.id, (n) => ({ ...n, nextAttemptAt: quietEnd.getTime() }));
    await queue.release(job, quietEnd.getTime(), { countAttempt: false });
    return 'deferred';
  }
  const plan = notice.wechat;
  const client = clientOf(deps, notice);
  if (!client || (!plan.template && !plan.subscription)) {
    const why = notice.account && deps.accountOf ? `公众号“${notice.account}”不能发送该通知（未登记模板，或订阅号不能发模板消息）` : '未接入微信或未登记模板';
    await notices.update(notice.id, (n) => ({ ...n, state: 'recorded', history: [...n.history, entry(at, 'recorded', `${why}：仅在“我的消息”中显示`)] }));
    await queue.finish(job, 'done', at.getTime());
    return 'sent';
  }
  // A subscription send interrupted by a crash: bizsend has no client_msg_id, so WeChat's own report
  // decides. Reported → sent; not yet → wait a little; never → send again as a template message,
  // which client_msg_id keeps from arriving twice however often we crash from here on.
  let templateOnly = false;
  if (notice.state === 'sending' && notice.inFlight?.channel === 'subscription') {
    if (await claimSubscriptionReport(deps, notice, notice.inFlight.at)) {
      await queue.finish(job, 'done', at.getTime());
      return 'sent';
    }
    const waitUntil = notice.inFlight.at + SUBSCRIPTION_REPORT_GRACE_MS;
    if (at.getTime() < waitUntil) {
      await queue.release(job, waitUntil, { countAttempt: false });
      return 'deferred';
    }
    templateOnly = !!plan.template;
  }
  await limiter.take();
  const sending = nowOf(deps);
  const planned = plan.subscription && client.sendSubscriptionMessage && !templateOnly ? 'subscription' : 'template';
  await notices.update(notice.id, (n) => ({ ...n, state: 'sending', attempts: n.attempts + 1, inFlight: { channel: planned, at: sending.getTime() }, history: [...n.history, entry(sending, 'sending')] }));
  try {
    const { channel, msgid } = await send(deps, notice, templateOnly);
    const done = nowOf(deps);
    const sent = await notices.update(notice.id, (n) => ({
      ...n,
      state: n.state === 'delivered' ? n.state : 'sent',
      channel,
      ...(msgid ? { msgid } : {}),
      sentAt: done.toISOString(),
      error: undefined,
      inFlight: undefined,
      nextAttemptAt: undefined,
      history: [...n.history, entry(done, 'sent', channel === 'subscription' ? '订阅通知' : '模板消息')],
    }));
    if (msgid) await applyPendingEvent(deps, sent);
    await queue.finish(job, 'done', done.getTime());
    return 'sent';
  } catch (err) {
    const failure = classifyFailure(err);
    const done = nowOf(deps);
    const attempts = notice.attempts + 1;
    if (failure.retry && attempts < configOf(deps).maxAttempts) {
      const next = failure.notBefore === 'tomorrow' ? cityInstant(addDays(cityDate(done), 1), quietHoursOf(deps).end).getTime() : done.getTime() + backoffMs(attempts);
      await notices.update(notice.id, (n) => ({ ...n, state: 'retrying', inFlight: undefined, error: { code: failure.code, reason: failure.reason }, nextAttemptAt: next, history: [...n.history, entry(done, 'retrying', failure.reason)] }));
      await queue.release(job, next, { error: failure.reason });
      return 'deferred';
    }
    await notices.update(notice.id, (n) => ({ ...n, state: 'failed', inFlight: undefined, error: { code: failure.code, reason: failure.reason }, nextAttemptAt: undefined, history: [...n.history, entry(done, 'failed', failure.reason)] }));
    await queue.finish(job, 'failed', done.getTime(), failure.reason);
    return 'failed';
  }
}

/** Subscription notice first when planned; 43101 (no subscription) falls back to the template message. */
/** The client of the account the citizen's openid belongs to (another account's, or the primary's); undefined when that account is gone. */
function clientOf(deps: NoticesDeps, notice: Pick<NoticeRecord, 'account'>) {
  if (!notice.account || !deps.accountOf) return deps.wechat;
  try {
    return deps.accountOf(notice.account).client;
  } catch {
    return undefined;
  }
}

async function send(deps: NoticesDeps, notice: NoticeRecord, templateOnly: boolean): Promise<{ channel: 'template' | 'subscription'; msgid?: string }> {
  const client = clientOf(deps, notice)!;
  const { subscription, template } = notice.wechat;
  if (subscription && client.sendSubscriptionMessage && !templateOnly) {
    try {
      const r = await client.sendSubscriptionMessage({ touser: notice.openid, templateId: subscription.templateId, page: notice.url, data: subscription.data });
      return { channel: 'subscription', ...(r.msgid ? { msgid: r.msgid } : {}) };
    } catch (err) {
      if (!template || classifyFailure(err).code !== 43101) throw err;
    }
  }
  if (!template) throw new Error('没有可用的模板');
  if (client.sendTemplateMessage) {
    const r = await client.sendTemplateMessage({ touser: notice.openid, templateId: template.templateId, url: notice.url, clientMsgId: notice.id, data: template.data });
    return { channel: 'template', ...(r.msgid ? { msgid: r.msgid } : {}) };
  }
  await client.sendTemplate(notice.openid, template.templateId, notice.url, template.data);
  return { channel: 'template' };
}

export interface NoticeWorker {
  stop(): Promise<void>;
  /** Runs passes until nothing is due (tests, benches). */
  drain(): Promise<DeliveryRun>;
}

/** Delivers in the background: passes back to back while jobs are due, then every pollMs. */
export function startNoticeWorker(deps: NoticesDeps): NoticeWorker {
  const config = configOf(deps);
  const limiter = createRateLimiter(config.ratePerSecond);
  const warn = deps.warn ?? ((line: string) => console.warn(line));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = deliverDueNotices(deps, limiter)
      .then((run) => (run.claimed > 0 ? 0 : config.pollMs))
      .catch((e: Error) => (warn(`[onestop:notices] 发送通知时出错：${e.message}`), config.pollMs))
      .then((wait) => {
        if (!stopped) (timer = setTimeout(tick, wait)).unref();
      });
  };
  timer = setTimeout(tick, 0);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    async drain() {
      const total: DeliveryRun = { claimed: 0, sent: 0, deferred: 0, failed: 0 };
      for (;;) {
        const run = await deliverDueNotices(deps, limiter);
        for (const k of Object.keys(total) as (keyof DeliveryRun)[]) total[k] += run[k];
        if (run.claimed === 0) return total;
      }
    },
  };
}
