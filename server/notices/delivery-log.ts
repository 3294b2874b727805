// The delivery log: staff see their departments' notices, the platform team every department's,
// each with its state and, for failures, the reason in Chinese. Citizens appear masked.
import { refreshFailureNote } from './refresh-due.js';
import { type NoticeRecord, type NoticesDeps, type NoticeState, noticesOf, STATE_NAMES } from './notice-types.js';

export interface DeliveryRow {
  id: string;
  department: string;
  title: string;
  source: NoticeRecord['source'];
  citizen: string;
  state: NoticeState;
  stateName: string;
  failed: boolean;
  reason?: string;
  /** Not a failure of the send: a reminder whose date could not be refreshed and went out on the stored date. */
  warning?: string;
  attempts: number;
  channel?: string;
  createdAt: string;
  sentAt?: string;
}

/** "oAb3…9xZ": enough for staff to tell citizens apart on a page, not to address one. */
export const maskOpenid = (openid: string) => (openid.length <= 6 ? '***' : `${openid.slice(0, 4)}…${openid.slice(-3)}`);

export interface DeliveryQuery {
  departments: string[] | 'all';
  state?: NoticeState;
  limit?: number;
}

export async function listDeliveries(deps: NoticesDeps, query: DeliveryQuery): Promise<DeliveryRow[]> {
  const notices = noticesOf(deps.store);
  const all =
    query.departments === 'all'
      ? query.state
        ? await notices.findBy('state', query.state)
        : await notices.list()
      : (await Promise.all(query.departments.map((d) => notices.findBy('department', d)))).flat().filter((n) => !query.state || n.state === query.state);
  return all
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
    .slice(0, query.limit ?? 200)
    .map((n) => ({
      id: n.id,
      department: n.department,
      title: n.title,
      source: n.source,
      citizen: maskOpenid(n.openid),
      state: n.state,
      stateName: STATE_NAMES[n.state],
      failed: n.state === 'failed',
      ...(n.error && (n.state === 'failed' || n.state === 'retrying') ? { reason: n.error.reason } : {}),
      ...(n.refreshFailure ? { warning: refreshFailureNote(n.refreshFailure) } : {}),
      attempts: n.attempts,
      ...(n.channel ? { channel: n.channel === 'subscription' ? '订阅通知' : '模板消息' } : {}),
      createdAt: n.createdAt,
      ...(n.sentAt ? { sentAt: n.sentAt } : {}),
    }));
}

/** Counts by state, for the log's header. */
export async function deliveryCounts(deps: NoticesDeps, departments: string[] | 'all'): Promise<Record<NoticeState, number>> {
  const out = Object.fromEntries(Object.keys(STATE_NAMES).map((s) => [s, 0])) as Record<NoticeState, number>;
  const notices = noticesOf(deps.store);
  const all = departments === 'all' ? await notices.list() : (await Promise.all(departments.map((d) => notices.findBy('department', d)))).flat();
  for (const n of all) out[n.state]++;
  return out;
}
