// Citizen sign-in. With WeChat credentials: OAuth snsapi_base (silent, gives the openid only).
// In local mode: a test sign-in where anyone may type an openid, clearly marked and 404 otherwise.
// Both end with the signed session cookie from identity.ts.
import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { NotFoundError, UnauthorizedError, ValidationError, WechatApiError } from '../../errors.js';
import { redactSecrets } from '../../wechat/index.js';
import { can, type AccountRegistry } from '../../accounts/index.js';
import { ACCOUNT_HINT_COOKIE, ACCOUNT_HINT_MAX_AGE_MS, CITIZEN_COOKIE, CITIZEN_SESSION_MAX_AGE_MS, readAccountHint, readCookie, readSignedValue, sameOriginOnly, signAccountHint, signCitizenSession, signValue } from '../identity.js';
import { safeNext } from '../safe-next.js';
import type { RouterDeps } from '../router-deps.js';

const OAUTH_COOKIE = 'os_oauth';
/** Signing purpose of the state cookie: never accepted where a citizen session is expected. */
const OAUTH_PURPOSE = 'oauth-state';
const OPENID = /^[A-Za-z0-9_-]{1,64}$/;

export type CitizenAuthDeps = RouterDeps & {
  /** The city's accounts: a further account's follower signs in through that account. Absent: one account. */
  accounts?: AccountRegistry;
};

export function createCitizenAuthRouter(deps: CitizenAuthDeps) {
  const { config } = deps;
  const router = express.Router();
  const secure = config.publicBaseUrl.startsWith('https://');
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure, path: '/' };
  const signIn = (res: Response, openid: string, account?: string) =>
    // The cookie lives exactly as long as the signed session is accepted (30 days).
    res.cookie(CITIZEN_COOKIE, signCitizenSession(openid, config.sessionSecret, new Date(), account), { ...cookieOptions, maxAge: CITIZEN_SESSION_MAX_AGE_MS });
  // Remembers the account of a further account's sign-in (the primary's clears it): see ACCOUNT_HINT_COOKIE.
  const hint = (res: Response, account: string | undefined) =>
    account === undefined
      ? res.clearCookie(ACCOUNT_HINT_COOKIE, cookieOptions)
      : res.cookie(ACCOUNT_HINT_COOKIE, signAccountHint(account, config.sessionSecret), { ...cookieOptions, maxAge: ACCOUNT_HINT_MAX_AGE_MS });

  const localOnly = (_req: Request, _res: Response, next: NextFunction) =>
    next(config.localMode ? undefined : new NotFoundError('页面或接口不存在'));

  router.get('/local', localOnly, (req, res) => {
    res.type('html').send(
      deps.renderer.page('h5/local-login', { title: '本地测试登录', localMode: true, next: safeNext(req.query.next) }),
    );
  });
  // Cross-site checked like every citizen POST: another site must not sign a visitor in as its openid.
  router.post('/local', localOnly, sameOriginOnly(), express.urlencoded({ extended: false, limit: '4kb' }), express.json({ limit: '4kb' }), (req, res) => {
    const openid = typeof req.body?.openid === 'string' ? req.body.openid.trim() : '';
    if (!OPENID.test(openid)) throw new ValidationError('openid 须为 1~64 位字母、数字、下划线或连字符', { field: 'openid' });
    // Optional: test as a follower of a further account (what a signed link of that account gives).
    const account = typeof req.body?.account === 'string' && req.body.account.trim() ? req.body.account.trim() : undefined;
    signIn(res, openid, account);
    if (account !== undefined) hint(res, account);
    if (req.is('application/json')) res.json({ openid, ...(account ? { account } : {}) });
    else res.redirect(303, safeNext(req.body?.next));
  });

  // 退出登录: a form POST from our own pages (a cross-site one is refused, so no page can sign a citizen out).
  router.post('/logout', sameOriginOnly(), (_req, res) => {
    res.clearCookie(CITIZEN_COOKIE, cookieOptions);
    res.redirect(303, '/');
  });

  const wechatOnly = (_req: Request, _res: Response, next: NextFunction) =>
    next(config.wechat.appId ? undefined : new NotFoundError('页面或接口不存在'));

  /**
   * The account to sign in through: `?account=` when the city has it, else the account this browser
   * last signed in through (the hint cookie), else the primary. The citizen's records belong to the
   * openid of the account they came through, so a further account's follower must not come back as
   * the primary's openid after the 30-day session ran out.
   */
  const accountFor = (req: Request) => {
    const asked = typeof req.query.account === 'string' ? req.query.account : undefined;
    const hinted = readAccountHint(readCookie(req, ACCOUNT_HINT_COOKIE), config.sessionSecret);
    const accounts = deps.accounts;
    for (const id of [asked, hinted]) if (id !== undefined && accounts?.has(id)) return accounts.get(id);
    return accounts?.of(undefined);
  };
  const credentialsOf = (account: ReturnType<typeof accountFor>) =>
    account && !account.info.primary
      ? { appId: account.credentials.appId ?? '', secret: account.credentials.secret ?? '' }
      : { appId: config.wechat.appId!, secret: config.wechat.secret ?? '' };
  router.get('/wechat', wechatOnly, (req, res) => {
    const next = safeNext(req.query.next);
    const account = accountFor(req);
    if (account && !account.info.primary && !can(account.info, 'web-oauth')) {
      // A subscription account has no web authorisation: only a fresh signed link from its chat signs its follower in.
      const primary = deps.accounts!.primary();
      res.setHeader('Cache-Control', 'no-store');
      res.type('html').send(
        deps.renderer.page('h5/sign-in-account', {
          title: '请重新登录',
          localMode: false,
          accountName: account.info.name,
          primaryName: primary.name,
          primaryUrl: `/auth/wechat?next=${encodeURIComponent(next)}&account=${encodeURIComponent(primary.id)}`,
        }),
      );
      return;
    }
    const state = randomBytes(12).toString('hex');
    const through = account && !account.info.primary ? account.id : '';
    // The state, the account and where to go afterwards travel in a signed short-lived cookie, not in a server session.
    res.cookie(OAUTH_COOKIE, signValue(OAUTH_PURPOSE, `${state}|${through}|${next}`, config.sessionSecret), { ...cookieOptions, maxAge: 10 * 60 * 1000 });
    const redirectUri = `${config.publicBaseUrl}/auth/wechat/callback`;
    res.redirect(
      302,
      `https://open.weixin.qq.com/connect/oauth2/authorize?appid=${encodeURIComponent(credentialsOf(account).appId)}` +
        `&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=snsapi_base&state=${state}#wechat_redirect`,
    );
  });

  router.get('/wechat/callback', wechatOnly, async (req, res, next) => {
    try {
      const saved = readSignedValue(OAUTH_PURPOSE, readCookie(req, OAUTH_COOKIE), config.sessionSecret);
      const [state, through, ...rest] = (saved ?? '').split('|');
      if (!state || req.query.state !== state) throw new UnauthorizedError('登录已过期或来源无效，请重新打开页面');
      const code = typeof req.query.code === 'string' ? req.query.code : '';
      if (!code) throw new UnauthorizedError('您未授权登录');
      // The code was issued for the AppID the sign-in started with; an account the city no longer has ends here.
      const account = through && deps.accounts?.has(through) ? deps.accounts.get(through) : undefined;
      if (through && !account) throw new UnauthorizedError('登录已过期或来源无效，请重新打开页面');
      const { appId, secret } = credentialsOf(account);
      const openid = await exchangeCode(config.wechat.apiBase ?? 'https://api.weixin.qq.com', appId, secret, code);
      res.clearCookie(OAUTH_COOKIE, cookieOptions);
      signIn(res, openid, account?.id);
      hint(res, account?.id);
      res.redirect(302, safeNext(rest.join('|')));
    } catch (err) {
      next(err);
    }
  });
  return router;
}

/** GET /sns/oauth2/access_token: the code is single-use and valid for 5 minutes. */
async function exchangeCode(apiBase: string, appId: string, secret: string, code: string): Promise<string> {
  const url = new URL('/sns/oauth2/access_token', apiBase.replace(/\/+$/, '') + '/');
  url.search = new URLSearchParams({ appid: appId, secret, code, grant_type: 'authorization_code' }).toString();
  let reply: { openid?: string; errcode?: number; errmsg?: string };
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    reply = (await response.json()) as typeof reply;
  } catch (err) {
    const detail = redactSecrets((err as Error).message);
    throw new WechatApiError(`无法访问微信登录接口：${detail}`, -1, detail);
  }
  if (reply.errcode || typeof reply.openid !== 'string' || !OPENID.test(reply.openid)) {
    const errmsg = redactSecrets(reply.errmsg ?? '');
    throw new WechatApiError(`微信登录失败（${reply.errcode ?? '无 openid'}）：${errmsg}`, reply.errcode ?? -1, errmsg);
  }
  return reply.openid;
}
