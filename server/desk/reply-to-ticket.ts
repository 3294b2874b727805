// Answering a desk ticket: a customer-service (客服) text message to the citizen. WeChat only
// delivers it within 48 hours of the citizen's last message; when it refuses, the attempt is kept
// on the ticket with WeChat's Chinese explanation and the ticket stays open for another way.
import { ConflictError, WechatApiError } from '../errors.js';
import type { Store } from '../store/index.js';
import type { WechatClient } from '../wechat/index.js';
import { loadTicket, MAX_REPLY, parseText, ticketsOf, type TicketReply, type WorkTicket } from './desk-tickets.js';
import type { WorkScope } from './work-scope.js';

export interface ReplyDeps {
  store: Store;
  /**
   * The client of the account a ticket came through (`ticket.account`, absent: the primary): an
   * openid is only valid on its own account, so a reply never goes through another account's client.
   */
  clientFor: (account: string | undefined) => WechatClient;
  now: () => Date;
}

export async function replyToTicket(deps: ReplyDeps, id: string, scope: WorkScope, actor: string, text: unknown): Promise<WorkTicket> {
  const body = parseText(text, '回复内容', MAX_REPLY, 'text');
  await loadTicket(deps.store, id, scope);
  // One reply at a time per ticket: a second click cannot race a close or send twice unseen.
  return deps.store.withLock(`desk-reply:${id}`, async () => {
    const current = await loadTicket(deps.store, id, scope);
    if (current.status === 'closed') throw new ConflictError('工单已关闭，不能再回复');
    const at = deps.now().toISOString();
    const record = (reply: TicketReply, answered: boolean) =>
      ticketsOf(deps.store).update(id, (t) => ({
        ...t,
        ...(answered ? { status: 'answered' as const, answeredAt: t.answeredAt ?? at, answeredBy: t.answeredBy ?? actor } : {}),
        replies: [...(t.replies ?? []), reply],
      }));
    try {
      await deps.clientFor(current.account).sendText(current.openid, body);
    } catch (err) {
      if (!(err instanceof WechatApiError)) throw err;
      await record({ at, by: actor, text: body, sent: false, error: err.message }, false);
      throw err;
    }
    return record({ at, by: actor, text: body, sent: true }, true);
  });
}
