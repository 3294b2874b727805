// Console sessions and CSRF. A session is a random id in an httpOnly, SameSite=Strict cookie;
// the store keeps only its sha256, so a copy of the data directory cannot be replayed as a login.
// Each session carries its own synchronizer CSRF token, which every state-changing request must
// echo in a hidden `_csrf` field or an X-CSRF-Token header.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError, UnauthorizedError } from '../../errors.js';
import { readCookie } from '../identity.js';
import type { Doc, Store } from '../../store/index.js';
import { publicUser, usersOf, type Role, type SessionUser } from '../../console/index.js';

export const SESSION_COOKIE = 'os_console';
/** Before login there is no session: the login form's token is bound to this cookie instead. */
export const LOGIN_CSRF_COOKIE = 'os_console_login';
export const SESSION_HOURS = 8;

export interface ConsoleSession extends Doc {
  userId: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
export const randomToken = () => randomBytes(32).toString('base64url');

export function sessionsOf(store: Store) {
  return store.collection<ConsoleSession>('console-sessions');
}

export function cookieOptions(publicBaseUrl: string, maxAgeMs?: number) {
  return {
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: publicBaseUrl.startsWith('https://'),
    path: '/console',
    ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }),
  };
}

export function tokensEqual(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Creates a session and returns the cookie value (the only place the raw id exists). */
export async function startSession(store: Store, userId: string, now: Date): Promise<string> {
  const raw = randomToken();
  await sessionsOf(store).insert({
    id: sha256(raw),
    userId,
    csrfToken: randomToken(),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + SESSION_HOURS * 3600_000).toISOString(),
  });
  return raw;
}

export async function endSession(store: Store, sessionKey: string): Promise<void> {
  await sessionsOf(store).delete(sessionKey);
}

/** Sets res.locals.user / csrfToken / sessionKey when the cookie names a live session. */
export function loadSession(store: Store, now: () => Date) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const raw = readCookie(req, SESSION_COOKIE);
    if (raw) {
      const key = sha256(raw);
      const session = await sessionsOf(store).get(key);
      if (session && new Date(session.expiresAt) > now()) {
        const user = await usersOf(store).get(session.userId);
        if (user && !user.disabled) Object.assign(res.locals, { user: publicUser(user), csrfToken: session.csrfToken, sessionKey: key });
      } else if (session) {
        await sessionsOf(store).delete(key);
      }
    }
    next();
  };
}

const wantsJson = (req: Request) => req.path.startsWith('/api/') || (req.get('accept') ?? '').includes('application/json');

/** Pages redirect to the login form; API calls get a 401 with a Chinese message. */
export function requireLogin() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (res.locals.user) return next();
    if (req.method === 'GET' && !wantsJson(req)) {
      return res.redirect(303, `/console/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
    next(new UnauthorizedError('请先登录管理后台'));
  };
}

export const CSRF_MESSAGE = '安全校验失败（CSRF 令牌缺失或不正确），请刷新页面后重试';

/** Rejects a state-changing request whose token does not match the session's. */
export function requireCsrf() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
    const given = req.get('x-csrf-token') ?? (req.body as Record<string, unknown> | undefined)?._csrf;
    if (!tokensEqual(res.locals.csrfToken ?? '', given)) return next(new ForbiddenError(CSRF_MESSAGE));
    next();
  };
}

export function requireRole(...roles: Role[]) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const user = res.locals.user as SessionUser | undefined;
    if (user && roles.includes(user.role)) return next();
    next(new ForbiddenError('您的角色无权进行此操作'));
  };
}

export { canAccessDepartment, canEditDepartment } from '../../console/index.js';

/** Ends every session of one user: after a password reset or when the account is disabled. */
export async function endUserSessions(store: Store, userId: string): Promise<void> {
  for (const s of await sessionsOf(store).list((s) => s.userId === userId)) await sessionsOf(store).delete(s.id);
}
