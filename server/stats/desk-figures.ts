// The human desk's figures: tickets arrived, still open, overdue; first-reply time in working
// hours (the desk's weekly hours on the city calendar, holidays closed) as median and 90th
// percentile; and how many tickets were answered within the promise the gateway gave the citizen
// (same working day while the desk is open, else by the end of its next opening day).
import type { AccountBuild } from '../builder/index.js';
import { cityDate, minutesOfDay, openMinutesCounter, weekdayOf } from '../calendar/index.js';
import { ticketTiming } from '../desk/index.js';
import { perDoc } from './per-doc.js';

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

/**
 * The desk's promise (ticketTiming's due instant) for an arrival, memoised: it is the same for every
 * arrival between two consecutive opening/closing times of one day, so 20,000 tickets need a few
 * hundred computations.
 */
const CITY_OFFSET_MS = 8 * 3_600_000;

function dueOfArrival(account: AccountBuild['account'], now: Date): (createdAt: string) => number | undefined {
  const memo = new Map<string, number | undefined>();
  const boundsOfDay = new Map<number, number[]>();
  return (createdAt) => {
    const local = Date.parse(createdAt) + CITY_OFFSET_MS;
    const day = Math.floor(local / 86_400_000);
    const minutes = Math.floor((local - day * 86_400_000) / 60_000);
    let bounds = boundsOfDay.get(day);
    if (!bounds) {
      const date = cityDate(new Date(Date.parse(createdAt)));
      bounds = (account.desk.hours[weekdayOf(date)] ?? []).flatMap((r) => [minutesOfDay(r.open), minutesOfDay(r.close)]);
      boundsOfDay.set(day, bounds);
    }
    let bucket = 0;
    for (const b of bounds) if (b <= minutes) bucket++;
    const key = `${day}|${bucket}`;
    if (!memo.has(key)) {
      const dueAt = ticketTiming(account, { id: '', openid: '', text: '', msgType: 'text', createdAt, status: 'open' }, now).dueAt;
      memo.set(key, dueAt ? Date.parse(dueAt) : undefined);
    }
    return memo.get(key);
  };
}

/** A ticket's promised instant (ms; undefined: no promise) and, once answered, its first reply in working minutes. */
const timing = perDoc<Ticket, { due: number | undefined; replyMinutes: number | undefined; late: boolean }>();

export function deskFigures(build: AccountBuild, tickets: readonly Ticket[], now: Date): DeskFigures {
  const { desk, calendar } = build.account;
  const dueOf = dueOfArrival(build.account, now);
  const workingMinutes = openMinutesCounter(desk.hours, { calendar });
  const nowMs = now.getTime();
  const out: DeskFigures = {
    total: 0, open: 0, overdue: 0, answered: 0, late: 0, awaitingMessages: 0, replyMedianMinutes: null, replyP90Minutes: null,
    promise: { kept: 0, broken: 0, pending: 0, share: null },
  };
  const replyMinutes: number[] = [];
  for (const t of tickets) {
    // The same rules as the desk's ticketTiming: overdue = open past the promise, late = answered after it.
    const { due, replyMinutes: minutes, late } = timing(t, build, () => {
      const d = dueOf(t.createdAt);
      return {
        due: d,
        replyMinutes: t.answeredAt ? workingMinutes(new Date(t.createdAt), new Date(t.answeredAt)) : undefined,
        late: !!t.answeredAt && d !== undefined && Date.parse(t.answeredAt) > d,
      };
    });
    out.total += 1;
    if (t.status === 'open') {
      out.open += 1;
      out.awaitingMessages += 1 + (t.messages?.length ?? 0);
      if (due !== undefined && nowMs > due) out.overdue += 1;
    }
    if (late) out.late += 1;
    if (t.answeredAt) {
      out.answered += 1;
      replyMinutes.push(minutes ?? 0);
      if (late) out.promise.broken += 1;
      else out.promise.kept += 1;
    } else if (due !== undefined && nowMs > due) out.promise.broken += 1;
    else out.promise.pending += 1;
  }
  out.replyMedianMinutes = quantile(replyMinutes, 0.5);
  out.replyP90Minutes = quantile(replyMinutes, 0.9);
  const decided = out.promise.kept + out.promise.broken;
  out.promise.share = decided > 0 ? out.promise.kept / decided : null;
  return out;
}
