// A group that stops on refusal (一件事 with onRefusal: stop): once one part is refused (不予受理,
// 不予许可), every other part still open is closed as 终止办理 (terminated), so no department works
// on, charges for or finishes a part of a matter that can no longer succeed. A terminated part
// asks nothing more of anyone: no staff move leaves it, any fee not paid yet is no longer asked
// for, and a fee already paid becomes the department's refund task (payment.refund).
//
// Each part is closed in its own serialised update, so a staff move racing the closure either
// lands before it (and is closed over) or finds the part terminated and is refused. Idempotent:
// parts already final are left alone, so running it again (the matters room does, when it finds
// a stopped matter with parts still open after a crash in between) changes nothing more.
import { cityDate } from '../../calendar/index.js';
import { applicationsOf } from '../applications/application-access.js';
import { FINAL_STAGES, REFUSED_STAGES, STAGE_LABELS, type Application, type TimelineEntry } from '../applications/application-types.js';
import { departmentName } from '../catalog.js';
import { clockOf, type LoopDeps } from '../deps.js';
import { logRefundDue } from '../payment/record-refund.js';
import { advanceClock } from './clock.js';

/** What terminated parts record as their reason: which part of the matter was refused (not why: that is its department's business with the citizen). */
export function terminationReason(refused: Application, refusedDepartmentName: string): string {
  return `${refused.group?.name ?? '一件事'}已终止：${refusedDepartmentName}的“${refused.serviceName}”${STAGE_LABELS[refused.stage]}，本件不再办理`;
}

/** The part closed, as its store update applies it. Pure. */
export function terminatePart(app: Application, reason: string, now: Date, calendar: Parameters<typeof advanceClock>[3]): Application {
  if (FINAL_STAGES.includes(app.stage)) return app;
  const at = now.toISOString();
  const entry: TimelineEntry = { at, from: app.stage, to: 'terminated', actor: { kind: 'system', name: '一件事终止' }, note: reason };
  const p = app.payment;
  const refund = p.state === 'paid' && p.amountFen ? { state: 'due' as const, amountFen: p.amountFen, dueAt: at } : undefined;
  return {
    ...app,
    stage: 'terminated',
    payment: refund ? { ...p, refund } : p,
    clock: advanceClock(app.clock, 'terminated', cityDate(now), calendar),
    updatedAt: at,
    timeline: [...app.timeline, entry],
  };
}

/**
 * Closes the other open parts of `refused`'s group, when that group stops on refusal and `refused`
 * is refused; returns the parts it closed. Parts are found by the citizen's openid (indexed), as
 * every part of a group is the same citizen's.
 */
export async function closeStoppedGroup(deps: LoopDeps, refused: Application): Promise<Application[]> {
  const group = refused.group;
  if (!group?.stopOnRefusal || !REFUSED_STAGES.includes(refused.stage)) return [];
  const applications = applicationsOf(deps.store);
  const open = (await applications.findBy('openid', refused.openid)).filter((a) => a.group?.id === group.id && a.no !== refused.no && !FINAL_STAGES.includes(a.stage));
  const build = deps.live.current();
  const reason = terminationReason(refused, departmentName(build, refused.department));
  const now = clockOf(deps);
  const closed: Application[] = [];
  for (const part of open) {
    const after = await applications.update(part.no, (app) => terminatePart(app, reason, now, build.account.calendar));
    if (after.stage !== 'terminated') continue;
    logRefundDue(deps, after, reason);
    closed.push(after);
  }
  return closed;
}
