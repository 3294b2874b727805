// 人工客服: the desk tickets the gateway stores when a citizen's message matched nothing. Staff
// answer, close or pass on the tickets of their departments; the platform team also places the
// tickets whose department could not be guessed, so every message gets an answer.
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { DESK_TICKETS, type DeskTicket } from './desk-handoff.js';
import type { Collection, Store } from '../store/index.js';
import { inScope, type WorkScope } from './work-scope.js';

export type TicketStatus = 'open' | 'answered' | 'closed';
export const TICKET_STATUSES: readonly TicketStatus[] = ['open', 'answered', 'closed'];
export const TICKET_STATUS_NAMES: Readonly<Record<TicketStatus, string>> = { open: '待回复', answered: '已回复', closed: '已关闭' };

/** One attempt to answer: kept even when WeChat refused, so nobody wonders whether it went out. */
export interface TicketReply {
  at: string;
  by: string;
  text: string;
  sent: boolean;
  error?: string;
}

export interface TicketEvent {
  at: string;
  by: string;
  kind: 'assigned' | 'closed';
  from?: string;
  to?: string;
  reason?: string;
}

/** The gateway's ticket as the desk keeps it after a person has handled it. */
export interface WorkTicket extends Omit<DeskTicket, 'status'> {
  status: TicketStatus;
  replies?: TicketReply[];
  events?: TicketEvent[];
  /** The first successful answer: what reply-speed figures count. */
  answeredAt?: string;
  answeredBy?: string;
  closedAt?: string;
}

export const MAX_REPLY = 600;
export const MAX_REASON = 200;

export const ticketsOf = (store: Store): Collection<WorkTicket> =>
  store.collection<WorkTicket>(DESK_TICKETS, { indexes: ['openid', 'status'] });

export function parseText(value: unknown, what: string, max: number, field: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) throw new ValidationError(`请填写${what}`, { field });
  if (text.length > max) throw new ValidationError(`${what}不能超过 ${max} 字（现为 ${text.length} 字）`, { field, max });
  return text;
}

export async function loadTicket(store: Store, id: string, scope: WorkScope): Promise<WorkTicket> {
  const ticket = await ticketsOf(store).get(id);
  if (!ticket || !inScope(scope, ticket.department)) throw new NotFoundError(`工单不存在：${id}`, { id });
  return ticket;
}

/**
 * The real queue: open tickets oldest first (who waited longest is next); handled ones most recent
 * first. Tickets from the console's simulator are never part of it.
 */
export async function listTickets(store: Store, scope: WorkScope, status: TicketStatus = 'open'): Promise<WorkTicket[]> {
  const found = (await ticketsOf(store).findBy('status', status)).filter((t) => !t.simulated && inScope(scope, t.department));
  const handledAt = (t: WorkTicket) => t.closedAt ?? t.replies?.at(-1)?.at ?? t.createdAt;
  return status === 'open'
    ? found.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    : found.sort((a, b) => handledAt(b).localeCompare(handledAt(a)) || a.id.localeCompare(b.id));
}

/** Tickets sent from the console's simulator, newest first, whatever their state: for trying the desk. */
export async function listSimulatedTickets(store: Store, scope: WorkScope): Promise<WorkTicket[]> {
  const found = (await ticketsOf(store).list()).filter((t) => t.simulated && inScope(scope, t.department));
  return found.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
}

/** The citizen's other tickets the scope may see: context for the answer. */
export async function citizenTickets(store: Store, ticket: WorkTicket, scope: WorkScope): Promise<WorkTicket[]> {
  const all = await ticketsOf(store).findBy('openid', ticket.openid);
  return all.filter((t) => t.id !== ticket.id && inScope(scope, t.department)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** When the citizen last wrote (as far as the desk knows): WeChat's 48-hour window runs from it. */
export async function lastMessageAt(store: Store, openid: string): Promise<string | undefined> {
  const all = await ticketsOf(store).findBy('openid', openid);
  return all.flatMap((t) => [t.createdAt, ...(t.messages ?? []).map((m) => m.at)]).sort().at(-1);
}

export interface TicketChange {
  actor: string;
  now: Date;
}

/** Hands an open ticket to another department (or places an unguessed one). */
export async function assignTicket(store: Store, id: string, scope: WorkScope, department: unknown, known: readonly string[], change: TicketChange): Promise<WorkTicket> {
  const ticket = await loadTicket(store, id, scope);
  if (typeof department !== 'string' || !known.includes(department)) throw new ValidationError('请选择要转派的部门', { field: 'department' });
  if (department === ticket.department) throw new ConflictError('工单已属于该部门，无需转派');
  return ticketsOf(store).update(id, (t) => {
    if (t.status !== 'open') throw new ConflictError('工单已回复或已关闭，不能再转派');
    // The topic was guessed together with the old department; it no longer holds.
    const { topic: _topic, ...rest } = t;
    const event: TicketEvent = { at: change.now.toISOString(), by: change.actor, kind: 'assigned', ...(t.department ? { from: t.department } : {}), to: department };
    return { ...rest, department, events: [...(t.events ?? []), event] };
  });
}

/** Closes an open ticket without an answer; the reason stays on record (spam, duplicate, answered by phone). */
export async function closeTicket(store: Store, id: string, scope: WorkScope, reason: unknown, change: TicketChange): Promise<WorkTicket> {
  const text = parseText(reason, '关闭原因', MAX_REASON, 'reason');
  await loadTicket(store, id, scope);
  return ticketsOf(store).update(id, (t) => {
    if (t.status !== 'open') throw new ConflictError(t.status === 'closed' ? '工单已关闭' : '工单已回复，无需关闭');
    const at = change.now.toISOString();
    return { ...t, status: 'closed', closedAt: at, events: [...(t.events ?? []), { at, by: change.actor, kind: 'closed', reason: text }] };
  });
}
