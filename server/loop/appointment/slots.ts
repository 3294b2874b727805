// Slots of one hall on one day: the hall's weekly hours for that weekday cut into slotMinutes,
// minus closed dates and city holidays. Make-up workdays (调休) follow the hall's hours for that
// weekday, as isOpenAt does, so "open now" and the bookable slots never disagree; a hall closed
// on Saturdays stays closed on a make-up Saturday. Closures made from the console (闭厅, in the
// store) take out the whole day or the slots they cover, and a hall's appointmentsPerDay caps the
// seats of the day across all its services.
import type { AccountBuild, BuiltHall, BuiltService } from '../../builder/index.js';
import { addDays, cityDate, cityInstant, hhmm, minutesOfDay, weekdayOf } from '../../calendar/index.js';
import { ConflictError, ValidationError } from '../../errors.js';
import type { AppointmentStep } from '../../model/index.js';
import { countBy, type Store } from '../../store/index.js';
import { type Appointment, appointmentsOf, slotKeyOf } from './appointment-types.js';
import { closureCovers, closureReason, closuresOn, type HallClosure, wholeDay } from './hall-closures.js';

export interface Slot {
  start: string;
  end: string;
  capacity: number;
  booked: number;
  available: number;
}

export interface DaySlots {
  date: string;
  hall: string;
  slots: Slot[];
  /** Why there are no slots (closed, holiday, outside the booking window, the day is full). */
  reason?: string;
  /** Why the whole day cannot be booked, before any slot is counted (the booking page's day picker). */
  closed?: string;
  /** Seats left on the day: the slots' seats, capped by what the hall's appointmentsPerDay leaves. */
  free: number;
  /** The hall's own cap across services, when it declares one. */
  day?: { capacity: number; booked: number; available: number };
}

export const DAY_FULL_MESSAGE = '该大厅当天的预约已满，请选择其他日期';

export function appointmentStepOf(service: BuiltService): AppointmentStep {
  const step = service.steps.appointment;
  if (!step?.online) throw new ConflictError(`“${service.name}”暂不支持网上预约，请直接到大厅办理`, { service: service.ref });
  return step;
}

export function parseDate(date: unknown): string {
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
    throw new ValidationError('日期格式不正确，应为 YYYY-MM-DD，如 2025-03-01', { field: 'date', date });
  }
  return date;
}

/** Why a date cannot be booked at all, or undefined when it can. */
export function closedReason(build: AccountBuild, hall: BuiltHall, step: AppointmentStep, date: string, now: Date, closures: readonly HallClosure[] = []): string | undefined {
  const today = cityDate(now);
  if (date < today) return '该日期已过，请选择今天以后的日期';
  if (date > addDays(today, step.horizonDays)) return `只能预约 ${step.horizonDays} 天内的时段`;
  if (hall.closedDates?.includes(date)) return '该大厅当天不对外办公';
  const allDay = wholeDay(closures);
  if (allDay) return closureReason(allDay);
  if (build.account.calendar.holidays.includes(date)) return '法定节假日，大厅不办公';
  if (!(hall.hours[weekdayOf(date)] ?? []).length) return '该大厅当天不办公';
  return undefined;
}

/** The slot times of a day, without seat counts; [] with a reason when none can be booked. */
export function slotTimes(build: AccountBuild, hall: BuiltHall, step: AppointmentStep, date: string, now: Date, closures: readonly HallClosure[] = []) {
  const reason = closedReason(build, hall, step, date, now, closures);
  if (reason) return { times: [], reason };
  const earliest = now.getTime() + step.minNoticeHours * 3600_000;
  const times: Array<{ start: string; end: string }> = [];
  let partly: HallClosure | undefined;
  const ranges = [...(hall.hours[weekdayOf(date)] ?? [])].sort((a, b) => minutesOfDay(a.open) - minutesOfDay(b.open));
  for (const range of ranges) {
    const close = minutesOfDay(range.close);
    for (let m = minutesOfDay(range.open); m + step.slotMinutes <= close; m += step.slotMinutes) {
      const start = cityInstant(date, hhmm(m));
      if (start.getTime() < earliest) continue;
      const end = cityInstant(date, hhmm(m + step.slotMinutes));
      const closedBy = closures.find((c) => closureCovers(c, start, end));
      if (closedBy) {
        partly ??= closedBy;
        continue;
      }
      times.push({ start: start.toISOString(), end: end.toISOString() });
    }
  }
  if (!times.length && partly) return { times, reason: closureReason(partly) };
  if (!times.length) return { times, reason: step.minNoticeHours > 0 ? `需至少提前 ${step.minNoticeHours} 小时预约，当天已无可约时段` : '当天已无可约时段' };
  return { times, reason: undefined };
}

/** An appointment that holds a seat: booked, and not in a slot the hall closed since. */
export const holdsSeat = (a: Appointment, exceptId?: string) => a.status === 'booked' && !a.closedBy && a.id !== exceptId;

/**
 * Booked seats of one slot (active appointments only). The counted fast path also counts an
 * appointment the hall closed (closedBy): harmless, since a closed slot takes no booking at all.
 */
export async function bookedCount(store: Store, slotKey: string, exceptId?: string): Promise<number> {
  if (exceptId === undefined) return countBy(appointmentsOf(store), 'slotKey', slotKey, { status: 'booked' });
  const found = await appointmentsOf(store).findBy('slotKey', slotKey);
  return found.filter((a) => holdsSeat(a, exceptId)).length;
}

/** Booked seats of one hall on one day, across all its services (for appointmentsPerDay). */
export async function bookedOnDay(store: Store, hall: string, date: string, exceptId?: string): Promise<number> {
  const found = await appointmentsOf(store).findBy('date', date);
  return found.filter((a) => a.hall === hall && holdsSeat(a, exceptId)).length;
}

export async function daySlots(store: Store, build: AccountBuild, service: BuiltService, hall: BuiltHall, date: string, now: Date): Promise<DaySlots> {
  const step = appointmentStepOf(service);
  const closures = await closuresOn(store, hall.ref, date);
  const closed = closedReason(build, hall, step, date, now, closures);
  const { times, reason } = slotTimes(build, hall, step, date, now, closures);
  const perDay = hall.appointmentsPerDay;
  const dayBooked = perDay && times.length ? await bookedOnDay(store, hall.ref, date) : 0;
  const dayLeft = perDay ? Math.max(0, perDay - dayBooked) : Infinity;
  const slots: Slot[] = [];
  for (const t of times) {
    const booked = await bookedCount(store, slotKeyOf(service.ref, hall.ref, t.start));
    slots.push({ ...t, capacity: step.capacityPerSlot, booked, available: Math.min(dayLeft, Math.max(0, step.capacityPerSlot - booked)) });
  }
  const free = Math.min(dayLeft, slots.reduce((n, s) => n + s.available, 0));
  const full = perDay && times.length && dayLeft === 0 ? DAY_FULL_MESSAGE : undefined;
  return {
    date,
    hall: hall.ref,
    slots,
    free,
    ...(perDay ? { day: { capacity: perDay, booked: dayBooked, available: dayLeft } } : {}),
    ...((reason ?? full) && { reason: reason ?? full }),
    ...(closed && { closed }),
  };
}
