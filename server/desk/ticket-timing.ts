// How long a desk ticket has waited against what the citizen was promised. The promise is the
// one the gateway's acknowledgement gave (deskAnswerTime, at the ticket's arrival): "before HH:MM
// today" while the desk is open, otherwise "from the next opening on", which is due by the end of
// that desk day.
import type { Account } from '../builder/index.js';
import { cityDate, cityInstant, nextOpening, weekdayOf } from '../calendar/index.js';
import { deskAnswerTime } from './desk-handoff.js';
import type { WorkTicket } from './desk-tickets.js';

export interface TicketTiming {
  /** "2 小时 5 分" from arrival to the first answer, the close, or now. */
  waited: string;
  /** The promise in the citizen's words, dated: "11月3日 17:00 前". */
  promise: string;
  dueAt: string | null;
  /** Still open past the promise. */
  overdue: boolean;
  /** Answered, but after the promise. */
  late: boolean;
}

type DeskAccount = Pick<Account, 'desk' | 'calendar'>;

const monthDay = (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;

export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days} 天 ${hours} 小时`;
  if (hours > 0) return `${hours} 小时 ${minutes % 60} 分`;
  return `${minutes} 分钟`;
}

function dueOf(account: DeskAccount, arrived: Date, openUntil: string | undefined): Date | undefined {
  if (openUntil) return cityInstant(cityDate(arrived), openUntil);
  const opening = nextOpening(account.desk.hours, arrived, { calendar: account.calendar });
  if (!opening) return undefined;
  const date = cityDate(opening);
  const closes = (account.desk.hours[weekdayOf(date)] ?? []).map((r) => r.close).sort();
  const last = closes.at(-1);
  return last ? cityInstant(date, last) : undefined;
}

export function ticketTiming(account: DeskAccount, ticket: WorkTicket, now: Date): TicketTiming {
  const arrived = new Date(ticket.createdAt);
  const when = deskAnswerTime(account, arrived);
  const due = dueOf(account, arrived, when.openUntil);
  const promise = when.openUntil
    ? `${monthDay(cityDate(arrived))} ${when.openUntil} 前`
    : when.today && when.time
      ? `${monthDay(cityDate(arrived))} ${when.time} 起，当天答复`
      : when.date && when.time
        ? `${when.date}${when.time} 起，当天答复`
        : '尽快（未设置人工客服时间）';
  const endedAt = ticket.answeredAt ?? ticket.closedAt;
  const end = endedAt ? new Date(endedAt) : now;
  return {
    waited: formatDuration(end.getTime() - arrived.getTime()),
    promise,
    dueAt: due ? due.toISOString() : null,
    overdue: ticket.status === 'open' && !!due && now > due,
    late: !!ticket.answeredAt && !!due && new Date(ticket.answeredAt) > due,
  };
}
