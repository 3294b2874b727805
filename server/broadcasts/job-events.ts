// WeChat's completion events on the account's callback: MASSSENDJOBFINISH after a mass send and
// PUBLISHJOBFINISH after a publish. Each records the outcome on its issue (counts, status, article
// URLs); a retried push records the same outcome again, so retries are harmless.
import { audit } from '../audit/index.js';
import type { BroadcastDeps, BroadcastIssue, Outcome } from './broadcast-types.js';
import { issuesOf } from './broadcast-types.js';
import { nowOf } from './issues.js';

export const JOB_EVENTS = new Set(['MASSSENDJOBFINISH', 'PUBLISHJOBFINISH']);

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v]);
const num = (v: unknown) => (v === undefined || v === '' ? undefined : Number(v));

/** Where each published article lives, from either event's article list. */
function urls(items: unknown[], field: string): string[] {
  return items.map((i) => String(obj(i)[field] ?? '')).filter(Boolean);
}

const STATUS_NAMES: Record<string, string> = {
  'send success': '发送成功',
  'send fail': '发送失败',
  'err(10001)': '涉嫌广告',
  'err(20001)': '涉嫌政治',
  'err(20004)': '涉嫌社会',
  'err(20002)': '涉嫌色情',
  'err(20006)': '涉嫌违法犯罪',
  'err(20008)': '涉嫌欺诈',
  'err(20013)': '涉嫌版权',
  'err(22000)': '涉嫌互推（互相宣传）',
  'err(21000)': '涉嫌其他',
  'err(30001)': '原创校验出现系统错误且用户选择了被判为转载就不群发',
  'err(30002)': '原创校验被判定为不能群发',
  'err(30003)': '原创校验被判定为转载文且用户选择了被判为转载就不群发',
  'err(40001)': '管理员拒绝',
  'err(40002)': '管理员 30 分钟内未确认',
};
const PUBLISH_STATUS: Record<string, string> = { '0': '发布成功', '1': '发布中', '2': '原创失败', '3': '常规失败', '4': '平台审核不通过', '5': '成功后用户删除所有文章', '6': '成功后系统封禁所有文章' };

export function outcomeStatusName(outcome: Outcome | undefined, mode: string): string {
  if (!outcome) return '';
  return (mode === 'publish' ? PUBLISH_STATUS[outcome.status] : STATUS_NAMES[outcome.status]) ?? outcome.status;
}

/**
 * Records a completion event that arrived on `account`'s callback (/wechat/<id>); returns the issue
 * it belonged to, or undefined for none of that account's. WeChat's ids are per account, so an
 * event on one account's callback never touches another account's issue.
 */
export async function recordJobEvent(deps: BroadcastDeps, raw: Raw, account: string): Promise<BroadcastIssue | undefined> {
  const event = String(raw.Event ?? '');
  const at = nowOf(deps).toISOString();
  let match: (i: BroadcastIssue) => boolean;
  let outcome: Outcome;
  if (event === 'MASSSENDJOBFINISH') {
    const msgId = String(raw.MsgID ?? raw.MsgId ?? '');
    if (!msgId) return undefined;
    const status = String(raw.Status ?? '');
    const result = obj(obj(raw.ArticleUrlResult).ResultList);
    outcome = {
      at, status, ok: status === 'send success',
      totalCount: num(raw.TotalCount), filterCount: num(raw.FilterCount), sentCount: num(raw.SentCount), errorCount: num(raw.ErrorCount),
      articleUrls: urls(list(result.item), 'ArticleUrl'),
    };
    match = (i) => i.delivery.msgId === msgId;
  } else if (event === 'PUBLISHJOBFINISH') {
    const info = obj(raw.PublishEventInfo);
    const publishId = String(info.publish_id ?? '');
    if (!publishId) return undefined;
    const status = String(info.publish_status ?? '');
    outcome = { at, status, ok: status === '0', articleUrls: urls(list(obj(info.article_detail).item), 'article_url') };
    match = (i) => i.delivery.publishId === publishId;
  } else return undefined;
  const [issue] = (await issuesOf(deps.store).findBy('account', account)).filter(match);
  if (!issue) return undefined;
  const updated = await issuesOf(deps.store).update(issue.id, (c) => ({ ...c, delivery: { ...c.delivery, outcome } }));
  const counts = outcome.sentCount === undefined ? '' : `；关注者 ${outcome.totalCount}，过滤后 ${outcome.filterCount}，成功 ${outcome.sentCount}，失败 ${outcome.errorCount}`;
  audit(deps.store, nowOf(deps), { actor: '微信', action: 'broadcast.outcome', target: `群发 ${issue.id}`, detail: `${outcomeStatusName(outcome, updated.delivery.mode)}${counts}` });
  return updated;
}
