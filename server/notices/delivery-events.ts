// WeChat's delivery reports: TEMPLATESENDJOBFINISH for template messages, subscribe_msg_sent_event
// for subscription notices, matched to notices by msgid (and the citizen's openid). A report that
// arrives before the worker has stored the msgid is kept and applied when it does.
import type { WechatMessage } from '../wechat/index.js';
import { eventOutcome } from './delivery-errors.js';
import { type NoticeRecord, type NoticesDeps, noticesOf, nowOf } from './notice-types.js';

interface PendingEvent {
  id: string; // msgid
  openid: string;
  status: string;
  /** Subscription reports name their template. */
  templateId?: string;
  at: string;
}

const pendingOf = (deps: Pick<NoticesDeps, 'store'>) => deps.store.collection<PendingEvent>('notice-events-pending', { indexes: ['openid'] });

/** The events this room handles; the WeChat router hands them here instead of to the gateway. */
export const DELIVERY_EVENTS: ReadonlySet<string> = new Set(['TEMPLATESENDJOBFINISH', 'subscribe_msg_sent_event']);

export function isDeliveryEvent(msg: WechatMessage): boolean {
  return msg.msgType === 'event' && msg.event !== undefined && DELIVERY_EVENTS.has(msg.event);
}

/** The (msgid, status) pairs a delivery event reports. */
export function deliveryReports(msg: WechatMessage): Array<{ msgid: string; status: string; templateId?: string }> {
  const raw = msg.raw;
  if (msg.event === 'TEMPLATESENDJOBFINISH') {
    const msgid = typeof raw.MsgID === 'string' ? raw.MsgID : undefined;
    return msgid ? [{ msgid, status: typeof raw.Status === 'string' ? raw.Status : '' }] : [];
  }
  const list = (raw.SubscribeMsgSentEvent as { List?: unknown } | undefined)?.List;
  const items = Array.isArray(list) ? list : list ? [list] : [];
  return items.flatMap((item: Record<string, unknown>) =>
    typeof item.MsgID === 'string'
      ? [{ msgid: item.MsgID, status: item.ErrorCode === '0' ? 'success' : String(item.ErrorStatus ?? item.ErrorCode ?? ''), ...(typeof item.TemplateId === 'string' ? { templateId: item.TemplateId } : {}) }]
      : [],
  );
}

/** Applies a delivery event; resolves how many notices it updated (0 while the send is not yet recorded). */
export async function recordDeliveryEvent(deps: NoticesDeps, msg: WechatMessage): Promise<number> {
  let updated = 0;
  for (const report of deliveryReports(msg)) {
    const matches = (await noticesOf(deps.store).findBy('msgid', report.msgid)).filter((n) => n.openid === msg.fromUser);
    if (!matches.length) {
      await pendingOf(deps).put({ id: report.msgid, openid: msg.fromUser, status: report.status, ...(report.templateId ? { templateId: report.templateId } : {}), at: nowOf(deps).toISOString() });
      continue;
    }
    for (const notice of matches) updated += (await applyOutcome(deps, notice.id, report.status)) ? 1 : 0;
  }
  return updated;
}

/** Called once a send stored its msgid: applies a report that came first. */
export async function applyPendingEvent(deps: NoticesDeps, notice: NoticeRecord): Promise<void> {
  if (!notice.msgid) return;
  const pending = await pendingOf(deps).get(notice.msgid);
  if (!pending || pending.openid !== notice.openid) return;
  await applyOutcome(deps, notice.id, pending.status);
  await pendingOf(deps).delete(pending.id);
}

async function applyOutcome(deps: NoticesDeps, id: string, status: string): Promise<boolean> {
  const outcome = eventOutcome(status);
  const at = nowOf(deps).toISOString();
  let changed = false;
  await noticesOf(deps.store).update(id, (n) => {
    if (n.state === 'delivered' || (n.state === 'failed' && !outcome.delivered)) return n;
    changed = true;
    return outcome.delivered
      ? { ...n, state: 'delivered', deliveredAt: at, history: [...n.history, { at, state: 'delivered' }] }
      : { ...n, state: 'failed', error: { code: 0, reason: outcome.reason! }, history: [...n.history, { at, state: 'failed', note: outcome.reason! }] };
  });
  return changed;
}

/**
 * After a crash during a subscription send (bizsend has no client_msg_id), whether WeChat reported
 * it: an unclaimed subscribe_msg_sent_event for this citizen and template since the attempt began.
 * Claims the report for the notice (msgid, outcome) and resolves true when there was one.
 */
export async function claimSubscriptionReport(deps: NoticesDeps, notice: NoticeRecord, since: number): Promise<boolean> {
  const templateId = notice.wechat.subscription?.templateId;
  const reports = (await pendingOf(deps).findBy('openid', notice.openid)).filter((e) => e.templateId === templateId && Date.parse(e.at) >= since - 5000);
  const report = reports.sort((a, b) => a.at.localeCompare(b.at))[0];
  if (!report) return false;
  const at = nowOf(deps).toISOString();
  await noticesOf(deps.store).update(notice.id, (n) => ({ ...n, state: 'sent', channel: 'subscription', msgid: report.id, sentAt: at, inFlight: undefined, history: [...n.history, { at, state: 'sent', note: '订阅通知（进程中断后按微信的送达事件确认）' }] }));
  await applyOutcome(deps, notice.id, report.status);
  await pendingOf(deps).delete(report.id);
  return true;
}
