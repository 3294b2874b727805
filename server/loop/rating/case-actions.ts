// What happens to a rectification case: the owning department calls back (回访), fixes or explains
// (整改/解释) and may appeal a mistaken or malicious review (申诉复核); the citizen rates the fix once.
import { cityDate } from '../../calendar/index.js';
import type { StaffActor } from '../actor.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import { clockOf, type LoopDeps } from '../deps.js';
import { applicationsOf } from '../applications/application-access.js';
import { casesOf, caseView, type CaseView, type RectificationCase } from './rectification-case.js';
import { parseComment, parseLevel } from './rating-levels.js';

const MAX_NOTE = 1000;

function parseNote(value: unknown, what: string): string {
  if (typeof value !== 'string' || !value.trim()) throw new ValidationError(`请填写${what}`, { field: 'note' });
  if (value.length > MAX_NOTE) throw new ValidationError(`${what}不能超过 ${MAX_NOTE} 字`, { field: 'note' });
  return value.trim();
}

const today = (deps: LoopDeps) => cityDate(clockOf(deps));

async function loadOwned(deps: LoopDeps, id: string, staff: StaffActor): Promise<RectificationCase> {
  const c = await casesOf(deps.store).get(id);
  if (!c || c.department !== staff.department) throw new NotFoundError(`整改件不存在：${id}`);
  return c;
}

/** The department's cases, overdue ones first, then by deadline. */
export async function listCases(deps: LoopDeps, staff: StaffActor): Promise<CaseView[]> {
  const views = (await casesOf(deps.store).findBy('department', staff.department)).map((c) => caseView(c, today(deps)));
  return views.sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.deadline.localeCompare(b.deadline) || a.id.localeCompare(b.id));
}

const CLOSED_BY_APPEAL = '申诉已成立，该整改件已结案';

async function change(deps: LoopDeps, id: string, staff: StaffActor, fn: (c: RectificationCase, at: string) => RectificationCase): Promise<CaseView> {
  await loadOwned(deps, id, staff);
  const at = clockOf(deps).toISOString();
  return caseView(await casesOf(deps.store).update(id, (c) => {
    if (c.appeal?.status === 'upheld') throw new ConflictError(CLOSED_BY_APPEAL);
    return fn(c, at);
  }), today(deps));
}

export function recordCallback(deps: LoopDeps, id: string, staff: StaffActor, note: unknown) {
  const text = parseNote(note, '回访记录');
  return change(deps, id, staff, (c, at) => ({ ...c, callbacks: [...c.callbacks, { at, actor: { kind: 'staff', name: staff.label }, note: text }] }));
}

export function recordResolution(deps: LoopDeps, id: string, staff: StaffActor, kind: unknown, note: unknown) {
  if (kind !== 'fixed' && kind !== 'explained') throw new ValidationError('请选择处理方式：整改（fixed）或解释说明（explained）', { field: 'kind' });
  const text = parseNote(note, kind === 'fixed' ? '整改情况' : '解释说明');
  return change(deps, id, staff, (c, at) => {
    if (c.resolution) throw new ConflictError('该整改件已办结，不能重复提交');
    if (c.callbacks.length === 0) throw new ConflictError('请先回访申请人并记录回访情况，再提交整改结果');
    return { ...c, resolution: { kind, note: text, at, actor: { kind: 'staff', name: staff.label } } };
  });
}

export function appealCase(deps: LoopDeps, id: string, staff: StaffActor, reason: unknown) {
  const text = parseNote(reason, '申诉理由');
  return change(deps, id, staff, (c, at) => {
    if (c.appeal) throw new ConflictError('该差评已提交申诉复核');
    return { ...c, appeal: { at, actor: { kind: 'staff', name: staff.label }, note: text, status: 'pending' } };
  });
}

/** Pending appeals first (oldest first), then decided ones, newest first. */
export async function listAppeals(deps: LoopDeps): Promise<CaseView[]> {
  const views = (await casesOf(deps.store).list((c) => c.appeal !== undefined)).map((c) => caseView(c, today(deps)));
  const pending = views.filter((c) => c.appeal!.status === 'pending').sort((a, b) => a.appeal!.at.localeCompare(b.appeal!.at));
  const decided = views.filter((c) => c.appeal!.status !== 'pending').sort((a, b) => b.appeal!.decision!.at.localeCompare(a.appeal!.decision!.at));
  return [...pending, ...decided];
}

/**
 * The platform team's decision on an appeal, with the reason the department will read. Upheld:
 * the case is closed and the rating no longer counts in the statistics; rejected: rectification
 * goes on (the deadline stands).
 */
export async function decideAppeal(deps: LoopDeps, id: string, reviewer: string, decision: unknown, reason: unknown): Promise<CaseView> {
  if (decision !== 'upheld' && decision !== 'rejected') throw new ValidationError('请选择复核结果：申诉成立（upheld）或不成立（rejected）', { field: 'decision' });
  const text = parseNote(reason, '复核理由');
  if (!(await casesOf(deps.store).get(id))) throw new NotFoundError(`整改件不存在：${id}`);
  const at = clockOf(deps).toISOString();
  const updated = await casesOf(deps.store).update(id, (c) => {
    if (!c.appeal) throw new ConflictError('该差评没有申诉，无需复核');
    if (c.appeal.status !== 'pending') throw new ConflictError('该申诉已复核，不能重复处理');
    return { ...c, appeal: { ...c.appeal, status: decision, decision: { at, actor: { kind: 'staff', name: reviewer }, note: text } } };
  });
  return caseView(updated, today(deps));
}

/** The citizen's rating of the fix, once, after the department reported back. */
export async function rateFix(deps: LoopDeps, id: string, openid: string, level: unknown, comment: unknown): Promise<CaseView> {
  const parsed = parseLevel(level);
  const text = parseComment(comment);
  const c = await casesOf(deps.store).get(id);
  if (!c || c.openid !== openid) throw new NotFoundError(`整改件不存在：${id}`);
  const at = clockOf(deps).toISOString();
  const updated = await casesOf(deps.store).update(id, (cur) => {
    if (cur.appeal?.status === 'upheld') throw new ConflictError(CLOSED_BY_APPEAL);
    if (!cur.resolution) throw new ConflictError('部门尚未反馈整改结果，暂不能评价');
    if (cur.citizenRating) throw new ConflictError('您已评价过整改结果');
    return { ...cur, citizenRating: { level: parsed, ...(text ? { comment: text } : {}), at } };
  });
  return caseView(updated, today(deps));
}

/** The citizen's own case, for the application page. */
export async function citizenCase(deps: LoopDeps, id: string | undefined, openid: string): Promise<CaseView | undefined> {
  if (!id) return undefined;
  const c = await casesOf(deps.store).get(id);
  return c && c.openid === openid ? caseView(c, today(deps)) : undefined;
}

/**
 * A matter's (一件事) bad review is the lead department's case; the lead may pass it, with a reason,
 * to the department whose part of the same matter caused it. That department then owns the case
 * (callback, fix, appeal) against the same deadline; the transfer stays on the case's record.
 */
export async function passCase(deps: LoopDeps, id: string, staff: StaffActor, department: unknown, reason: unknown): Promise<CaseView> {
  const text = parseNote(reason, '转交原因');
  const c = await loadOwned(deps, id, staff);
  const app = await applicationsOf(deps.store).get(c.applicationNo);
  if (!app?.group) throw new ConflictError('只有一件事的差评可以转交给配合部门');
  const siblings = await applicationsOf(deps.store).findBy('openid', c.openid);
  const target = siblings.find((a) => a.group?.id === app.group!.id && a.department === department && a.department !== c.department);
  if (!target) throw new ValidationError('请选择办理本件一件事其他部分的部门', { field: 'department' });
  return change(deps, id, staff, (cur, at) => {
    if (cur.resolution) throw new ConflictError('该整改件已办结，不能转交');
    const transfer = { at, actor: { kind: 'staff' as const, name: staff.label }, note: text, from: cur.department, to: target.department };
    return { ...cur, department: target.department, handlingDepartment: target.department, transfers: [...(cur.transfers ?? []), transfer] };
  });
}
