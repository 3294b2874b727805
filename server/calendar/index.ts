// The calendar's front door: city time, working days, opening hours.
// Other rooms import this folder only through this file; everything else in it is private.
export { hhmm, minutesOfDay } from './minutes-of-day.js';
export { addDays, addWorkingDays, cityDate, cityInstant, cityMinutes, isOpenAt, nextOpening, openMinutesBetween, openMinutesCounter, weekdayOf, workingDaysBetween } from './working-days.js';
export { DEFAULT_QUIET_HOURS, quietUntil } from './quiet-hours.js';
export type { QuietHours } from './quiet-hours.js';
