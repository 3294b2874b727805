// Quiet hours in city time: no pushed notice between start and end (a start after the end spans
// midnight, the usual 22:00–08:00). Used by the notices room before every send.
import { minutesOfDay } from './minutes-of-day.js';
import { addDays, cityDate, cityInstant, cityMinutes } from './working-days.js';

export interface QuietHours {
  /** HH:MM city time */
  start: string;
  end: string;
}

export const DEFAULT_QUIET_HOURS: QuietHours = Object.freeze({ start: '22:00', end: '08:00' });

/** When the quiet hours around `at` end, or undefined when `at` is outside them (or start equals end: none). */
export function quietUntil(at: Date, quiet: QuietHours = DEFAULT_QUIET_HOURS): Date | undefined {
  const start = minutesOfDay(quiet.start);
  const end = minutesOfDay(quiet.end);
  if (start === end) return undefined;
  const now = cityMinutes(at);
  const today = cityDate(at);
  if (start < end) return now >= start && now < end ? cityInstant(today, quiet.end) : undefined;
  if (now >= start) return cityInstant(addDays(today, 1), quiet.end);
  if (now < end) return cityInstant(today, quiet.end);
  return undefined;
}
