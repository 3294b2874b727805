// Who is calling: citizens by their WeChat openid (a signed session cookie set by WeChat OAuth or,
// in local mode, by POST /auth/local), staff and department systems by bearer token (stored hashed).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { UnauthorizedError } from '../errors.js';
import type { Store } from '../store/types.js';

export const CITIZEN_COOKIE = 'os_citizen';

export interface StaffToken {
  id: string; // sha256 of the token, hex
  department: string;
  label: string;
  createdAt: string;
}

export interface StaffIdentity {
  department: string;
  label: string;
}

function sign(value: string, secret: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url');
}

export function signCitizenSession(openid: string, secret: string): string {
  const payload = Buffer.from(openid, 'utf8').toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

export function readCitizenSession(cookieValue: string | undefined, secret: string): string | undefined {
  if (!cookieValue) return undefined;
  const [payload, mac] = cookieValue.split('.');
  if (!payload || !mac) return undefined;
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  return Buffer.from(payload, 'base64url').toString('utf8');
}

function cookieFrom(req: Request, name: string): string | undefined {
  const parsed = (req as Request & { cookies?: Record<string, string> }).cookies;
  if (parsed && typeof parsed[name] === 'string') return parsed[name];
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** Sets res.locals.openid from the session cookie; 401 when absent or forged. */
export function requireCitizen(secret: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const openid = readCitizenSession(cookieFrom(req, CITIZEN_COOKIE), secret);
    if (!openid) return next(new UnauthorizedError('请先在微信中打开本页面或登录'));
    res.locals.openid = openid;
    next();
  };
}

/** Like requireCitizen but lets anonymous callers through (res.locals.openid undefined). */
export function optionalCitizen(secret: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    res.locals.openid = readCitizenSession(cookieFrom(req, CITIZEN_COOKIE), secret);
    next();
  };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a staff token for a department; returns the plain token (shown once) and stores its hash. */
export async function createStaffToken(store: Store, department: string, label: string, now = new Date()): Promise<string> {
  const token = `ost_${randomBytes(24).toString('base64url')}`;
  await store.collection<StaffToken>('staffTokens', { indexes: ['department'] }).insert({
    id: hashToken(token),
    department,
    label,
    createdAt: now.toISOString(),
  });
  return token;
}

/** Sets res.locals.staff from `Authorization: Bearer <token>`; 401 otherwise. */
export function requireStaff(store: Store) {
  const tokens = store.collection<StaffToken>('staffTokens', { indexes: ['department'] });
  return async (req: Request, res: Response, next: NextFunction) => {
    const m = /^Bearer\s+(\S+)$/.exec(req.headers.authorization ?? '');
    const found = m?.[1] ? await tokens.get(hashToken(m[1])) : undefined;
    if (!found) return next(new UnauthorizedError('缺少或无效的部门访问令牌'));
    res.locals.staff = { department: found.department, label: found.label } satisfies StaffIdentity;
    next();
  };
}
