// The promised time limit (承诺时限) in working days on the city calendar. It starts at the first
// acceptance (受理) and stops while the application is in 补齐补正 or 挂起: the working days after
// the stop day up to and including the resume day are added to the limit.
import { addWorkingDays, workingDaysBetween } from '../../calendar/index.js';
import type { Calendar } from '../../model/index.js';
import type { ApplicationClock, Stage } from '../applications/application-types.js';
import { CLOCK_STOPPED, FINAL_STAGES } from './transitions.js';

export function newClock(timeLimitDays: number): ApplicationClock {
  return { timeLimitDays, startDate: null, pausedWorkingDays: 0, pausedSince: null };
}

/** The clock after a move to `to` on city date `today`. */
export function advanceClock(clock: ApplicationClock, to: Stage, today: string, calendar: Calendar): ApplicationClock {
  const next = { ...clock };
  if (next.pausedSince && !CLOCK_STOPPED.includes(to)) {
    next.pausedWorkingDays += workingDaysBetween(next.pausedSince, today, calendar);
    next.pausedSince = null;
  }
  if (to === 'accepted' && !next.startDate) next.startDate = today;
  if (CLOCK_STOPPED.includes(to) && next.startDate && !next.pausedSince) next.pausedSince = today;
  return next;
}

export interface ClockView {
  timeLimitDays: number;
  startDate: string | null;
  /** Null before acceptance. While stopped it moves one working day later each working day. */
  dueDate: string | null;
  paused: boolean;
  pausedWorkingDays: number;
  /** Open, running and past the due date. */
  overdue: boolean;
}

export function clockView(clock: ApplicationClock, stage: Stage, today: string, calendar: Calendar): ClockView {
  const ongoing = clock.pausedSince ? workingDaysBetween(clock.pausedSince, today, calendar) : 0;
  const pausedWorkingDays = clock.pausedWorkingDays + ongoing;
  const dueDate = clock.startDate ? addWorkingDays(clock.startDate, clock.timeLimitDays + pausedWorkingDays, calendar) : null;
  const paused = clock.pausedSince !== null;
  return {
    timeLimitDays: clock.timeLimitDays,
    startDate: clock.startDate,
    dueDate,
    paused,
    pausedWorkingDays,
    overdue: dueDate !== null && !paused && !FINAL_STAGES.includes(stage) && today > dueDate,
  };
}
