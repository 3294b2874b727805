// Appointments as stored. The booking policy (cancel notice) is copied in at booking time:
// a later publish changing the rule does not change what the citizen was promised.
import type { Store } from '../../store/index.js';

export type AppointmentStatus = 'booked' | 'cancelled';

export interface AppointmentEvent {
  at: string;
  action: 'booked' | 'rescheduled' | 'cancelled' | 'hall-closed' | 'hall-reopened';
  start?: string;
  hall?: string;
}

export interface Appointment {
  id: string;
  /** 预约号 shown to the citizen and at the hall, e.g. YY-20250301-0007. */
  number: string;
  openid: string;
  /** The account the citizen came through (its id); absent: the primary (and every record from before several accounts). */
  account?: string;
  service: string;
  serviceName: string;
  department: string;
  hall: string;
  hallName: string;
  hallAddress: string;
  /** City date of the slot (YYYY-MM-DD); indexed for the reminder job. */
  date: string;
  start: string;
  end: string;
  /** service|hall|start: the seats of one slot are counted by this index. */
  slotKey: string;
  fields: Record<string, string | number>;
  documents: string[];
  cancelNoticeHours: number;
  status: AppointmentStatus;
  createdAt: string;
  updatedAt: string;
  remindedAt?: string;
  history: AppointmentEvent[];
  /** Set by hall staff on the day: the citizen came (签到) or did not (未到). */
  attendance?: Attendance;
  /**
   * The hall closed this slot from the console (闭厅) after it was booked: the citizen was told and
   * may 改约 whatever the cancellation notice; cleared by the move. It no longer takes a seat.
   */
  closedBy?: { closure: string; reason: string; at: string };
}

export interface Attendance {
  kind: 'checked-in' | 'no-show';
  at: string;
  by: string;
}

export const ATTENDANCE_NAMES: Readonly<Record<Attendance['kind'], string>> = { 'checked-in': '已签到', 'no-show': '未到' };

export const slotKeyOf = (service: string, hall: string, start: string) => `${service}|${hall}|${start}`;

export const APPOINTMENTS = 'appointments';

export function appointmentsOf(store: Store) {
  return store.collection<Appointment>(APPOINTMENTS, { indexes: ['openid', 'slotKey', 'date'] });
}
