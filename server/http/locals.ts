// What the HTTP edge's middleware puts in res.locals, typed once for every router.
import type { Response } from 'express';
import type { SessionUser } from '../console/index.js';
import { UnauthorizedError } from '../errors.js';
import type { StaffActor } from '../loop/index.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express declares Locals in this namespace
  namespace Express {
    interface Locals {
      /** The citizen's openid: set by requireCitizen (always) or optionalCitizen (when signed in). */
      openid?: string;
      /** The account the citizen came through (set with openid); undefined: the primary. */
      citizenAccount?: string;
      /** The department staff member or system: set by requireStaff from the bearer token. */
      staff?: StaffActor;
      /** The console user, their session's CSRF token and session key: set by the console's loadSession. */
      user?: SessionUser;
      csrfToken?: string;
      sessionKey?: string;
    }
  }
}

export {};

/** The openid set by requireCitizen (or optionalCitizen + signInRedirect); 401 if a route forgot the guard. */
export function citizenOf(res: Response): string {
  const openid = res.locals.openid;
  if (typeof openid !== 'string') throw new UnauthorizedError('请先在微信中打开本页面或登录');
  return openid;
}

/** The account the signed-in citizen came through, for the records they create; undefined: the primary. */
export function citizenAccountOf(res: Response): string | undefined {
  return res.locals.citizenAccount;
}

/** `{ account }` for a record the citizen creates, or nothing for the primary (records without it read as the primary). */
export function citizenAccountField(res: Response): { account?: string } {
  const account = res.locals.citizenAccount;
  return account !== undefined ? { account } : {};
}

/** The staff identity set by requireStaff; 401 if a route forgot the guard. */
export function staffOf(res: Response): StaffActor {
  const staff = res.locals.staff;
  if (!staff) throw new UnauthorizedError('缺少或无效的部门访问令牌');
  return staff;
}
