// The city's accounts at run time: for each, its live build, its WeChat client and its publisher.
// Rooms and routers that act for one account ask the registry; the primary account is also the
// app-wide `live` build (H5 pages, the loop).
import type { AccountBuild } from '../builder/index.js';
import type { AccountType } from '../capabilities/index.js';
import { NotFoundError } from '../errors.js';
import type { LiveBuild } from '../live-build.js';
import type { Publisher } from '../publish/index.js';
import type { WechatClient } from '../wechat/index.js';
import type { AccountCredentials } from './credentials.js';

export interface AccountInfo {
  id: string;
  name: string;
  type: AccountType;
  organiser?: string;
  cooperating: string[];
  internal: boolean;
  verified: boolean;
  primary: boolean;
  /** /wechat/<id>; the primary also answers on /wechat. */
  callbackPath: string;
}

export interface AccountRuntime {
  id: string;
  live: LiveBuild;
  client: WechatClient;
  publisher: Publisher;
  credentials: AccountCredentials;
}

export interface AccountRegistry {
  /** The primary first, then the others by id. */
  list(): AccountInfo[];
  primary(): AccountInfo;
  has(id: string): boolean;
  /** Throws NotFoundError for an unknown id. */
  get(id: string): AccountRuntime & { info: AccountInfo };
  /** Every runtime in list() order. */
  runtimes(): Array<AccountRuntime & { info: AccountInfo }>;
  /**
   * The account a record came through (its `account` field): absent means the primary (records
   * written before several accounts). An id the city no longer has throws NotFoundError, so a
   * sibling follower's openid is never sent through another account's client.
   */
  of(account: string | undefined): AccountRuntime & { info: AccountInfo };
}

export function accountInfoOf(build: AccountBuild, id: string, primary: boolean): AccountInfo {
  const a = build.account;
  return {
    id,
    name: a.name,
    type: a.type,
    ...(a.organiser !== undefined ? { organiser: a.organiser } : {}),
    cooperating: [...(a.cooperating ?? [])],
    internal: a.internal ?? false,
    verified: a.verified ?? true,
    primary,
    callbackPath: `/wechat/${id}`,
  };
}

/** runtimes: the primary first. */
export function createAccountRegistry(runtimes: AccountRuntime[]): AccountRegistry {
  if (runtimes.length === 0) throw new Error('a city has at least one account');
  const byId = new Map(runtimes.map((r, i) => [r.id, { runtime: r, primary: i === 0 }]));
  const withInfo = (r: AccountRuntime, primary: boolean) => ({ ...r, info: accountInfoOf(r.live.current(), r.id, primary) });
  const ordered = () => runtimes.map((r, i) => withInfo(r, i === 0));
  return {
    list: () => ordered().map((r) => r.info),
    primary: () => withInfo(runtimes[0]!, true).info,
    has: (id) => byId.has(id),
    get(id) {
      const found = byId.get(id);
      if (!found) throw new NotFoundError(`没有编号为“${id}”的公众号`);
      return withInfo(found.runtime, found.primary);
    },
    runtimes: ordered,
    of(account) {
      if (account === undefined) return withInfo(runtimes[0]!, true);
      const found = byId.get(account);
      if (!found) throw new NotFoundError(`没有编号为“${account}”的公众号：这条记录来自的公众号已不在本市的配置中`, { account });
      return withInfo(found.runtime, found.primary);
    },
  };
}
