// What a failed send means for the notice: retry later (WeChat busy, rate or quota limits, a
// network failure, a token problem the client could not fix) or give up (the citizen unfollowed,
// refused or has no subscription left, a template WeChat does not know). Reasons are Chinese,
// for the delivery logs staff and the platform read.
import { WechatApiError } from '../errors.js';

export interface FailureClass {
  retry: boolean;
  code: number;
  reason: string;
  /** Wait at least until then (the daily quota is back tomorrow). */
  notBefore?: 'tomorrow';
}

const RETRYABLE: ReadonlySet<number> = new Set([-1, 40001, 40014, 42001, 45009, 45011, 45047, 45033]);

const REASONS: Readonly<Record<number, string>> = {
  [-1]: '微信系统繁忙或网络故障，稍后自动重试',
  40001: '微信接口凭证（access_token）无效，稍后自动重试',
  40003: '市民的 OpenID 不属于本公众号',
  40037: '模板 ID 无效：请平台团队核对 account.json 中登记的模板',
  43004: '市民未关注或已取消关注公众号，无法接收',
  43101: '市民未订阅或已用完订阅次数',
  45009: '今日模板消息额度已用完，明天自动重试',
  45011: '调用太频繁，稍后自动重试',
  47003: '模板参数不合法（字段过长、含换行或与模板不符）',
};

export function classifyFailure(err: unknown): FailureClass {
  if (!(err instanceof WechatApiError)) return { retry: true, code: -1, reason: `发送时出错，稍后自动重试（${(err as Error).message}）` };
  const code = err.errcode;
  const reason = REASONS[code] ?? err.message;
  return { retry: RETRYABLE.has(code), code, reason, ...(code === 45009 ? { notBefore: 'tomorrow' as const } : {}) };
}

/** Exponential backoff with jitter: 30 s, 1 min, 2 min… at most 1 h. */
export function backoffMs(attempt: number, random = Math.random): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** A delivery event's outcome (TEMPLATESENDJOBFINISH Status, subscribe_msg_sent_event ErrorStatus). */
export function eventOutcome(status: string): { delivered: boolean; reason?: string } {
  if (status === 'success') return { delivered: true };
  if (/user block/i.test(status)) return { delivered: false, reason: '市民已拒收本公众号的消息' };
  if (/system/i.test(status)) return { delivered: false, reason: '微信系统原因未能送达' };
  return { delivered: false, reason: `微信未能送达（${status}）` };
}
