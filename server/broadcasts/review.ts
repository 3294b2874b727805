// Acting on the review chain: approve the current step, reject it back to the first step with a
// comment, and on a preview step confirm what WeChat showed on one's own phone.
import { ConflictError, ForbiddenError, ValidationError } from '../errors.js';
import { audit } from '../audit/index.js';
import type { Actor, BroadcastDeps, BroadcastIssue } from './broadcast-types.js';
import { issuesOf } from './broadcast-types.js';
import { canActOn, chainProgress } from './chain.js';
import { issueGaps, loadIssue, nowOf } from './issues.js';

export async function approveStep(deps: BroadcastDeps, actor: Actor, input: { issue: string; step: unknown; revision?: unknown }): Promise<BroadcastIssue> {
  const { issue, account } = await loadIssue(deps, input.issue);
  const chain = account.config.chain;
  const at = nowOf(deps).toISOString();
  let stepName = '';
  const updated = await issuesOf(deps.store).update(issue.id, (current) => {
    if (current.state !== 'open') throw new ConflictError('这一期已安排发送或已发出，不在审核中');
    // The page the person approved from must show the revision they approve.
    if (input.revision !== undefined && input.revision !== '' && Number(input.revision) !== current.revision) {
      throw new ConflictError('稿件在您打开页面后又被修改过，请刷新页面，看过最新内容后再审核');
    }
    const progress = chainProgress(current, chain);
    const target = progress.current;
    if (!target || target.step.id !== input.step) throw new ConflictError('该步骤不是当前待审核的步骤，请刷新页面');
    stepName = target.step.name;
    if (!canActOn(target.step, actor)) throw new ForbiddenError(`您不在“${target.step.name}”这一步的审核人员中`);
    if (target.approvals.some((a) => a.user === actor.username)) throw new ConflictError('您已经审核通过了这一步');
    if (target.preview) {
      const seen = current.previews.some((p) => p.user === actor.username && p.revision === current.revision && p.ok);
      if (!seen) throw new ConflictError('请先把当前版本的预览发到您的微信，在手机上看过后再确认');
    }
    if (target.index === 0 || target.preview) {
      const gaps = issueGaps(current, account);
      if (gaps.length) throw new ValidationError(`还不能通过：${gaps.join('；')}`, gaps);
    }
    return { ...current, approvals: [...current.approvals, { step: target.step.id, user: actor.username, at, revision: current.revision }] };
  });
  const progress = chainProgress(updated, chain);
  audit(deps.store, nowOf(deps), {
    actor: actor.username, action: 'broadcast.approve', target: `群发 ${issue.id}`,
    detail: `${stepName}（第 ${updated.revision} 版）${progress.complete ? '；审核链已全部通过' : `；下一步：${progress.current!.step.name}`}`,
  });
  return updated;
}

/** Sends the issue back: every approval is voided and the chain starts again from its first step. */
export async function rejectStep(deps: BroadcastDeps, actor: Actor, input: { issue: string; step: unknown; comment: unknown }): Promise<BroadcastIssue> {
  const { issue, account } = await loadIssue(deps, input.issue);
  const comment = typeof input.comment === 'string' ? input.comment.trim() : '';
  if (!comment) throw new ValidationError('退回时请写明原因，稿件作者会看到');
  if ([...comment].length > 500) throw new ValidationError('退回意见最多 500 个字');
  const at = nowOf(deps).toISOString();
  let stepName = '';
  const updated = await issuesOf(deps.store).update(issue.id, (current) => {
    if (current.state !== 'open') throw new ConflictError('这一期已安排发送或已发出，不在审核中');
    const target = chainProgress(current, account.config.chain).current;
    if (!target || target.step.id !== input.step) throw new ConflictError('该步骤不是当前待审核的步骤，请刷新页面');
    if (!canActOn(target.step, actor)) throw new ForbiddenError(`您不在“${target.step.name}”这一步的审核人员中`);
    stepName = target.step.name;
    return {
      ...current,
      approvals: current.approvals.map((a) => (a.invalidatedAt ? a : { ...a, invalidatedAt: at, invalidatedBy: actor.username })),
      rejection: { step: target.step.id, user: actor.username, at, comment, revision: current.revision },
    };
  });
  audit(deps.store, nowOf(deps), { actor: actor.username, action: 'broadcast.reject', target: `群发 ${issue.id}`, detail: `${stepName} 退回：${comment}` });
  return updated;
}
