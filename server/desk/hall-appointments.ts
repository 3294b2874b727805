// 预约 on the workbench: the day list of a hall (optionally one service) with each citizen's
// pre-check answers, and the two things hall staff record on the day, 签到 (checked in) and 未到
// (no-show), and 闭厅: closing one of the department's halls for a day or part of one. Staff see
// and close only their departments' halls; anything else is a 404.
import type { AccountBuild } from '../builder/index.js';
import { cityDate } from '../calendar/index.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { ATTENDANCE_NAMES, type Appointment, type Attendance, appointmentsOf, closeHall, type ClosedHall, closureSpan, formatSlot, type HallClosure, type HallClosureInput, hallClosuresOf, type LoopDeps, reopenHall, type ReopenedHall } from '../loop/index.js';
import { maskIdNumber } from './mask.js';
import { inScope, type WorkScope } from './work-scope.js';

export interface DayListQuery {
  date: string;
  hall?: string;
  service?: string;
}

/** The day's appointments in scope, by start time; cancelled ones are left out. */
export async function listHallDay(store: LoopDeps['store'], scope: WorkScope, query: DayListQuery): Promise<Appointment[]> {
  const found = await appointmentsOf(store).findBy('date', query.date);
  return found
    .filter((a) => a.status === 'booked' && inScope(scope, a.department))
    .filter((a) => (!query.hall || a.hall === query.hall) && (!query.service || a.service === query.service))
    .sort((a, b) => a.start.localeCompare(b.start) || a.hall.localeCompare(b.hall) || a.number.localeCompare(b.number));
}

/** One row of the day list: the pre-check answers with the form's labels, ID numbers masked. */
export function dayListRow(a: Appointment, build: AccountBuild, now: Date) {
  const fields = build.services.find((s) => s.ref === a.service)?.steps.appointment?.fields ?? [];
  const answers = Object.entries(a.fields).map(([name, raw]) => {
    const field = fields.find((f) => f.name === name);
    const value = String(raw);
    const shown = field?.type === 'idcard' ? maskIdNumber(value) : field?.type === 'file' ? '已上传' : (field?.options?.find((o) => o.value === value)?.label ?? value);
    return { label: field?.label ?? name, value: shown, upload: field?.type === 'file' ? value : undefined };
  });
  const started = new Date(a.start).getTime() <= now.getTime();
  return {
    id: a.id,
    number: a.number,
    when: formatSlot(a.start, a.end),
    serviceName: a.serviceName,
    hallName: a.hallName,
    answers,
    documents: a.documents,
    attendance: a.attendance && { ...a.attendance, name: ATTENDANCE_NAMES[a.attendance.kind] },
    /** The hall closed this slot after it was booked; the citizen was told to 改约. */
    hallClosed: a.closedBy?.reason,
    // 签到 on the day itself; 未到 once the slot has begun (nobody is a no-show before their time).
    canCheckIn: !a.attendance && !a.closedBy && a.date === cityDate(now),
    canNoShow: !a.attendance && !a.closedBy && a.date === cityDate(now) && started,
  };
}

/** The day's closures of the halls in scope, earliest first. */
export async function listHallClosures(store: LoopDeps['store'], scope: WorkScope, date: string): Promise<HallClosure[]> {
  const found = await hallClosuresOf(store).findBy('date', date);
  return found.filter((c) => inScope(scope, c.department)).sort((a, b) => (a.from ?? '').localeCompare(b.from ?? '') || a.at.localeCompare(b.at));
}

/** One closure as the day list shows it. */
export function closureRow(c: HallClosure, build: AccountBuild) {
  return { id: c.id, hallName: build.halls.find((h) => h.ref === c.hall)?.name ?? c.hall, span: closureSpan(c), reason: c.reason, by: c.by, affected: c.affected.length };
}

/** 闭厅 from the workbench: only a hall of the user's departments (another is "not found"). */
export async function closeHallFromWorkbench(deps: LoopDeps, scope: WorkScope, input: HallClosureInput, actor: string): Promise<ClosedHall> {
  const halls = deps.live.current().halls.filter((h) => inScope(scope, h.department));
  return closeHall(deps, halls, input, actor);
}

/** 撤销闭厅 from the workbench: only a closure of the user's departments' halls. */
export async function reopenHallFromWorkbench(deps: LoopDeps, scope: WorkScope, closureId: string): Promise<ReopenedHall> {
  const halls = deps.live.current().halls.filter((h) => inScope(scope, h.department));
  return reopenHall(deps, halls, closureId);
}

export interface AttendanceChange {
  actor: string;
  now: Date;
}

/** Records 签到 or 未到 once, on the appointment's own day (and 未到 only after its start). */
export async function recordAttendance(store: LoopDeps['store'], id: string, scope: WorkScope, kind: Attendance['kind'], change: AttendanceChange): Promise<Appointment> {
  const found = await appointmentsOf(store).get(id);
  if (!found || !inScope(scope, found.department) || found.status !== 'booked') throw new NotFoundError(`预约不存在：${id}`, { id });
  return appointmentsOf(store).update(id, (a) => {
    if (a.attendance) throw new ConflictError(`该预约已登记为“${ATTENDANCE_NAMES[a.attendance.kind]}”`);
    if (a.date !== cityDate(change.now)) throw new ConflictError('只能在预约当天登记签到或未到');
    if (kind === 'no-show' && new Date(a.start).getTime() > change.now.getTime()) throw new ConflictError('预约时段尚未开始，不能登记为未到');
    return { ...a, attendance: { kind, at: change.now.toISOString(), by: change.actor }, updatedAt: change.now.toISOString() };
  });
}
