// Where the access_token lives. Every fetch of /cgi-bin/token invalidates the previous token, so
// all server processes must share one stored token and serialise refreshes (docs/wechat.md §5).
import { type Doc, KeyedLock, type Store } from '../store/index.js';

/** wechat-api's token object: expireTime is a ms epoch, already 10 s before WeChat's expiry. */
export interface StoredToken {
  accessToken: string;
  expireTime: number;
  /** Where it came from: /cgi-bin/stable_token or the classic /cgi-bin/token (absent: classic, before stable_token). */
  source?: 'stable' | 'classic';
  /** ms epochs of stable_token force refreshes in the last 24 h: WeChat allows 20 a day, 30 s apart. */
  forcedAt?: number[];
}

export interface TokenStore {
  get(): Promise<StoredToken | null>;
  /** null clears the token so the next call fetches a fresh one. */
  save(token: StoredToken | null): Promise<void>;
  /** Runs fn exclusively among everyone sharing this token, so only one of them refreshes it. */
  withLock<R>(fn: () => Promise<R>): Promise<R>;
}

interface TokenDoc extends Doc, StoredToken {}

/** Keeps the token in the 'wechat-tokens' collection, one document per AppID. */
export function createStoreTokenStore(store: Store, appId: string): TokenStore {
  const tokens = store.collection<TokenDoc>('wechat-tokens');
  return {
    async get() {
      const doc = await tokens.get(appId);
      // A cleared token (empty) still carries the force-refresh record.
      if (!doc) return null;
      const { id: _id, ...token } = doc;
      return token;
    },
    async save(token) {
      if (token) await tokens.put({ ...token, id: appId });
      else await tokens.delete(appId);
    },
    withLock: (fn) => store.withLock(`wechat-token:${appId}`, fn),
  };
}

/** For the CLI: one process, one token, nothing to share. */
export function createMemoryTokenStore(): TokenStore {
  let current: StoredToken | null = null;
  const lock = new KeyedLock();
  return {
    async get() {
      return current && { ...current };
    },
    async save(token) {
      current = token && { ...token };
    },
    withLock: (fn) => lock.run('token', fn),
  };
}
