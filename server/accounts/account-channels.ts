// What the loop and the desk need to send to a citizen through the account a record came through,
// made from the registry once, in one place (the composition root and the console pass it on).
import { can } from '../capabilities/index.js';
import type { WechatClient } from '../wechat/index.js';
import type { AccountRegistry } from './account-registry.js';

export interface AccountChannel {
  id: string;
  primary: boolean;
  client: WechatClient;
  /** May send template messages (a verified service account). */
  templates: boolean;
  /** The account's own appointment template, read at send time so a publish changes it. */
  appointmentTemplateId?: string;
}

/** `account` absent: the primary. An id the city does not have throws NotFoundError. */
export function accountChannelOf(accounts: AccountRegistry): (account: string | undefined) => AccountChannel {
  return (account) => {
    const r = accounts.of(account);
    const templateId = r.live.current().account.notifications?.appointmentTemplateId;
    return { id: r.id, primary: r.info.primary, client: r.client, templates: can(r.info, 'template-message'), ...(templateId ? { appointmentTemplateId: templateId } : {}) };
  };
}

/** The client a desk reply to a ticket of `account` goes out through. */
export function accountClientOf(accounts: AccountRegistry): (account: string | undefined) => WechatClient {
  return (account) => accounts.of(account).client;
}
