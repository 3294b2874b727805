// The one module that calls WeChat's API (api.weixin.qq.com, or WECHAT_API_BASE), on Node's own
// fetch. It shares the access_token through a TokenStore and, on a token error, clears it,
// fetches a fresh one and retries once. It replaced the wechat-api package, whose pinned urllib
// 2.21.0 and 20 other unmaintained packages carried the AppSecret (see the README).
import { WechatApiError } from '../errors.js';
import type { WechatMenu } from '../builder/index.js';
import type { NewsArticle, TemplateData, WechatClient } from './client-types.js';
import { TOKEN_ERROR_CODES, wechatErrorMessage } from './error-messages.js';
import type { StoredToken, TokenStore } from './token-store.js';

export const DEFAULT_WECHAT_API_BASE = 'https://api.weixin.qq.com';

export interface WechatClientOptions {
  appId: string;
  secret: string;
  /** Replaces https://api.weixin.qq.com, e.g. http://127.0.0.1:3000/_wechat or an egress proxy. */
  apiBase?: string;
  tokenStore: TokenStore;
  timeoutMs?: number;
}

type WechatReply = Record<string, unknown> & { errcode?: unknown; errmsg?: unknown };

const usable = (t: StoredToken | null, rejected?: string): t is StoredToken =>
  !!t && !!t.accessToken && t.accessToken !== rejected && Date.now() < t.expireTime;

/**
 * The AppSecret (token fetch) and the access_token (every other call) travel in query strings,
 * and messages reach the audit log and the console, so every text this client produces goes
 * through here.
 */
export function redactSecrets(text: string): string {
  return text.replace(/(secret|access_token)=[^&\s]+/gi, '$1=***');
}

/** fetch says "fetch failed" and keeps the reason (ECONNRESET, a TLS error...) in err.cause. */
function describe(err: unknown): string {
  const e = err as Error & { cause?: { message?: string; code?: string } };
  const cause = e.cause?.message ?? e.cause?.code;
  return cause && cause !== e.message ? `${e.message}（${cause}）` : String(e.message ?? err);
}

export function createWechatClient(opts: WechatClientOptions): WechatClient {
  const base = (opts.apiBase ?? DEFAULT_WECHAT_API_BASE).replace(/\/+$/, '');
  const { tokenStore } = opts;
  const timeoutMs = opts.timeoutMs ?? 10_000;

  // No errcode: the request itself failed (network, timeout, a proxy answering HTML).
  const unreachable = (detail: string) => {
    const safe = redactSecrets(detail);
    return new WechatApiError(`无法访问微信接口 ${redactSecrets(base)}：${safe}`, -1, safe);
  };

  async function request(path: string, query: Record<string, string>, body?: unknown): Promise<WechatReply> {
    const url = new URL(`${base}/cgi-bin/${path}`);
    url.search = new URLSearchParams(query).toString();
    let status: number;
    let text: string;
    try {
      const res = await fetch(url, {
        method: body === undefined ? 'GET' : 'POST',
        signal: AbortSignal.timeout(timeoutMs),
        ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) }),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      throw unreachable(describe(err));
    }
    let reply: unknown;
    try {
      reply = JSON.parse(text);
    } catch {
      throw unreachable(`HTTP ${status}，响应不是 JSON`);
    }
    if (!reply || typeof reply !== 'object') throw unreachable(`HTTP ${status}，响应不是 JSON 对象`);
    const { errcode, errmsg } = reply as WechatReply;
    if (typeof errcode === 'number' && errcode !== 0) {
      const message = redactSecrets(typeof errmsg === 'string' ? errmsg : '');
      throw new WechatApiError(redactSecrets(wechatErrorMessage(errcode, message)), errcode, message);
    }
    if (status < 200 || status >= 300) throw unreachable(`HTTP ${status}`);
    return reply as WechatReply;
  }

  async function fetchToken(): Promise<StoredToken> {
    const reply = await request('token', { grant_type: 'client_credential', appid: opts.appId, secret: opts.secret });
    if (typeof reply.access_token !== 'string' || !reply.access_token || typeof reply.expires_in !== 'number') {
      throw unreachable('微信未返回 access_token');
    }
    // 10 s early, so a token is never used in its last seconds.
    const token = { accessToken: reply.access_token, expireTime: Date.now() + (reply.expires_in - 10) * 1000 };
    await tokenStore.save(token);
    return token;
  }

  /** A valid token; `rejected` is one WeChat just refused, which must not be reused. */
  async function validToken(rejected?: string): Promise<StoredToken> {
    const cached = await tokenStore.get();
    if (usable(cached, rejected)) return cached;
    return tokenStore.withLock(async () => {
      // Another process may have refreshed while we waited for the lock: use its token.
      const current = await tokenStore.get();
      if (usable(current, rejected)) return current;
      if (current) await tokenStore.save(null);
      return fetchToken();
    });
  }

  async function call(path: string, body?: unknown): Promise<WechatReply> {
    const token = await validToken();
    try {
      return await request(path, { access_token: token.accessToken }, body);
    } catch (err) {
      if (!(err instanceof WechatApiError) || !TOKEN_ERROR_CODES.has(err.errcode)) throw err;
      return request(path, { access_token: (await validToken(token.accessToken)).accessToken }, body);
    }
  }

  return {
    async createMenu(menu: WechatMenu) {
      await call('menu/create', menu);
    },
    getMenu: () => call('menu/get'),
    async sendText(openid: string, text: string) {
      await call('message/custom/send', { touser: openid, msgtype: 'text', text: { content: text } });
    },
    async sendNews(openid: string, articles: NewsArticle[]) {
      await call('message/custom/send', { touser: openid, msgtype: 'news', news: { articles } });
    },
    async sendTemplate(openid: string, templateId: string, url: string, data: TemplateData) {
      await call('message/template/send', { touser: openid, template_id: templateId, url, data });
    },
  };
}
