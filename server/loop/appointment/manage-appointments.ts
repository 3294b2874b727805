// The citizen's own appointments: list, cancel, reschedule. Someone else's appointment is
// "not found", never "forbidden", so ids cannot be probed.
import { ConflictError, NotFoundError } from '../../errors.js';
import { withLocksReading } from '../../store/index.js';
import { nowOf } from '../deps.js';
import { type Appointment, appointmentsOf, slotKeyOf } from './appointment-types.js';
import { cityDate } from '../../calendar/index.js';
import { checkSeatFree, chooseSlot, seatReads, slotPlacement } from './book-appointment.js';
import { hallDayLock } from './hall-closures.js';
import { formatInstant } from './format-slot.js';
import { type AppointmentDeps, notifyAppointment } from './notify-appointment.js';

export interface AppointmentView extends Appointment {
  /** Until when cancel / reschedule are allowed (ISO). */
  changeDeadline: string;
  canChange: boolean;
}

const deadlineOf = (a: Appointment) => new Date(new Date(a.start).getTime() - a.cancelNoticeHours * 3600_000);

export function viewOf(a: Appointment, now: Date): AppointmentView {
  const deadline = deadlineOf(a);
  // A slot the hall closed can always be moved: the citizen did not cause it, so no notice holds.
  return { ...a, changeDeadline: deadline.toISOString(), canChange: a.status === 'booked' && (Boolean(a.closedBy) || now.getTime() <= deadline.getTime()) };
}

export async function listAppointments(deps: AppointmentDeps, openid: string): Promise<AppointmentView[]> {
  const now = nowOf(deps);
  const mine = await appointmentsOf(deps.store).findBy('openid', openid);
  return mine.sort((a, b) => b.start.localeCompare(a.start)).map((a) => viewOf(a, now));
}

async function ownAppointment(deps: AppointmentDeps, openid: string, id: string): Promise<Appointment> {
  const appt = await appointmentsOf(deps.store).get(id);
  if (!appt || appt.openid !== openid) throw new NotFoundError('预约不存在', { id });
  return appt;
}

function assertChangeable(appt: Appointment, now: Date, verb: string) {
  if (appt.status !== 'booked') throw new ConflictError('该预约已取消', { id: appt.id });
  if (appt.closedBy) return; // the hall closed the slot: change it whenever
  const deadline = deadlineOf(appt);
  if (now.getTime() > deadline.getTime()) {
    throw new ConflictError(`已超过${verb}期限：需在 ${formatInstant(deadline)} 前${verb}（预约开始前 ${appt.cancelNoticeHours} 小时），如有特殊情况请致电大厅`, {
      deadline: deadline.toISOString(),
    });
  }
}

export async function cancelAppointment(deps: AppointmentDeps, openid: string, id: string): Promise<AppointmentView> {
  const now = nowOf(deps);
  const first = await ownAppointment(deps, openid, id);
  const updated = await deps.store.withLock(`citizen:${openid}:${first.service}`, () =>
    appointmentsOf(deps.store).update(id, (a) => {
      assertChangeable(a, now, '取消');
      const at = now.toISOString();
      return { ...a, status: 'cancelled', updatedAt: at, history: [...a.history, { at, action: 'cancelled' }] };
    }),
  );
  await notifyAppointment(deps, updated, 'cancelled');
  return viewOf(updated, now);
}

/**
 * Moves an appointment to another slot. The move is one document write made under the lock of
 * the new slot's hall day: the seat in the new slot (and its day) is counted and taken in the same
 * step that gives the old one back, so the citizen never holds neither seat nor two. An
 * appointment in a slot the hall closed (闭厅) moves whatever the cancellation notice.
 */
export async function rescheduleAppointment(deps: AppointmentDeps, openid: string, id: string, req: { start?: unknown; hall?: unknown }): Promise<AppointmentView> {
  const now = nowOf(deps);
  const first = await ownAppointment(deps, openid, id);
  assertChangeable(first, now, '改约');
  const { service, step, hall, start, end } = chooseSlot(deps.live.current(), first.service, req.hall ?? first.hall, req.start, now);
  const slotKey = slotKeyOf(service.ref, hall.ref, start);
  if (slotKey === first.slotKey) throw new ConflictError('新时段与原预约相同，无需改约');
  const slot = { hall, step, start, end, slotKey };
  // The citizen's and the new hall day's locks with the seat check's reads: one round trip on PostgreSQL.
  const locks = [`citizen:${openid}:${first.service}`, hallDayLock(hall.ref, cityDate(new Date(start)))];
  const updated = await withLocksReading(deps.store, locks, seatReads(slot, id), async (seat) => {
    checkSeatFree(slot, seat, id);
    return appointmentsOf(deps.store).update(id, (a) => {
      assertChangeable(a, now, '改约'); // re-checked: a cancel may have won the race
      const at = now.toISOString();
      const { remindedAt: _reminded, closedBy: _closed, ...rest } = a;
      return {
        ...rest,
        ...slotPlacement(hall, start, end, slotKey),
        updatedAt: at,
        history: [...a.history, { at, action: 'rescheduled', start, hall: hall.ref }],
      };
    });
  });
  await notifyAppointment(deps, updated, 'rescheduled');
  return viewOf(updated, now);
}
