// 怕慢: when an issue's deadline nears with a step still open, everyone who owes that step gets a
// notice in the console (once per step, person and revision), and the audit log records it.
import { randomBytes } from 'node:crypto';
import { audit } from '../audit/index.js';
import { cityMinutes, hhmm } from '../calendar/index.js';
import type { Actor, BroadcastDeps, BroadcastIssue, BroadcastNotice } from './broadcast-types.js';
import { issuesOf, noticesOf } from './broadcast-types.js';
import { canActOn, chainProgress } from './chain.js';
import { accountOf } from './accounts.js';
import { nowOf } from './issues.js';

export const DEFAULT_REMIND_MINUTES = 120;

const cityClock = (iso: string) => hhmm(cityMinutes(new Date(iso)));

/** The people who still owe the current step of an issue (named users, previewers, or the role's users). */
export async function owingUsers(deps: BroadcastDeps, issue: BroadcastIssue): Promise<string[]> {
  const account = accountOf(deps, issue.account);
  const current = chainProgress(issue, account.config.chain).current;
  if (!current) return [];
  const named = new Set([...(current.step.users ?? []), ...(current.step.previewers ?? []).map((p) => p.user)]);
  if (current.step.role && deps.users) {
    for (const u of await deps.users()) if (canActOn(current.step, u as Actor)) named.add(u.username);
  }
  const done = new Set(current.approvals.map((a) => a.user));
  return [...named].filter((u) => !done.has(u)).sort();
}

/** Gives the reminders that are due now; returns the notices created. */
export async function remindDue(deps: BroadcastDeps): Promise<BroadcastNotice[]> {
  const now = nowOf(deps);
  const open = await issuesOf(deps.store).list((i) => i.state === 'open' && new Date(i.sendAt) > now);
  const created: BroadcastNotice[] = [];
  for (const issue of open) {
    let account;
    try {
      account = accountOf(deps, issue.account);
    } catch {
      continue; // the account no longer broadcasts
    }
    const remindAt = new Date(issue.deadlineAt).getTime() - (account.config.remindMinutes ?? DEFAULT_REMIND_MINUTES) * 60_000;
    if (now.getTime() < remindAt) continue;
    const current = chainProgress(issue, account.config.chain).current;
    if (!current) continue;
    const late = now >= new Date(issue.deadlineAt);
    const fresh: BroadcastNotice[] = [];
    for (const user of await owingUsers(deps, issue)) {
      const key = `${current.step.id}|${user}|${issue.revision}|${late ? 'late' : 'near'}`;
      if (issue.reminded.includes(key)) continue;
      fresh.push({
        id: randomBytes(12).toString('hex'), user, issue: issue.id, step: current.step.id, at: now.toISOString(),
        text: late
          ? `${issue.date} 期已过审核截止时间 ${cityClock(issue.deadlineAt)}，“${current.step.name}”还等您处理（计划 ${cityClock(issue.sendAt)} 发送）`
          : `${issue.date} 期须在 ${cityClock(issue.deadlineAt)} 前完成审核，“${current.step.name}”还等您处理（计划 ${cityClock(issue.sendAt)} 发送）`,
      });
    }
    if (!fresh.length) continue;
    for (const n of fresh) await noticesOf(deps.store).insert(n);
    const keys = fresh.map((n) => `${n.step}|${n.user}|${issue.revision}|${late ? 'late' : 'near'}`);
    await issuesOf(deps.store).update(issue.id, (c) => ({ ...c, reminded: [...c.reminded, ...keys] }));
    audit(deps.store, now, { actor: '系统', action: 'broadcast.remind', target: `群发 ${issue.id}`, detail: `${current.step.name}：提醒 ${fresh.map((n) => n.user).join('、')}` });
    created.push(...fresh);
  }
  return created;
}

export async function noticesFor(deps: BroadcastDeps, username: string): Promise<BroadcastNotice[]> {
  const all = await noticesOf(deps.store).findBy('user', username);
  return all.sort((a, b) => b.at.localeCompare(a.at)).slice(0, 20);
}

