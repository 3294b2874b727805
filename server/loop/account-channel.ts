// Which WeChat client a notice about a record goes through: the client of the account the record
// came through. A record without `account` is the primary's; a sibling follower's openid is never
// sent through another account's client (it would reach nobody, or the wrong person).
import type { AccountChannel, LoopDeps } from './deps.js';

export type ChannelChoice = { kind: 'primary' } | { kind: 'sibling'; channel: AccountChannel } | { kind: 'unknown'; account: string; error: string };

export function channelOf(deps: Pick<LoopDeps, 'live' | 'accountOf'>, account: string | undefined): ChannelChoice {
  if (account === undefined || account === deps.live.current().account.id) return { kind: 'primary' };
  if (!deps.accountOf) return { kind: 'unknown', account, error: `本平台没有公众号“${account}”的微信接口，通知未发送` };
  try {
    const channel = deps.accountOf(account);
    return channel.primary ? { kind: 'primary' } : { kind: 'sibling', channel };
  } catch (err) {
    return { kind: 'unknown', account, error: `${(err as Error).message}，通知未发送` };
  }
}

/** The customer-service (客服) text standing in for a template message on an account without them, or with no template for it. */
export function noticeText(title: string, fields: string[], url: string): string {
  return `【${title}】${fields.filter(Boolean).join('，')}。查看详情：${url}`;
}
