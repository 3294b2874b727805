// The one module that imports wechat-api (callback-based, unmaintained since 2017). It turns each
// call into a promise, shares the access_token through a TokenStore, and does what wechat-api
// does not: on a token error it clears the stored token, fetches a fresh one and retries once.
import { createRequire } from 'node:module';
import { WechatApiError } from '../errors.js';
import type { WechatMenu } from '../builder/index.js';
import type { AnalyticsApi, ArticleTotalDetail, BroadcastApi, DraftArticle, MassSendResult, NewsArticle, SubscriptionMessage, TemplateData, TemplateMessage, WechatClient } from './client-types.js';
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
  /** ms epoch clock (tests); defaults to Date.now. */
  now?: () => number;
}

type Callback = (err: (Error & { code?: unknown }) | null, data?: unknown) => void;

/** The slice of wechat-api we use. Underscored methods skip its preRequest (which never forces a refresh). */
interface WechatApi {
  endpoint: string;
  mpPrefix: string;
  fileServerPrefix: string;
  token: StoredToken;
  setOpts(opts: { timeout: number }): void;
  getAccessToken(callback: (err: Error | null, token?: StoredToken) => void): void;
  _createMenu(menu: WechatMenu, callback: Callback): void;
  _getMenu(callback: Callback): void;
  _sendText(openid: string, text: string, callback: Callback): void;
  _sendNews(openid: string, articles: NewsArticle[], callback: Callback): void;
  _sendTemplate(openid: string, templateId: string, url: string, data: TemplateData, callback: Callback): void;
}
type WechatApiConstructor = new (
  appId: string,
  secret: string,
  getToken: (callback: (err: Error | null, token?: StoredToken | null) => void) => void,
  saveToken: (token: StoredToken, callback: (err: Error | null) => void) => void,
) => WechatApi;

const require = createRequire(import.meta.url);
const WechatApiClass = require('wechat-api') as WechatApiConstructor;

const usable = (t: StoredToken | null, rejected?: string): t is StoredToken =>
  !!t && !!t.accessToken && t.accessToken !== rejected && Date.now() < t.expireTime;

/**
 * urllib puts the full request URL in its error messages, query string included: the AppSecret
 * (token fetch) and the access_token (every other call). Messages reach the audit log and the
 * console, so every text this client produces goes through here.
 */
export function redactSecrets(text: string): string {
  return text.replace(/(secret|access_token)=[^&\s]+/gi, '$1=***');
}

function toWechatError(err: Error & { code?: unknown }, data: unknown, base: string): WechatApiError {
  const reply = data as { errcode?: unknown; errmsg?: unknown } | undefined;
  if (reply && typeof reply.errcode === 'number' && reply.errcode !== 0) {
    const errmsg = redactSecrets(typeof reply.errmsg === 'string' ? reply.errmsg : '');
    return new WechatApiError(redactSecrets(wechatErrorMessage(reply.errcode, errmsg)), reply.errcode, errmsg);
  }
  // No errcode: the request itself failed (network, timeout, a redirect, a proxy answering HTML).
  // fetch says only "fetch failed"; what happened is its cause.
  const cause = (err as Error & { cause?: unknown }).cause;
  const why = cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : '';
  const detail = redactSecrets(why && !err.message.includes(why) ? `${err.message}: ${why}` : err.message);
  return new WechatApiError(`无法访问微信接口 ${redactSecrets(base)}：${detail}`, -1, detail);
}

export function createWechatClient(opts: WechatClientOptions): WechatClient {
  const base = (opts.apiBase ?? DEFAULT_WECHAT_API_BASE).replace(/\/+$/, '');
  const { tokenStore } = opts;
  // wechat-api's own hooks also go to the shared store, so nothing keeps a private token.
  const api = new WechatApiClass(
    opts.appId,
    opts.secret,
    (cb) => void tokenStore.get().then((t) => cb(null, t), (e: Error) => cb(e)),
    (t, cb) =>
      void tokenStore
        .save({ accessToken: t.accessToken, expireTime: t.expireTime })
        .then(() => cb(null), (e: Error) => cb(e)),
  );
  // wechat-api builds every URL from these fields; there is no PREFIX constant to patch.
  api.endpoint = base;
  api.mpPrefix = `${base}/cgi-bin/`;
  api.fileServerPrefix = `${base}/cgi-bin/`;
  api.setOpts({ timeout: opts.timeoutMs ?? 10_000 });

  const fetchToken = () =>
    new Promise<StoredToken>((resolve, reject) =>
      api.getAccessToken((err, token) => {
        if (err || !token) reject(toWechatError(err ?? new Error('No token'), errorReply(err), base));
        else resolve({ accessToken: token.accessToken, expireTime: token.expireTime });
      }),
    );

  const direct = createDirectCalls({ ...opts, base, fetchClassicToken: fetchToken, validToken: (rejected) => validToken(rejected) });

  /** A valid token; `rejected` is one WeChat just refused, which must not be reused. */
  async function validToken(rejected?: string): Promise<StoredToken> {
    const cached = await tokenStore.get();
    if (usable(cached, rejected)) return cached;
    return tokenStore.withLock(async () => {
      // Another process may have refreshed while we waited for the lock: use its token.
      const current = await tokenStore.get();
      if (usable(current, rejected)) return current;
      // Cleared first, so a failed fetch leaves no refused token behind (the force-refresh record stays).
      const held = current as StoredToken | null; // usable() narrowed it to null, but it may hold a refused or expired token
      if (held?.accessToken) await tokenStore.save({ ...held, accessToken: '', expireTime: 0 });
      const token = await direct.obtainToken(held, rejected);
      await tokenStore.save(token);
      return token;
    });
  }

  const once = <T>(token: StoredToken, invoke: (cb: Callback) => void) =>
    new Promise<T>((resolve, reject) => {
      // The underscored method reads api.token synchronously, so concurrent calls cannot mix tokens.
      api.token = token;
      invoke((err, data) => (err ? reject(toWechatError(err, data ?? errorReply(err), base)) : resolve(data as T)));
    });

  async function call<T>(invoke: (cb: Callback) => void): Promise<T> {
    const token = await validToken();
    try {
      return await once<T>(token, invoke);
    } catch (err) {
      if (!(err instanceof WechatApiError) || !TOKEN_ERROR_CODES.has(err.errcode)) throw err;
      return once<T>(await validToken(token.accessToken), invoke);
    }
  }

  return {
    async createMenu(menu) {
      await call((cb) => api._createMenu(menu, cb));
    },
    getMenu: () => call((cb) => api._getMenu(cb)),
    async sendText(openid, text) {
      await call((cb) => api._sendText(openid, text, cb));
    },
    async sendNews(openid, articles) {
      await call((cb) => api._sendNews(openid, articles, cb));
    },
    async sendTemplate(openid, templateId, url, data) {
      await call((cb) => api._sendTemplate(openid, templateId, url, data, cb));
    },
    broadcasts: createBroadcastApi(base, validToken, opts.timeoutMs ?? 10_000),
    sendTemplateMessage: (message) => direct.sendTemplateMessage(message),
    sendSubscriptionMessage: (message) => direct.sendSubscriptionMessage(message),
    analytics: createAnalyticsApi(direct.call),
  };
}

/** wechat-api's wrapper puts the errcode on err.code and the message in err.message. */
function errorReply(err: (Error & { code?: unknown }) | null): unknown {
  return err && typeof err.code === 'number' ? { errcode: err.code, errmsg: err.message } : undefined;
}

// ==== Broadcasts (群发) ==========================================================================
// Drafts, permanent material, mass sends and publishing over Node's fetch: wechat-api predates
// draft/add and freepublish and cannot send clientmsgid. Same token store and the same one retry
// on a token error as the calls above. A reply without an errcode of 0 becomes a WechatApiError with
// a Chinese message; no reply at all (timeout, network) becomes errcode -1 whose outcome is unknown,
// which is why every mass send carries a clientmsgid (a retry cannot send twice).

type TokenSource = (rejected?: string) => Promise<StoredToken>;

function noAnswer(path: string, err: unknown, timeoutMs: number): WechatApiError {
  const e = err as Error;
  const timedOut = e?.name === 'TimeoutError' || e?.name === 'AbortError';
  const detail = timedOut ? `timeout after ${timeoutMs} ms` : redactSecrets(String(e?.message ?? err));
  const message = timedOut ? `微信接口 ${path} 在 ${timeoutMs / 1000} 秒内没有应答，结果未知（可安全重试）` : `无法访问微信接口 ${path}：${detail}`;
  return new WechatApiError(message, -1, detail);
}

function createBroadcastApi(base: string, validToken: TokenSource, timeoutMs: number): BroadcastApi {
  async function post<T extends Record<string, unknown>>(path: string, body: Record<string, unknown> | (() => FormData)): Promise<T> {
    const attempt = async (token: StoredToken): Promise<Record<string, unknown>> => {
      const sep = path.includes('?') ? '&' : '?';
      const url = `${base}/cgi-bin/${path}${sep}access_token=${encodeURIComponent(token.accessToken)}`;
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          // A multipart body is built per attempt: a FormData stream cannot be sent twice.
          ...(typeof body === 'function' ? { body: body() } : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error',
        });
      } catch (err) {
        throw noAnswer(path.split('?')[0]!, err, timeoutMs);
      }
      try {
        return (await res.json()) as Record<string, unknown>;
      } catch {
        throw new WechatApiError(`微信接口 ${path.split('?')[0]} 的应答不是 JSON（HTTP ${res.status}）`, -1, `HTTP ${res.status}`);
      }
    };
    const token = await validToken();
    let data = await attempt(token);
    if (typeof data.errcode === 'number' && TOKEN_ERROR_CODES.has(data.errcode)) data = await attempt(await validToken(token.accessToken));
    if (typeof data.errcode === 'number' && data.errcode !== 0) {
      const errmsg = redactSecrets(typeof data.errmsg === 'string' ? data.errmsg : '');
      const error = new WechatApiError(redactSecrets(wechatErrorMessage(data.errcode, errmsg)), data.errcode, errmsg);
      // 45065: this clientmsgid was already sent; WeChat names the earlier msg_id.
      if (data.errcode === 45065) Object.assign(error, { reply: data });
      throw error;
    }
    return data as T;
  }

  const file = (bytes: Buffer, filename: string, mime: string) => () => {
    const form = new FormData();
    form.append('media', new Blob([new Uint8Array(bytes)], { type: mime }), filename);
    return form;
  };
  const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
  const massResult = (r: Record<string, unknown>): MassSendResult => ({ msgId: String(r.msg_id ?? ''), msgDataId: str(r.msg_data_id) });

  return {
    async uploadBodyImage(bytes, filename, mime) {
      const r = await post<{ url?: string }>('media/uploadimg', file(bytes, filename, mime));
      return String(r.url ?? '');
    },
    async addImageMaterial(bytes, filename, mime) {
      const r = await post<{ media_id?: string; url?: string }>('material/add_material?type=image', file(bytes, filename, mime));
      return { mediaId: String(r.media_id ?? ''), url: str(r.url) };
    },
    async addDraft(articles: DraftArticle[]) {
      const r = await post<{ media_id?: string }>('draft/add', { articles: articles.map((a) => ({ article_type: 'news', ...a })) });
      return String(r.media_id ?? '');
    },
    async preview(to, mediaId) {
      await post('message/mass/preview', { ...('openid' in to ? { touser: to.openid } : { towxname: to.wxname }), msgtype: 'mpnews', mpnews: { media_id: mediaId } });
    },
    async sendAll(mediaId, audience, clientmsgid) {
      const filter = audience.tagId === undefined ? { is_to_all: true } : { is_to_all: false, tag_id: audience.tagId };
      return massResult(await post('message/mass/sendall', { filter, mpnews: { media_id: mediaId }, msgtype: 'mpnews', send_ignore_reprint: 0, clientmsgid }));
    },
    async sendToOpenids(mediaId, openids, clientmsgid) {
      return massResult(await post('message/mass/send', { touser: openids, mpnews: { media_id: mediaId }, msgtype: 'mpnews', send_ignore_reprint: 0, clientmsgid }));
    },
    async publish(mediaId) {
      const r = await post<{ publish_id?: unknown; msg_data_id?: unknown }>('freepublish/submit', { media_id: mediaId });
      return { publishId: String(r.publish_id ?? ''), msgDataId: str(r.msg_data_id) };
    },
    async publishStatus(publishId) {
      const r = await post<{ publish_status?: unknown; article_detail?: { item?: Array<{ article_url?: string }> } }>('freepublish/get', { publish_id: publishId });
      return { status: Number(r.publish_status ?? -1), articleUrls: (r.article_detail?.item ?? []).map((i) => String(i.article_url ?? '')).filter(Boolean) };
    },
    async massStatus(msgId) {
      // msg_id goes back as a number, as mass/sendall gave it (64-bit ids beyond 2^53 are not issued for mass sends).
      const r = await post<{ msg_status?: unknown }>('message/mass/get', { msg_id: /^\d+$/.test(msgId) ? Number(msgId) : msgId });
      return { status: String(r.msg_status ?? '') };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Direct calls (Node's fetch, postForText) for what wechat-api cannot do — notices (issue 10):
// /cgi-bin/stable_token, template send with client_msg_id, /cgi-bin/message/subscribe/bizsend.
// ---------------------------------------------------------------------------------------------

const DAY_MS = 24 * 3600_000;
/** stable_token's force mode: at most 20 a day, at least 30 s apart (docs/wechat.md §5). */
export const STABLE_FORCE_PER_DAY = 20;
export const STABLE_FORCE_GAP_MS = 30_000;

interface DirectDeps extends WechatClientOptions {
  base: string;
  fetchClassicToken(): Promise<StoredToken>;
  validToken(rejected?: string): Promise<StoredToken>;
}

/**
 * POST a JSON body and read the whole reply as text, within timeoutMs. The timer is cleared as soon
 * as the reply is read: AbortSignal.timeout would keep the signal, and through it the request and
 * its response, alive for the whole timeout, so at hundreds of notices a second each send's objects
 * outlived the young generation and grew the heap by tens of MB between major collections.
 */
async function postForText(url: string, body: string, timeoutMs: number): Promise<string> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), timeoutMs);
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: abort.signal, redirect: 'error' });
    return await res.text();
  } finally {
    clearTimeout(timer);
  }
}

function createDirectCalls(deps: DirectDeps) {
  const now = deps.now ?? Date.now;
  const timeoutMs = deps.timeoutMs ?? 10_000;

  /** The reply; `msgid` read from the text as digits, since a 64-bit msgid does not survive JSON.parse. */
  async function post<T>(path: string, body: unknown): Promise<T & { errcode?: number; errmsg?: string; msgidText?: string }> {
    let reply: unknown;
    let text = '';
    try {
      text = await postForText(`${deps.base}${path}`, JSON.stringify(body), timeoutMs);
      reply = JSON.parse(text);
    } catch (err) {
      throw toWechatError(err as Error, undefined, deps.base);
    }
    const r = reply as T & { errcode?: number; errmsg?: string; msgidText?: string };
    const msgid = /"msgid"\s*:\s*"?(\d+)/.exec(text)?.[1];
    if (msgid) r.msgidText = msgid;
    if (typeof r.errcode === 'number' && r.errcode !== 0) throw toWechatError(new Error(String(r.errmsg)), r, deps.base);
    return r;
  }

  /** Normal mode returns the token WeChat currently holds (several processes get the same one); force mode replaces it. */
  async function stableToken(force: boolean): Promise<StoredToken> {
    const started = now();
    const r = await post<{ access_token?: string; expires_in?: number }>('/cgi-bin/stable_token', {
      grant_type: 'client_credential',
      appid: deps.appId,
      secret: deps.secret,
      force_refresh: force,
    });
    if (typeof r.access_token !== 'string' || typeof r.expires_in !== 'number') throw new WechatApiError('微信接口返回的 stable_token 格式不正确', -1, 'bad stable_token reply');
    // As wechat-api does for the classic token: 10 s early, so a token never expires in flight.
    return { accessToken: r.access_token, expireTime: started + (r.expires_in - 10) * 1000, source: 'stable' };
  }

  /**
   * The next token to store. stable_token in normal mode first; when WeChat refused the stable
   * token we hold, force mode (within its limits) replaces it; otherwise, or when stable_token
   * fails, the classic /cgi-bin/token, which is isolated from stable tokens.
   */
  async function obtainToken(current: StoredToken | null, rejected?: string): Promise<StoredToken> {
    const t = now();
    const forcedAt = (current?.forcedAt ?? []).filter((at) => t - at < DAY_MS);
    // Normal mode would hand back the very token WeChat refused: only force mode replaces it.
    const refusedStable = rejected !== undefined && current?.source === 'stable' && current.accessToken === rejected;
    const mayForce = forcedAt.length < STABLE_FORCE_PER_DAY && t - (forcedAt.at(-1) ?? -Infinity) >= STABLE_FORCE_GAP_MS;
    if (!refusedStable || mayForce) {
      try {
        const token = await stableToken(refusedStable);
        if (token.accessToken !== rejected) return { ...token, forcedAt: refusedStable ? [...forcedAt, t] : forcedAt };
      } catch {
        // Fall through to the classic token; its error is the one reported if it fails too.
      }
    }
    const classic = await deps.fetchClassicToken();
    return { accessToken: classic.accessToken, expireTime: classic.expireTime, source: 'classic', forcedAt };
  }

  /** One API call with the shared token; on a token error, once more with a fresh token. */
  async function call<T>(path: string, body: unknown) {
    const token = await deps.validToken();
    try {
      return await post<T>(`${path}?access_token=${encodeURIComponent(token.accessToken)}`, body);
    } catch (err) {
      if (!(err instanceof WechatApiError) || !TOKEN_ERROR_CODES.has(err.errcode)) throw err;
      const fresh = await deps.validToken(token.accessToken);
      return post<T>(`${path}?access_token=${encodeURIComponent(fresh.accessToken)}`, body);
    }
  }

  return {
    obtainToken,
    call,
    async sendTemplateMessage(m: TemplateMessage): Promise<{ msgid: string }> {
      const r = await call<object>('/cgi-bin/message/template/send', {
        touser: m.touser,
        template_id: m.templateId,
        ...(m.url ? { url: m.url } : {}),
        ...(m.clientMsgId ? { client_msg_id: m.clientMsgId } : {}),
        data: m.data,
      });
      return { msgid: r.msgidText ?? '' };
    },
    async sendSubscriptionMessage(m: SubscriptionMessage): Promise<{ msgid?: string }> {
      const r = await call<object>('/cgi-bin/message/subscribe/bizsend', {
        touser: m.touser,
        template_id: m.templateId,
        ...(m.page ? { page: m.page } : {}),
        data: m.data,
      });
      return r.msgidText === undefined ? {} : { msgid: r.msgidText };

    },
  };
}

// ---------------------------------------------------------------------------------------------
// Data APIs (数据统计, /datacube/...) over fetch, for the evaluation dashboard (issue 13). Verified
// accounts only; a day's figures are ready after 08:00 the next day. The legacy getarticlesummary /
// getarticletotal / getuserread family is no longer maintained: published content is read with
// getarticletotaldetail, one publish date per call.
// ---------------------------------------------------------------------------------------------

type DirectCall = <T>(path: string, body: unknown) => Promise<T & { errcode?: number; errmsg?: string }>;

const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || 0);

function createAnalyticsApi(call: DirectCall): AnalyticsApi {
  return {
    async articleTotalDetail(publishDate) {
      const r = await call<{ list?: unknown; is_delay?: unknown }>('/datacube/getarticletotaldetail', { begin_date: publishDate, end_date: publishDate });
      const list = Array.isArray(r.list) ? (r.list as Array<Record<string, unknown>>) : [];
      const articles: ArticleTotalDetail[] = list.map((a) => ({
        refDate: String(a.ref_date ?? publishDate),
        msgid: String(a.msgid ?? ''),
        title: String(a.title ?? ''),
        url: String(a.content_url ?? ''),
        ...(a.publish_type === undefined ? {} : { publishType: count(a.publish_type) }),
        days: (Array.isArray(a.detail_list) ? (a.detail_list as Array<Record<string, unknown>>) : []).map((d) => ({
          statDate: String(d.stat_date ?? ''),
          readUser: count(d.read_user),
          shareUser: count(d.share_user),
          likeUser: count(d.like_user),
          zaikanUser: count(d.zaikan_user),
          commentCount: count(d.comment_count),
          collectionUser: count(d.collection_user),
        })),
      }));
      return { delayed: r.is_delay === true || r.is_delay === 'true', articles };
    },
  };
}
