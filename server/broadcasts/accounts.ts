// Which accounts broadcast, from the live build: every account whose file has a `broadcasts`
// property. The city has one account for now, keyed CITY_ACCOUNT_ID; with several accounts each
// brings its own id (see docs/broadcasts.md).
import { NotFoundError } from '../errors.js';
import type { AccountBuild } from '../builder/index.js';
import type { BroadcastAccount, BroadcastDeps } from './broadcast-types.js';

export const CITY_ACCOUNT_ID = 'city';

export function broadcastAccountsOf(build: AccountBuild): BroadcastAccount[] {
  const { account } = build;
  if (!account.broadcasts) return [];
  return [{ id: CITY_ACCOUNT_ID, name: account.name, type: account.type, config: account.broadcasts }];
}

export function accountOf(deps: Pick<BroadcastDeps, 'accounts'>, id: string): BroadcastAccount {
  const found = deps.accounts().find((a) => a.id === id);
  if (!found) throw new NotFoundError('该公众号没有配置群发（账号文件中的 broadcasts）');
  return found;
}
