// Who is calling: citizens by their WeChat openid (a signed session cookie set by WeChat OAuth or,
// in local mode, by POST /auth/local), staff and department systems by bearer token (stored hashed).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../errors.js';
import type { StaffActor } from '../loop/index.js';
import type { Store } from '../store/index.js';
import { hashToken, staffTokensOf } from '../desk/index.js';

export const CITIZEN_COOKIE = 'os_citizen';
/** A session older than this is refused whatever the cookie's own expiry says. */
export const CITIZEN_SESSION_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
/** Tolerated clock skew between servers for an issued-at time in the future. */
const FUTURE_SKEW_MS = 5 * 60 * 1000;
const OPENID = /^[A-Za-z0-9_-]{1,64}$/;
const PURPOSE = /^[a-z][a-z0-9-]*$/;

/** What requireStaff puts in res.locals.staff: the loop's StaffActor. */
export type StaffIdentity = StaffActor;
export type { StaffActor };

// The purpose is part of the MAC, so a value signed for one use (the OAuth state cookie) can never
// be presented as another (a citizen session). Purposes have no ':' so the prefix is unambiguous.
function mac(purpose: string, payload: string, secret: string): string {
  if (!PURPOSE.test(purpose)) throw new Error(`invalid signing purpose: ${purpose}`);
  return createHmac('sha256', secret).update(`${purpose}:${payload}`).digest('base64url');
}

/** `<base64url(value)>.<HMAC-SHA256(purpose + ":" + payload)>`, for cookies. */
export function signValue(purpose: string, value: string, secret: string): string {
  const payload = Buffer.from(value, 'utf8').toString('base64url');
  return `${payload}.${mac(purpose, payload, secret)}`;
}

/** The value signed for this purpose, or undefined when absent, malformed, forged or signed for another purpose. */
export function readSignedValue(purpose: string, token: string | undefined, secret: string): string | undefined {
  if (!token) return undefined;
  const [payload, given, extra] = token.split('.');
  if (!payload || !given || extra !== undefined) return undefined;
  const expected = Buffer.from(mac(purpose, payload, secret));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  return Buffer.from(payload, 'base64url').toString('utf8');
}

/** An account id as the registry spells it (accounts/<id>.json). */
const ACCOUNT = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * The session cookie value: the openid, when it was issued (seconds) and, for a citizen who came
 * through a further account (its signed link), that account's id, signed for 'citizen'. Openids
 * differ per account, so whatever the citizen does in this session belongs to that account.
 */
export function signCitizenSession(openid: string, secret: string, now = new Date(), account?: string): string {
  if (!OPENID.test(openid)) throw new ValidationError('openid 须为 1~64 位字母、数字、下划线或连字符', { field: 'openid' });
  if (account !== undefined && !ACCOUNT.test(account)) throw new ValidationError('公众号编号无效', { field: 'account' });
  return signValue('citizen', `${openid}|${Math.floor(now.getTime() / 1000)}${account !== undefined ? `|${account}` : ''}`, secret);
}

export interface CitizenSession {
  openid: string;
  /** The account the citizen came through; absent: the primary (and every session issued before). */
  account?: string;
}

/** The session of a genuine cookie issued within the last 30 days; undefined otherwise. */
export function readCitizenIdentity(cookieValue: string | undefined, secret: string, now = new Date()): CitizenSession | undefined {
  const value = readSignedValue('citizen', cookieValue, secret);
  const m = value === undefined ? null : /^([A-Za-z0-9_-]{1,64})\|(\d{1,12})(?:\|([a-z][a-z0-9-]{0,31}))?$/.exec(value);
  if (!m) return undefined;
  const issuedMs = Number(m[2]) * 1000;
  const age = now.getTime() - issuedMs;
  if (age > CITIZEN_SESSION_MAX_AGE_MS || age < -FUTURE_SKEW_MS) return undefined;
  return { openid: m[1]!, ...(m[3] ? { account: m[3] } : {}) };
}

/**
 * Which account a browser last signed in through, kept a year in its own signed cookie: the citizen
 * session expires after 30 days, and a follower of a further account must then sign in through that
 * account again (an openid exists only on its own AppID), not through the primary's web authorisation.
 * It identifies nobody: it holds an account id only.
 */
export const ACCOUNT_HINT_COOKIE = 'os_account';
export const ACCOUNT_HINT_MAX_AGE_MS = 365 * 24 * 3600 * 1000;
const ACCOUNT_HINT_PURPOSE = 'account-hint';

export function signAccountHint(account: string, secret: string): string {
  if (!ACCOUNT.test(account)) throw new ValidationError('公众号编号无效', { field: 'account' });
  return signValue(ACCOUNT_HINT_PURPOSE, account, secret);
}

/** The account id of a genuine hint cookie; undefined for none, a forged or a malformed one. */
export function readAccountHint(cookieValue: string | undefined, secret: string): string | undefined {
  const value = readSignedValue(ACCOUNT_HINT_PURPOSE, cookieValue, secret);
  return value !== undefined && ACCOUNT.test(value) ? value : undefined;
}

/** The openid of a genuine session issued within the last 30 days; undefined otherwise. */
export function readCitizenSession(cookieValue: string | undefined, secret: string, now = new Date()): string | undefined {
  return readCitizenIdentity(cookieValue, secret, now)?.openid;
}

/**
 * One cookie from the request. A value that is not valid percent-encoding (`%E0%A4%A`) reads as
 * absent: a broken cookie means "not signed in", never a 500.
 */
export function readCookie(req: Request, name: string): string | undefined {
  const parsed = (req as Request & { cookies?: Record<string, unknown> }).cookies;
  if (parsed && typeof parsed[name] === 'string') return parsed[name];
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface CitizenGuardOptions {
  /**
   * Origins (e.g. [config.publicBaseUrl]) allowed to send state-changing requests besides the
   * request's own host. Routers should pass [config.publicBaseUrl].
   */
  allowedOrigins?: string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const CROSS_SITE = '拒绝跨站提交：请在本站页面内操作';

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Why a state-changing request must be refused as cross-site, or undefined when it may pass.
 * SameSite=Lax alone still lets a plain cross-site form POST through in some browsers and setups,
 * so browsers' own statements are checked: Sec-Fetch-Site must be same-origin/none, and Origin
 * must be this site. The own origin is built from the Host header with either scheme, because
 * behind a TLS-terminating proxy req.protocol reads "http" (the Host still pins the site).
 * Requests with neither header (curl, server-to-server, old browsers) pass.
 */
export function crossSiteReason(req: Request, options: CitizenGuardOptions = {}): string | undefined {
  if (SAFE_METHODS.has(req.method)) return undefined;
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site: ${site}`;
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return undefined;
  const host = (req.headers.host ?? '').toLowerCase();
  const allowed = new Set((options.allowedOrigins ?? []).map(originOf).filter((o): o is string => !!o));
  if (host) for (const scheme of ['http', 'https']) allowed.add(`${scheme}://${host}`);
  return allowed.has(origin.toLowerCase()) ? undefined : `Origin: ${origin}`;
}

/** Refuses (403) a state-changing request sent from another site; see crossSiteReason. */
export function sameOriginOnly(options: CitizenGuardOptions = {}) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const reason = crossSiteReason(req, options);
    next(reason ? new ForbiddenError(CROSS_SITE, { reason }) : undefined);
  };
}

/**
 * Sets res.locals.openid from the session cookie; 401 when absent, forged or expired. Every
 * citizen route uses it, so it also refuses cross-site POST/PUT/PATCH/DELETE with 403 (CSRF).
 */
export function requireCitizen(secret: string, options: CitizenGuardOptions = {}) {
  return (req: Request, res: Response, next: NextFunction) => {
    const reason = crossSiteReason(req, options);
    if (reason) return next(new ForbiddenError(CROSS_SITE, { reason }));
    const session = readCitizenIdentity(readCookie(req, CITIZEN_COOKIE), secret);
    if (!session) return next(new UnauthorizedError('请先在微信中打开本页面或登录'));
    res.locals.openid = session.openid;
    res.locals.citizenAccount = session.account;
    next();
  };
}

/** Like requireCitizen but lets anonymous callers through (res.locals.openid undefined). */
export function optionalCitizen(secret: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const session = readCitizenIdentity(readCookie(req, CITIZEN_COOKIE), secret);
    res.locals.openid = session?.openid;
    res.locals.citizenAccount = session?.account;
    next();
  };
}

/** Sets res.locals.staff from `Authorization: Bearer <token>`; 401 otherwise, and for a revoked token. */
export function requireStaff(store: Store) {
  const tokens = staffTokensOf(store);
  return async (req: Request, res: Response, next: NextFunction) => {
    const m = /^Bearer\s+(\S+)$/.exec(req.headers.authorization ?? '');
    const found = m?.[1] ? await tokens.get(hashToken(m[1])) : undefined;
    if (!found) return next(new UnauthorizedError('缺少或无效的部门访问令牌'));
    if (found.revokedAt) return next(new UnauthorizedError('该部门访问令牌已被吊销，请向管理员申请新令牌'));
    res.locals.staff = { department: found.department, label: found.label } satisfies StaffIdentity;
    next();
  };
}
