// A department system's push (POST /api/staff/notices): checked against the department's notice
// type and WeChat's template rules, addressed only to the department's own citizens, stored in
// the outbox once per idempotency key, delivered by the worker.
import { createHash } from 'node:crypto';
import type { BuiltNoticeType } from '../builder/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { composeNotice, planForAccount } from './compose-notice.js';
import { enqueueNotice } from './outbox.js';
import { type NoticeRecord, type NoticesDeps, noticesOf, nowOf, STATE_NAMES } from './notice-types.js';
import { parseRecipient, resolveRecipients } from './resolve-recipient.js';

export interface Sender {
  department: string;
  label: string;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,128}$/;
const hash = (text: string) => createHash('sha256').update(text).digest('hex');

/** The notice type a department may use, or NotFoundError. */
export function noticeTypeOf(deps: Pick<NoticesDeps, 'live'>, department: string, id: string): BuiltNoticeType {
  const type = (deps.live.current().notices ?? []).find((n) => n.department === department && n.id === id);
  if (!type) throw new NotFoundError(`本部门没有通知类型“${id}”：请先在部门文件的 notices 中声明并发布`);
  return type;
}

/** The link a notice opens: the type's own, a path the push names, or its page under 我的消息. */
export function noticeUrl(deps: Pick<NoticesDeps, 'publicBaseUrl'>, id: string, type?: BuiltNoticeType, path?: string): string {
  if (path) return `${deps.publicBaseUrl}${path}`;
  return type?.link ?? `${deps.publicBaseUrl}/me/messages/${encodeURIComponent(id)}`;
}

export async function pushNotice(deps: NoticesDeps, sender: Sender, body: unknown): Promise<{ id: string; ids: string[]; duplicate: boolean }> {
  if (typeof body !== 'object' || body === null) throw new ValidationError('请求体须为 JSON 对象');
  const b = body as Record<string, unknown>;
  if (typeof b.idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(b.idempotencyKey)) {
    throw new ValidationError('idempotencyKey 须为 1~128 位字母、数字或 _.:-', [{ field: 'idempotencyKey', label: '幂等键', message: '缺少或格式不正确' }]);
  }
  if (typeof b.notice !== 'string') throw new ValidationError('缺少 notice（通知类型）', [{ field: 'notice', label: '通知类型', message: '缺少通知类型' }]);
  if (b.url !== undefined && (typeof b.url !== 'string' || !b.url.startsWith('/') || b.url.startsWith('//') || b.url.length > 512)) {
    throw new ValidationError('url 须为本站路径（以 / 开头）', [{ field: 'url', label: '链接', message: '须为本站路径' }]);
  }
  const to = parseRecipient(b.to);
  const type = noticeTypeOf(deps, sender.department, b.notice);
  const composed = composeNotice(type, b.data ?? {});
  const fingerprint = hash(JSON.stringify([b.to, b.notice, b.data ?? {}, b.url ?? null, ...(b.account !== undefined ? [b.account] : [])]));
  const base = `p-${hash(`${sender.department}\n${b.idempotencyKey}`).slice(0, 32)}`;

  // A repeat of a push already accepted answers the same ids without resolving anyone again.
  const first = await noticesOf(deps.store).get(`${base}-0`);
  if (first) {
    if (first.fingerprint !== fingerprint) throw new ConflictError('该幂等键已用于另一条内容不同的通知', { idempotencyKey: b.idempotencyKey });
    const ids = [first.id];
    for (let i = 1; await noticesOf(deps.store).get(`${base}-${i}`); i++) ids.push(`${base}-${i}`);
    return { id: first.id, ids, duplicate: true };
  }
  const recipients = await resolveRecipients(deps, sender.department, to, b.account);
  const now = nowOf(deps);
  const ids: string[] = [];
  for (const [i, { openid, account }] of recipients.entries()) {
    const id = `${base}-${i}`;
    const record: NoticeRecord = {
      id,
      source: 'push',
      department: sender.department,
      notice: type.ref,
      title: type.name,
      openid,
      ...(account ? { account } : {}),
      ...planForAccount(composed, type, b.data ?? {}, account && deps.accountOf ? deps.accountOf(account) : undefined),
      url: noticeUrl(deps, id, type, b.url as string | undefined),
      state: 'queued',
      attempts: 0,
      history: [{ at: now.toISOString(), state: 'queued', note: `由 ${sender.label} 推送` }],
      createdAt: now.toISOString(),
      idempotencyKey: b.idempotencyKey,
      fingerprint,
    };
    const stored = await enqueueNotice(deps.store, record, now.getTime());
    // A concurrent push with the same key won the insert: it must have asked for the same thing.
    if (!stored.created && stored.record.fingerprint !== fingerprint) throw new ConflictError('该幂等键已用于另一条内容不同的通知', { idempotencyKey: b.idempotencyKey });
    ids.push(id);
  }
  return { id: ids[0]!, ids, duplicate: false };
}

export interface NoticeStatus {
  id: string;
  notice: string;
  title: string;
  state: NoticeRecord['state'];
  stateName: string;
  channel?: NoticeRecord['channel'];
  attempts: number;
  createdAt: string;
  sentAt?: string;
  deliveredAt?: string;
  nextAttemptAt?: string;
  error?: NoticeRecord['error'];
  history: NoticeRecord['history'];
}

/** A notice's delivery state for the department that sent it (and the platform); 404 otherwise. */
export async function noticeStatus(deps: NoticesDeps, scope: { departments: string[] | 'all' }, id: string): Promise<NoticeStatus> {
  const n = await noticesOf(deps.store).get(id);
  if (!n || (scope.departments !== 'all' && !scope.departments.includes(n.department))) throw new NotFoundError(`通知不存在：${id}`);
  return statusOf(n);
}

export function statusOf(n: NoticeRecord): NoticeStatus {
  return {
    id: n.id,
    notice: n.notice,
    title: n.title,
    state: n.state,
    stateName: STATE_NAMES[n.state],
    ...(n.channel ? { channel: n.channel } : {}),
    attempts: n.attempts,
    createdAt: n.createdAt,
    ...(n.sentAt ? { sentAt: n.sentAt } : {}),
    ...(n.deliveredAt ? { deliveredAt: n.deliveredAt } : {}),
    ...(n.nextAttemptAt ? { nextAttemptAt: new Date(n.nextAttemptAt).toISOString() } : {}),
    ...(n.error ? { error: n.error } : {}),
    history: n.history,
  };
}
