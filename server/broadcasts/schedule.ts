// Scheduling: once every step of the chain is done and nothing is missing, an editor schedules the
// issue for its send time; the quota is checked first. Unscheduling returns it to review.
import { ConflictError, ForbiddenError, ValidationError } from '../errors.js';
import { audit } from '../audit/index.js';
import { cityDate, cityMinutes, hhmm } from '../calendar/index.js';
import type { Actor, BroadcastDeps, BroadcastIssue } from './broadcast-types.js';
import { issuesOf } from './broadcast-types.js';
import { chainProgress, isEditor } from './chain.js';
import { issueGaps, loadIssue, nowOf } from './issues.js';
import { checkQuota } from './quotas.js';
import { requireDelivery } from './accounts.js';

/** HTTP 409 with the quota sentence: the issue cannot be scheduled in that day or month. */
export class BroadcastQuotaError extends ConflictError {}

export async function scheduleIssue(deps: BroadcastDeps, actor: Actor, id: string): Promise<BroadcastIssue> {
  const { issue, account } = await loadIssue(deps, id);
  if (!isEditor(account, actor)) throw new ForbiddenError('只有审核链上的人员和平台管理员可以安排发送');
  requireDelivery(account, issue.delivery.mode);
  // One lock per account: two issues cannot both take the last broadcast of a day.
  const updated = await deps.store.withLock(`broadcast-quota:${account.id}`, async () => {
    const others = await issuesOf(deps.store).findBy('account', account.id);
    return issuesOf(deps.store).update(id, (current) => {
      if (current.state !== 'open' && current.state !== 'failed') throw new ConflictError('这一期不在可安排发送的状态');
      const progress = chainProgress(current, account.config.chain);
      if (!progress.complete) throw new ConflictError(`审核链尚未走完：当前在“${progress.current!.step.name}”`);
      const gaps = issueGaps(current, account);
      if (gaps.length) throw new ValidationError(`还不能发送：${gaps.join('；')}`, gaps);
      if (current.state === 'open' && new Date(current.sendAt) <= nowOf(deps)) {
        throw new ConflictError('发送时间已过，请先修改发送时间（或安排后选择“立即发送”）');
      }
      const quota = checkQuota(account, current, others);
      if (!quota.ok) throw new BroadcastQuotaError(quota.message!);
      return { ...current, state: 'scheduled' };
    });
  });
  audit(deps.store, nowOf(deps), { actor: actor.username, action: 'broadcast.schedule', target: `群发 ${id}`, detail: `定时 ${cityDate(new Date(updated.sendAt))} ${hhmm(cityMinutes(new Date(updated.sendAt)))} 发送` });
  return updated;
}

export async function unscheduleIssue(deps: BroadcastDeps, actor: Actor, id: string): Promise<BroadcastIssue> {
  const { account } = await loadIssue(deps, id);
  if (!isEditor(account, actor)) throw new ForbiddenError('只有审核链上的人员和平台管理员可以取消发送');
  const updated = await issuesOf(deps.store).update(id, (current) => {
    if (current.state !== 'scheduled') throw new ConflictError('这一期没有在等待定时发送');
    return { ...current, state: 'open' };
  });
  audit(deps.store, nowOf(deps), { actor: actor.username, action: 'broadcast.unschedule', target: `群发 ${id}` });
  return updated;
}

