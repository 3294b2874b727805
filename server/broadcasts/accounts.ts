// Which accounts broadcast: every account of the city whose own file has a `broadcasts` property
// (topics/account.json or topics/accounts/<id>.json; siblings never inherit it). Each issue is
// keyed by its account's id, and everything it does with WeChat goes through that account's client.
import { NotFoundError } from '../errors.js';
import { can, requireCapability, type Capability } from '../capabilities/index.js';
import type { AccountBuild } from '../builder/index.js';
import type { BroadcastAccount, BroadcastDeps, Delivery } from './broadcast-types.js';

/** The account as the broadcasts room sees it, or undefined when its file configures no broadcasts. */
export function broadcastAccountOf(id: string, build: AccountBuild): BroadcastAccount | undefined {
  const { account } = build;
  if (!account.broadcasts) return undefined;
  return { id, name: account.name, type: account.type, verified: account.verified ?? true, config: account.broadcasts };
}

export function accountOf(deps: Pick<BroadcastDeps, 'accounts'>, id: string): BroadcastAccount {
  const found = deps.accounts().find((a) => a.id === id);
  if (!found) throw new NotFoundError('该公众号没有配置群发（账号文件中的 broadcasts）');
  return found;
}

/** What WeChat must allow the account for a delivery mode; publishing (freepublish) is not a mass send. */
export function deliveryCapability(mode: Delivery['mode']): Capability | undefined {
  return mode === 'openids' ? 'mass-send-by-openid' : mode === 'sendall' ? 'broadcast' : undefined;
}

/** True when the account may send (and preview) in this mode; see the capability matrix. */
export function canDeliver(account: BroadcastAccount, mode: Delivery['mode']): boolean {
  const needed = deliveryCapability(mode);
  return !needed || can(account, needed);
}

/**
 * Refuses (CAPABILITY_MISSING, HTTP 409, in Chinese) an account WeChat does not let mass-send
 * this way: an unverified account has no mass send at all; only service accounts send to openids.
 */
export function requireDelivery(account: BroadcastAccount, mode: Delivery['mode'] | 'preview'): void {
  const needed = mode === 'preview' ? 'broadcast' : deliveryCapability(mode);
  if (needed) requireCapability(account, needed);
}
