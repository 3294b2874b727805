// WeChat's broadcast quotas, checked before an issue is scheduled so the refusal comes from us, in
// plain Chinese, and not from WeChat at send time. The account-type rules come from the capability
// matrix (broadcastQuota): subscription (订阅号) accounts broadcast once a day; service (服务号)
// accounts reach each follower at most four times a calendar month, which we count as four
// broadcasts a month (every follower may be in each). Publishing (freepublish) notifies nobody and
// uses no quota.
import { cityDate } from '../calendar/index.js';
import { broadcastQuota } from '../capabilities/index.js';
import type { BroadcastAccount, BroadcastIssue } from './broadcast-types.js';

/** States that hold or used a broadcast of the quota. */
const COUNTED = new Set(['scheduled', 'sending', 'sent']);

export interface QuotaCheck {
  ok: boolean;
  message?: string;
  /** The other issues in the same day or month that count. */
  used: BroadcastIssue[];
  limit: number;
}

export function checkQuota(account: BroadcastAccount, issue: BroadcastIssue, others: BroadcastIssue[]): QuotaCheck {
  const rule = broadcastQuota(account.type);
  if (issue.delivery.mode === 'publish') return { ok: true, used: [], limit: Infinity };
  const day = cityDate(new Date(issue.sendAt));
  const period = rule.per === 'day' ? day : day.slice(0, 7);
  const used = others.filter(
    (o) => o.id !== issue.id && o.account === issue.account && o.delivery.mode !== 'publish' && COUNTED.has(o.state) && cityDate(new Date(o.sendAt)).slice(0, period.length) === period,
  );
  if (used.length < rule.limit) return { ok: true, used, limit: rule.limit };
  const names = used.map((o) => `${o.date} 期`).join('、');
  const message =
    rule.per === 'day'
      ? `“${account.name}”是订阅号，每天只能群发 1 次：${day} 已安排或已发出 ${names}。请把本期改到其他日期，或在账号配置中改为“发布”（不通知关注者、不占群发次数）。`
      : `“${account.name}”是服务号，每位关注者每月最多收到 4 次群发：${Number(period.slice(0, 4))}年${Number(period.slice(5, 7))}月已安排或已发出 4 次（${names}）。请改到下个月，或改为“发布”（不通知关注者）。`;
  return { ok: false, message, used, limit: rule.limit };
}
