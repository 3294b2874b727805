// 闭厅: a hall closed for a day or part of a day from the console (a burst pipe, a system outage,
// a training afternoon). The closure is data in the store, not in the published files, so it takes
// effect at once without a publish: its slots disappear for booking, and every citizen already
// booked into them gets a template message with a 改约 link. Such an appointment stays booked,
// marked `closedBy`, until the citizen moves it; the cancellation notice does not hold for it.
// The closure and the marking happen under the hall-day lock that booking takes, so no booking
// slips into a slot between the two.
import { randomBytes } from 'node:crypto';
import type { BuiltHall } from '../../builder/index.js';
import { cityDate, cityMinutes, minutesOfDay } from '../../calendar/index.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { Store } from '../../store/index.js';
import { nowOf } from '../deps.js';
import { type Appointment, appointmentsOf } from './appointment-types.js';
import { type AppointmentDeps, notifyAppointment } from './notify-appointment.js';

export interface HallClosure {
  id: string;
  /** Hall ref (department/hall). */
  hall: string;
  /** The hall's department: who may see and make the closure. */
  department: string;
  /** City date (YYYY-MM-DD). */
  date: string;
  /** HH:MM city time; both absent = the whole day. The closure covers [from, to). */
  from?: string;
  to?: string;
  reason: string;
  by: string;
  at: string;
  /** Ids of the appointments it moved out of their slots (each notified). */
  affected: string[];
}

export interface HallClosureInput {
  hall: unknown;
  date: unknown;
  from?: unknown;
  to?: unknown;
  reason: unknown;
}

export const MAX_CLOSURE_REASON = 60;

export const HALL_CLOSURES = 'hallClosures';

export function hallClosuresOf(store: Store) {
  return store.collection<HallClosure>(HALL_CLOSURES, { indexes: ['date'] });
}

/** The lock booking, rescheduling and closing take for one hall's day (seats per day, closures). */
export const hallDayLock = (hall: string, date: string) => `hall-day:${hall}|${date}`;

/** The closures of one hall on one day. */
export async function closuresOn(store: Store, hall: string, date: string): Promise<HallClosure[]> {
  return (await hallClosuresOf(store).findBy('date', date)).filter((c) => c.hall === hall);
}

/** Every hall's closures on the city day of `at` (the location step's view of 闭厅). */
export async function closuresToday(store: Store, at: Date): Promise<HallClosure[]> {
  return hallClosuresOf(store).findBy('date', cityDate(at));
}

/** 全天 or 09:00—12:00. */
export const closureSpan = (c: Pick<HallClosure, 'from' | 'to'>) => (c.from && c.to ? `${c.from}—${c.to}` : '全天');

/** Whether a closure covers (part of) the slot [start, end). */
export function closureCovers(c: HallClosure, start: Date, end: Date): boolean {
  if (cityDate(start) !== c.date) return false;
  if (!c.from || !c.to) return true;
  const s = cityMinutes(start);
  const e = cityDate(end) === c.date ? cityMinutes(end) : 24 * 60;
  return s < minutesOfDay(c.to) && e > minutesOfDay(c.from);
}

export const wholeDay = (closures: readonly HallClosure[]) => closures.find((c) => !c.from || !c.to);

/** The citizen-facing reason a slot or day is closed. */
export const closureReason = (c: HallClosure) => `大厅临时闭厅（${closureSpan(c)}）：${c.reason}`;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

function parseClosure(halls: readonly BuiltHall[], input: HallClosureInput, now: Date) {
  const hall = typeof input.hall === 'string' ? halls.find((h) => h.ref === input.hall) : undefined;
  if (!hall) throw new NotFoundError('大厅不存在', { hall: input.hall });
  const date = typeof input.date === 'string' ? input.date : '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw new ValidationError('请选择闭厅日期（YYYY-MM-DD）', { field: 'date' });
  if (date < cityDate(now)) throw new ValidationError('不能为已经过去的日期闭厅', { field: 'date' });
  const from = typeof input.from === 'string' ? input.from.trim() : '';
  const to = typeof input.to === 'string' ? input.to.trim() : '';
  if (Boolean(from) !== Boolean(to)) throw new ValidationError('部分时段闭厅需同时填写开始和结束时间；全天闭厅两项都不填', { field: from ? 'to' : 'from' });
  if (from && (!TIME.test(from) || !TIME.test(to))) throw new ValidationError('时间格式应为 HH:MM，如 13:30', { field: 'from' });
  if (from && minutesOfDay(from) >= minutesOfDay(to)) throw new ValidationError('闭厅结束时间应晚于开始时间', { field: 'to' });
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (!reason) throw new ValidationError('请填写闭厅原因（会告知已预约的市民）', { field: 'reason' });
  if (reason.length > MAX_CLOSURE_REASON) throw new ValidationError(`闭厅原因最多 ${MAX_CLOSURE_REASON} 字`, { field: 'reason' });
  return { hall, date, ...(from ? { from, to } : {}), reason };
}

export interface ClosedHall {
  closure: HallClosure;
  /** The appointments moved out of their slots, as now stored. */
  affected: Appointment[];
}

/**
 * Closes a hall for a day or part of it: stores the closure, marks the booked appointments in it
 * and sends each citizen the 闭厅 notice with a 改约 link. `halls` are the halls the caller may
 * close (the workbench passes the user's departments' halls).
 */
export async function closeHall(deps: AppointmentDeps, halls: readonly BuiltHall[], input: HallClosureInput, by: string): Promise<ClosedHall> {
  const now = nowOf(deps);
  const parsed = parseClosure(halls, input, now);
  const { hall, date } = parsed;
  const appointments = appointmentsOf(deps.store);
  const result = await deps.store.withLock(hallDayLock(hall.ref, date), async () => {
    const draft: HallClosure = {
      id: randomBytes(8).toString('hex'),
      hall: hall.ref,
      department: hall.department,
      date,
      ...(parsed.from ? { from: parsed.from, to: parsed.to } : {}),
      reason: parsed.reason,
      by,
      at: now.toISOString(),
      affected: [],
    };
    // A citizen already checked in (签到) is at the hall and served there; only the others are moved.
    const inside = (a: Appointment) => a.status === 'booked' && !a.closedBy && !a.attendance && a.hall === hall.ref && closureCovers(draft, new Date(a.start), new Date(a.end));
    const affected: Appointment[] = [];
    for (const candidate of (await appointments.findBy('date', date)).filter(inside)) {
      let marked = false;
      const stored = await appointments.update(candidate.id, (a) => {
        if (!inside(a)) return a; // cancelled or moved meanwhile
        marked = true;
        return { ...a, closedBy: { closure: draft.id, reason: draft.reason, at: draft.at }, updatedAt: draft.at, history: [...a.history, { at: draft.at, action: 'hall-closed' }] };
      });
      if (marked) affected.push(stored);
    }
    const closure = await hallClosuresOf(deps.store).insert({ ...draft, affected: affected.map((a) => a.id) });
    return { closure, affected };
  });
  for (const appt of result.affected) await notifyAppointment(deps, appt, 'closed', now);
  return result;
}

export interface ReopenedHall {
  closure: HallClosure;
  /** The appointments the closure had moved out that are back in their slots (each notified). */
  restored: Appointment[];
}

/**
 * 撤销闭厅: the hall opens again for the span. The closure is removed, so its slots take bookings
 * again, and every appointment it marked that the citizen has not moved or cancelled meanwhile is
 * back in its slot (no longer `closedBy`, reminded as usual) and the citizen is told it stands
 * (照常办理). A past day's closure stays as it was: there is nothing left to reopen.
 */
export async function reopenHall(deps: AppointmentDeps, halls: readonly BuiltHall[], closureId: string): Promise<ReopenedHall> {
  const now = nowOf(deps);
  const found = await hallClosuresOf(deps.store).get(closureId);
  if (!found || !halls.some((h) => h.ref === found.hall)) throw new NotFoundError('闭厅记录不存在', { closure: closureId });
  if (found.date < cityDate(now)) throw new ValidationError('该闭厅的日期已经过去，无法撤销', { field: 'closure' });
  const appointments = appointmentsOf(deps.store);
  const at = now.toISOString();
  const result = await deps.store.withLock(hallDayLock(found.hall, found.date), async () => {
    const closure = await hallClosuresOf(deps.store).get(closureId);
    if (!closure) throw new NotFoundError('闭厅记录不存在（可能已被撤销）', { closure: closureId });
    const marked = (a: Appointment) => a.status === 'booked' && a.closedBy?.closure === closure.id;
    const restored: Appointment[] = [];
    for (const id of closure.affected) {
      const current = await appointments.get(id);
      if (!current || !marked(current)) continue;
      let changed = false;
      const stored = await appointments.update(id, (a) => {
        if (!marked(a)) return a;
        changed = true;
        const { closedBy: _closedBy, ...rest } = a;
        return { ...rest, updatedAt: at, history: [...a.history, { at, action: 'hall-reopened' }] };
      });
      if (changed) restored.push(stored);
    }
    await hallClosuresOf(deps.store).delete(closure.id);
    return { closure, restored };
  });
  for (const appt of result.restored) await notifyAppointment(deps, appt, 'reopened', now);
  return result;
}

