// Unmatched messages go to the human desk: store a ticket once, and tell the citizen at once
// when a person will answer (same working day, or the next opening of the desk).
import { createHash } from 'node:crypto';
import type { Account } from '../builder/index.js';
import { cityDate, cityMinutes, hhmm, minutesOfDay, nextOpening, weekdayOf } from '../calendar/index.js';
import { ConflictError } from '../errors.js';
import type { Doc, Store } from '../store/index.js';

export interface DeskTicket extends Doc {
  /** The citizen's openid: the desk answers with a customer-service message. */
  openid: string;
  /** What the citizen sent (voice: the recognised text; media: a short description). */
  text: string;
  msgType: string;
  msgId?: string;
  /** Guessed from keywords sharing words with the text, when any. */
  topic?: string;
  department?: string;
  /**
   * The account the citizen wrote to (registry id): the answer goes out through that account's client,
   * since an openid is only valid on its own account. Absent on tickets stored before several accounts (the primary).
   */
  account?: string;
  createdAt: string;
  status: 'open';
  /** Sent from the console's simulator: shown apart, never in the real queue or its figures. */
  simulated?: true;
  /** Later messages of the same conversation, sent while the ticket still awaited an answer. */
  messages?: DeskMessage[];
}

export interface DeskMessage {
  /** The id this message's own ticket would have had: a retried push is recognised by it. */
  id: string;
  at: string;
  text: string;
  msgType: string;
}

/**
 * The ToUserName the console's simulator pushes with (a real account's id is gh_ + 12 characters).
 * Pushes are signed with the account token, so only this server can send one marked like this.
 */
export const SIMULATOR_ACCOUNT_ID = 'gh_onestop_simulator';

export const DESK_TICKETS = 'deskTickets';

/** Ticket ids derive from the push's dedup key, so a retry can never store a second ticket. */
export function deskTicketId(dedupKey: string): string {
  return `dt-${createHash('sha1').update(dedupKey).digest('hex').slice(0, 20)}`;
}

/**
 * One conversation per citizen while it awaits an answer: a message from a citizen whose ticket is
 * still open joins that ticket instead of opening another (staff answer the whole conversation at
 * once). After an answer or a close, the next message opens a new ticket.
 */
export async function storeDeskTicket(store: Store, ticket: DeskTicket): Promise<void> {
  const tickets = store.collection<DeskTicket>(DESK_TICKETS, { indexes: ['openid', 'status'] });
  await store.withLock(`desk-conversation:${ticket.openid}`, async () => {
    if (await tickets.get(ticket.id)) return; // same push already stored: idempotent
    const open = (await tickets.findBy('openid', ticket.openid))
      .filter((t) => t.status === 'open' && !t.simulated === !ticket.simulated && t.account === ticket.account)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
    if (!open) {
      try {
        await tickets.insert(ticket);
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
      }
      return;
    }
    if (open.messages?.some((m) => m.id === ticket.id)) return;
    const message: DeskMessage = { id: ticket.id, at: ticket.createdAt, text: ticket.text, msgType: ticket.msgType };
    await tickets.update(open.id, (t) => ({
      ...t,
      // A later message may name the matter the first did not: take its guess if the ticket has none.
      ...(!t.department && ticket.department ? { department: ticket.department, ...(ticket.topic ? { topic: ticket.topic } : {}) } : {}),
      messages: [...(t.messages ?? []), message],
    }));
  });
}

const WEEKDAY_CN = { sun: '周日', mon: '周一', tue: '周二', wed: '周三', thu: '周四', fri: '周五', sat: '周六' } as const;

export interface DeskAnswerTime {
  /** Open now: a person answers before this time today (HH:MM). */
  openUntil?: string;
  /** Not open now: the next opening, today or on a later date. */
  today?: boolean;
  date?: string;
  time?: string;
}

/** When the desk will answer a message received at `now`. */
export function deskAnswerTime(account: Pick<Account, 'desk' | 'calendar'>, now: Date): DeskAnswerTime {
  const opening = nextOpening(account.desk.hours, now, { calendar: account.calendar });
  if (!opening) return {};
  const today = cityDate(now);
  if (opening.getTime() === now.getTime()) {
    const minutes = cityMinutes(now);
    const range = (account.desk.hours[weekdayOf(today)] ?? []).find((r) => minutes >= minutesOfDay(r.open) && minutes < minutesOfDay(r.close));
    return { openUntil: range?.close ?? '' };
  }
  const date = cityDate(opening);
  const time = hhmm(cityMinutes(opening));
  if (date === today) return { today: true, time };
  const [, month, day] = date.split('-').map(Number);
  return { date: `${month}月${day}日（${WEEKDAY_CN[weekdayOf(date)]}）`, time };
}
