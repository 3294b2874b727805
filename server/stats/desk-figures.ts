// The human desk's figures: tickets arrived, still open, overdue; first-reply time in working
// hours (the desk's weekly hours on the city calendar, holidays closed) as median and 90th
// percentile; and how many tickets were answered within the promise the gateway gave the citizen
// (same working day while the desk is open, else by the end of its next opening day).
import type { AccountBuild } from '../builder/index.js';
import { openMinutesBetween } from '../calendar/index.js';
import { ticketTiming } from '../desk/index.js';

type Ticket = Parameters<typeof ticketTiming>[1];

export interface DeskFigures {
  total: number;
  open: number;
  /** Open past the promise. */
  overdue: number;
  answered: number;
  /** Answered after the promise. */
  late: number;
  /** Messages (a ticket holds a conversation) still waiting for a person. */
  awaitingMessages: number;
  /** First reply in working minutes; null without answered tickets. */
  replyMedianMinutes: number | null;
  replyP90Minutes: number | null;
  /** Answered by the promise / promises that fell due (answered late or not answered in time). */
  promise: { kept: number; broken: number; pending: number; share: number | null };
}

/** Linear interpolation between closest ranks (Excel's PERCENTILE.INC); null for no values. */
export function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * q;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function deskFigures(build: AccountBuild, tickets: Ticket[], now: Date): DeskFigures {
  const { desk, calendar } = build.account;
  const out: DeskFigures = {
    total: 0, open: 0, overdue: 0, answered: 0, late: 0, awaitingMessages: 0, replyMedianMinutes: null, replyP90Minutes: null,
    promise: { kept: 0, broken: 0, pending: 0, share: null },
  };
  const replyMinutes: number[] = [];
  for (const t of tickets) {
    const timing = ticketTiming(build.account, t, now);
    out.total += 1;
    if (t.status === 'open') {
      out.open += 1;
      out.awaitingMessages += 1 + (t.messages?.length ?? 0);
    }
    if (timing.overdue) out.overdue += 1;
    if (timing.late) out.late += 1;
    const due = timing.dueAt ? new Date(timing.dueAt) : undefined;
    if (t.answeredAt) {
      out.answered += 1;
      replyMinutes.push(openMinutesBetween(desk.hours, new Date(t.createdAt), new Date(t.answeredAt), { calendar }));
      if (timing.late) out.promise.broken += 1;
      else out.promise.kept += 1;
    } else if (due && now > due) out.promise.broken += 1;
    else out.promise.pending += 1;
  }
  out.replyMedianMinutes = quantile(replyMinutes, 0.5);
  out.replyP90Minutes = quantile(replyMinutes, 0.9);
  const decided = out.promise.kept + out.promise.broken;
  out.promise.share = decided > 0 ? out.promise.kept / decided : null;
  return out;
}
