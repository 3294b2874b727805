// Dates a department's system pushes for its reminders (POST /api/staff/reminder-dates): one
// document per (reminder, citizen, subject) — the subject names what the date is about (a plate,
// a licence), so one citizen may have several. A new date replaces the old; the scheduler sends
// each (reminder, citizen, subject, date, days before) once.
import { createHash } from 'node:crypto';
import type { Doc, Store } from '../store/index.js';

export interface ReminderDate extends Doc {
  department: string;
  /** Reminder ref, <department>/<id>. */
  reminder: string;
  openid: string;
  subject: string;
  /** YYYY-MM-DD, city date. */
  date: string;
  /** Values for the reminder's {placeholders}. */
  data: Record<string, string>;
  updatedAt: string;
}

export const reminderDatesOf = (store: Store) => store.collection<ReminderDate>('reminder-dates', { indexes: ['openid', 'reminder'] });

export const reminderDateId = (reminder: string, openid: string, subject: string) =>
  `d-${createHash('sha256').update(`${reminder}\n${openid}\n${subject}`).digest('hex').slice(0, 32)}`;
