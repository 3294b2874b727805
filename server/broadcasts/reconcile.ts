// An issue left in `sending` by a crash (the process stopped between "sending" and WeChat's answer
// being stored). At start-up, or when staff ask (核对发送结果), each such issue is settled under the
// same lock a send holds, so an issue another live process is still sending is never touched:
// - WeChat's id on record: ask WeChat (mass/get for a broadcast, freepublish/get for a publish);
// - no id: the issue goes to `failed`, marked as of unknown outcome, for staff to retry. The retry
//   carries the same clientmsgid, so within WeChat's 24-hour window it cannot broadcast twice
//   (45065 = it had gone out); past that window the retry asks staff to confirm it did not go out.
//   A publish retry submits the same draft, which WeChat deletes once it is published.
import { audit } from '../audit/index.js';
import { ConflictError, ForbiddenError, WechatApiError } from '../errors.js';
import type { Actor, BroadcastDeps, BroadcastIssue, Delivery, IssueState } from './broadcast-types.js';
import { issuesOf } from './broadcast-types.js';
import { isEditor } from './chain.js';
import { loadIssue, nowOf } from './issues.js';

const MASS_STATES: Record<string, { state: IssueState; text: string }> = {
  SEND_SUCCESS: { state: 'sent', text: '微信确认已群发（SEND_SUCCESS）' },
  SENDING: { state: 'sent', text: '微信确认正在群发（SENDING）' },
  SEND_FAIL: { state: 'failed', text: '微信报告群发失败（SEND_FAIL）' },
  DELETE: { state: 'sent', text: '微信报告已群发、随后被删除（DELETE）' },
};
const PUBLISH_FAILED: Record<number, string> = { 2: '原创失败', 3: '常规失败', 4: '平台审核不通过', 5: '成功后用户删除所有文章', 6: '成功后系统封禁所有文章' };

interface Settled {
  state: IssueState;
  text: string;
  ok: boolean;
  delivery?: Partial<Delivery>;
}

/** What WeChat says about a send whose id we hold; undefined when we hold none. */
async function askWechat(deps: BroadcastDeps, issue: BroadcastIssue): Promise<Settled | undefined> {
  const { msgId, publishId, mode } = issue.delivery;
  const wechat = deps.wechat(issue.account);
  if (!wechat || (!msgId && !publishId)) return undefined;
  try {
    if (mode === 'publish' && publishId) {
      const r = await wechat.publishStatus(publishId);
      if (r.status === 0 || r.status === 1) return { state: 'published', ok: true, text: r.status === 0 ? '微信确认已发布' : '微信确认正在发布' };
      return { state: 'failed', ok: false, text: `微信报告发布失败：${PUBLISH_FAILED[r.status] ?? `状态 ${r.status}`}` };
    }
    const r = await wechat.massStatus(msgId!);
    const known = MASS_STATES[r.status];
    return known ? { ...known, ok: known.state === 'sent' } : { state: 'failed', ok: false, text: `微信返回未知的群发状态“${r.status}”` };
  } catch (err) {
    // Not settled by WeChat: a retry is safe (the same clientmsgid names the send we hold).
    return { state: 'failed', ok: false, text: `无法向微信核对（${err instanceof WechatApiError ? err.message : (err as Error).message}），请稍后重试发送` };
  }
}

async function settle(deps: BroadcastDeps, by: string, id: string): Promise<BroadcastIssue> {
  return deps.store.withLock(`broadcast-send:${id}`, async () => {
    const issue = await issuesOf(deps.store).get(id);
    if (!issue || issue.state !== 'sending') return issue!;
    const at = nowOf(deps).toISOString();
    const settled: Settled = (await askWechat(deps, issue)) ?? {
      state: 'failed',
      ok: false,
      text:
        issue.delivery.mode === 'publish'
          ? '发送在途中中断（服务停止），结果未知：请在公众平台“发表记录”中查看；重试会再次提交同一草稿，已发布的草稿微信会拒绝，不会重复发布'
          : '发送在途中中断（服务停止），结果未知：可以重试，同一 clientmsgid 在 24 小时内不会重复群发（已发出时微信返回 45065，记为已群发）',
      delivery: { unknownOutcome: issue.delivery.unknownOutcome ?? { since: issue.delivery.sendingSince ?? issue.sendAt, why: 'interrupted', revision: issue.revision } },
    };
    const updated = await issuesOf(deps.store).update(id, (c) => ({
      ...c,
      state: settled.state,
      delivery: { ...c.delivery, ...settled.delivery, attempts: [...c.delivery.attempts, { at, by, ok: settled.ok, ...(settled.ok ? {} : { error: settled.text }) }] },
    }));
    audit(deps.store, nowOf(deps), { actor: by, action: 'broadcast.reconcile', target: `群发 ${id}`, detail: settled.text });
    return updated;
  });
}

/** At start-up: every issue still in `sending`; returns them as settled. */
export async function reconcileSendingIssues(deps: BroadcastDeps): Promise<BroadcastIssue[]> {
  const stuck = await issuesOf(deps.store).list((i) => i.state === 'sending');
  const out: BroadcastIssue[] = [];
  for (const issue of stuck) out.push(await settle(deps, '启动核对', issue.id));
  return out;
}

/** Staff's 核对发送结果 on an issue shown as 正在发送 (a crash in another process, say). */
export async function reconcileIssue(deps: BroadcastDeps, actor: Actor, id: string): Promise<BroadcastIssue> {
  const { issue, account } = await loadIssue(deps, id);
  if (!isEditor(account, actor)) throw new ForbiddenError('只有审核链上的人员和平台管理员可以核对发送结果');
  if (issue.state !== 'sending') throw new ConflictError('这一期不在“正在发送”状态');
  return settle(deps, actor.username, id);
}
