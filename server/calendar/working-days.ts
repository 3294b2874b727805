// Working-day arithmetic on the city calendar (Asia/Shanghai dates): Monday-Friday are working
// days unless listed as holidays; weekend dates listed as workdays are make-up working days.
import type { Calendar, WeeklyHours } from '../model/index.js';
import { minutesOfDay } from './minutes-of-day.js';

const CITY_OFFSET_MS = 8 * 3600 * 1000; // China Standard Time, no DST
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The city's local date (YYYY-MM-DD) of an instant. */
export function cityDate(at: Date): string {
  return new Date(at.getTime() + CITY_OFFSET_MS).toISOString().slice(0, 10);
}

/** Minutes since the city's local midnight. */
export function cityMinutes(at: Date): number {
  const local = new Date(at.getTime() + CITY_OFFSET_MS);
  return local.getUTCHours() * 60 + local.getUTCMinutes();
}

export function weekdayOf(date: string): Weekday {
  return WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
}

/** The instant of a city-local date and HH:MM. */
export function cityInstant(date: string, hhmm: string): Date {
  return new Date(new Date(`${date}T${hhmm === '24:00' ? '00:00' : hhmm}:00Z`).getTime() - CITY_OFFSET_MS + (hhmm === '24:00' ? 86400000 : 0));
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function isWorkingDay(date: string, calendar: Calendar): boolean {
  if (calendar.workdays.includes(date)) return true;
  if (calendar.holidays.includes(date)) return false;
  const wd = weekdayOf(date);
  return wd !== 'sat' && wd !== 'sun';
}

/** The n-th working day after date (n = 0: date itself if working, else the next working day). */
export function addWorkingDays(date: string, n: number, calendar: Calendar): string {
  let d = date;
  if (n === 0) {
    while (!isWorkingDay(d, calendar)) d = addDays(d, 1);
    return d;
  }
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    if (isWorkingDay(d, calendar)) left--;
  }
  return d;
}

/** Working days strictly after `from` up to and including `to` (0 when to <= from). */
export function workingDaysBetween(from: string, to: string, calendar: Calendar): number {
  let count = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(d, calendar)) count++;
  return count;
}

/** Whether weekly hours (plus closed dates and, optionally, the city calendar) are open at an instant. */
export function isOpenAt(hours: WeeklyHours, at: Date, options: { closedDates?: string[]; calendar?: Calendar } = {}): boolean {
  const date = cityDate(at);
  if (options.closedDates?.includes(date)) return false;
  if (options.calendar?.holidays.includes(date)) return false;
  const minutes = cityMinutes(at);
  return (hours[weekdayOf(date)] ?? []).some((r) => minutes >= minutesOfDay(r.open) && minutes < minutesOfDay(r.close));
}

/**
 * The next instant at or after `at` when the hours are open (searching up to 30 days),
 * or undefined if never. Used for "a person will answer by ...".
 */
export function nextOpening(hours: WeeklyHours, at: Date, options: { closedDates?: string[]; calendar?: Calendar } = {}): Date | undefined {
  if (isOpenAt(hours, at, options)) return at;
  const today = cityDate(at);
  for (let i = 0; i < 30; i++) {
    const date = addDays(today, i);
    if (options.closedDates?.includes(date) || options.calendar?.holidays.includes(date)) continue;
    const ranges = [...(hours[weekdayOf(date)] ?? [])].sort((a, b) => minutesOfDay(a.open) - minutesOfDay(b.open));
    for (const r of ranges) {
      const start = cityInstant(date, r.open);
      if (start.getTime() >= at.getTime()) return start;
    }
  }
  return undefined;
}

/**
 * Minutes between two instants during which the weekly hours are open, on the same rules as
 * isOpenAt (closed on the calendar's holidays and on closed dates): the working-hours clock of a
 * desk's reply time. 0 when to <= from.
 */
export function openMinutesBetween(hours: WeeklyHours, from: Date, to: Date, options: { closedDates?: string[]; calendar?: Calendar } = {}): number {
  return openMinutesCounter(hours, options)(from, to);
}

const DAY_MS = 86_400_000;

/** openMinutesBetween for many pairs at once: each city day's open periods are worked out once. */
export function openMinutesCounter(hours: WeeklyHours, options: { closedDates?: string[]; calendar?: Calendar } = {}): (from: Date, to: Date) => number {
  const days = new Map<number, Array<[number, number]>>();
  const periods = (day: number) => {
    let p = days.get(day);
    if (!p) {
      const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
      const closed = options.closedDates?.includes(date) || options.calendar?.holidays.includes(date);
      p = closed ? [] : (hours[weekdayOf(date)] ?? []).map((r) => [cityInstant(date, r.open).getTime(), cityInstant(date, r.close).getTime()] as [number, number]);
      days.set(day, p);
    }
    return p;
  };
  return (from, to) => {
    const a = from.getTime();
    const b = to.getTime();
    if (!(b > a)) return 0;
    let total = 0;
    const first = Math.floor((a + CITY_OFFSET_MS) / DAY_MS);
    const last = Math.min(Math.floor((b + CITY_OFFSET_MS) / DAY_MS), first + 3700);
    for (let day = first; day <= last; day++) {
      for (const [start, end] of periods(day)) {
        const lo = Math.max(start, a);
        const hi = Math.min(end, b);
        if (hi > lo) total += hi - lo;
      }
    }
    return total / 60_000;
  };
}
