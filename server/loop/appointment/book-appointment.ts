// Booking a seat. The seat counts and the insert happen under the lock of the hall's day, so two
// citizens can never both take the last seat of a slot or of the day (appointmentsPerDay, across
// services), and no booking slips into a slot being closed (闭厅); the citizen's own lock with it
// makes "one active appointment per service" hold against double taps. Locks are always taken
// citizen -> hall day, both in one step (one round trip on PostgreSQL).
import { randomBytes } from 'node:crypto';
import type { AccountBuild, BuiltHall, BuiltService } from '../../builder/index.js';
import { cityDate } from '../../calendar/index.js';
import { ConflictError, ValidationError } from '../../errors.js';
import type { AppointmentStep } from '../../model/index.js';
import { type LockedRead, type LockedReadResult, withLocksReading } from '../../store/index.js';
import { nowOf } from '../deps.js';
import { validateForm } from '../forms/validate-form.js';
import { hallOf, serviceOf } from '../catalog.js';
import { checkUploadFields } from '../uploads/upload-access.js';
import { nextAppointmentNumber } from './appointment-number.js';
import { APPOINTMENTS, type Appointment, appointmentsOf, slotKeyOf } from './appointment-types.js';
import { formatSlot } from './format-slot.js';
import { type AppointmentDeps, notifyAppointment } from './notify-appointment.js';
import { closureCovers, closureReason, HALL_CLOSURES, type HallClosure, hallDayLock } from './hall-closures.js';
import { appointmentStepOf, DAY_FULL_MESSAGE, holdsSeat, slotTimes } from './slots.js';

export interface BookingRequest {
  hall?: unknown;
  start?: unknown;
  fields?: unknown;
}

export const FULL_MESSAGE = '该时段已约满，请选择其他时段';

export interface ChosenSlot {
  service: BuiltService;
  step: AppointmentStep;
  hall: BuiltHall;
  start: string;
  end: string;
}

/** Resolves and checks the requested hall and start against the generated slots. */
export function chooseSlot(build: AccountBuild, serviceRef: string, hallInput: unknown, startInput: unknown, now: Date): ChosenSlot {
  const service = serviceOf(build, serviceRef);
  const step = appointmentStepOf(service);
  const hall = hallOf(build, service, hallInput);
  const at = typeof startInput === 'string' ? new Date(startInput) : undefined;
  if (!at || Number.isNaN(at.getTime())) throw new ValidationError('请选择预约时段', { field: 'start' });
  const { times, reason } = slotTimes(build, hall, step, cityDate(at), now);
  const slot = times.find((t) => t.start === at.toISOString());
  if (!slot) throw new ValidationError(reason ?? '所选时段不可预约，请重新选择', { field: 'start' });
  return { service, step, hall, start: slot.start, end: slot.end };
}

/** Active = booked and not yet started; past appointments never block a new booking. */
export const isActive = (a: Appointment, now: Date) => a.status === 'booked' && new Date(a.start).getTime() > now.getTime();

/** `account`: the account the citizen came through (absent: the primary); its notices go through that account. */
export async function bookAppointment(deps: AppointmentDeps, openid: string, serviceRef: string, req: BookingRequest, account?: string): Promise<Appointment> {
  const now = nowOf(deps);
  const build = deps.live.current();
  const { service, step, hall, start, end } = chooseSlot(build, serviceRef, req.hall, req.start, now);
  const form = validateForm(step.fields ?? [], req.fields, service.ref);
  // File fields hold upload ids: each must be this citizen's upload for this service and field.
  const errors = form.ok ? await checkUploadFields(deps.store, step.fields ?? [], form.value, openid, service.ref) : form.errors;
  // details is the field list, the same shape the application step answers with.
  if (errors.length) throw new ValidationError(errors.length === 1 ? errors[0]!.message : `有 ${errors.length} 处填写有误：${errors[0]!.message}`, errors);

  const appointments = appointmentsOf(deps.store);
  const slotKey = slotKeyOf(service.ref, hall.ref, start);
  const slot = { hall, step, start, end, slotKey };
  const locks = [`citizen:${openid}:${service.ref}`, hallDayLock(hall.ref, cityDate(new Date(start)))];
  // The locks, the citizen's booked appointments of this service and what the seat check needs:
  // one round trip on PostgreSQL.
  const reads: LockedRead[] = [{ collection: APPOINTMENTS, where: { openid, service: service.ref, status: 'booked' } }, ...seatReads(slot)];
  const appt = await withLocksReading(deps.store, locks, reads, async ([booked, ...seat]) => {
    const mine = (booked as Appointment[]).filter((a) => isActive(a, now));
    if (mine.some((a) => a.slotKey === slotKey)) throw new ConflictError('您已预约了这个时段，无需重复预约', { appointment: mine[0]!.id });
    const held = mine[0];
    if (held) {
      throw new ConflictError(`您已有该事项的预约（${formatSlot(held.start, held.end)}，预约号 ${held.number}），如需更换时间请改约`, { appointment: held.id });
    }
    checkSeatFree(slot, seat);
    const at = now.toISOString();
    return appointments.insert({
      id: randomBytes(12).toString('hex'),
      number: await nextAppointmentNumber(deps.store, now),
      openid,
      ...(account !== undefined ? { account } : {}),
      service: service.ref,
      serviceName: service.name,
      department: service.department,
      ...slotPlacement(hall, start, end, slotKey),
      fields: form.value,
      documents: step.documents ?? [],
      cancelNoticeHours: step.cancelNoticeHours,
      status: 'booked',
      createdAt: at,
      updatedAt: at,
      history: [{ at, action: 'booked', start, hall: hall.ref }],
    });
  });
  await notifyAppointment(deps, appt, 'confirmation');
  return appt;
}

export interface SeatRequest {
  hall: BuiltHall;
  step: AppointmentStep;
  start: string;
  end: string;
  slotKey: string;
}

/**
 * What the seat check reads under the hall day's lock: the hall's closures of the day, the
 * slot's seats (counted, or the documents when `exceptId` must not count against itself) and,
 * when the hall caps its day, the day's booked appointments. checkSeatFree reads them back.
 */
export function seatReads(slot: SeatRequest, exceptId?: string): LockedRead[] {
  const date = cityDate(new Date(slot.start));
  const reads: LockedRead[] = [
    { collection: HALL_CLOSURES, where: { date, hall: slot.hall.ref } },
    // The counted fast path also counts an appointment the hall closed (closedBy): harmless,
    // since a closed slot takes no booking at all.
    { collection: APPOINTMENTS, where: { slotKey: slot.slotKey, status: 'booked' }, count: exceptId === undefined },
  ];
  if (slot.hall.appointmentsPerDay) reads.push({ collection: APPOINTMENTS, where: { date, hall: slot.hall.ref, status: 'booked' } });
  return reads;
}

/**
 * With seatReads' results, taken under the hall day's lock: the slot is not closed (闭厅), has a
 * seat, and the hall's day has one. `exceptId` is the appointment being moved.
 */
export function checkSeatFree(slot: SeatRequest, [closures, inSlot, onDay]: readonly LockedReadResult[], exceptId?: string): void {
  const closure = (closures as HallClosure[]).find((c) => closureCovers(c, new Date(slot.start), new Date(slot.end)));
  if (closure) throw new ConflictError(`${closureReason(closure)}，请选择其他时段`, { slot: slot.start });
  const seated = (found: LockedReadResult | undefined) =>
    typeof found === 'number' ? found : ((found as Appointment[] | undefined) ?? []).filter((a) => holdsSeat(a, exceptId)).length;
  if (seated(inSlot) >= slot.step.capacityPerSlot) throw new ConflictError(FULL_MESSAGE, { slot: slot.start });
  const perDay = slot.hall.appointmentsPerDay;
  if (perDay && seated(onDay) >= perDay) throw new ConflictError(DAY_FULL_MESSAGE, { date: cityDate(new Date(slot.start)) });
}

/** Where and when an appointment sits: the fields booking and rescheduling both set. */
export function slotPlacement(hall: BuiltHall, start: string, end: string, slotKey: string) {
  return { hall: hall.ref, hallName: hall.name, hallAddress: hall.address, date: cityDate(new Date(start)), start, end, slotKey };
}
