// The JSON error renderer (/api, /wechat's stand-in, anything that is not a page): the status from
// the one table (error-status.ts), always { code, message, details }. Citizen pages have their
// own renderer (pages/page-errors.ts) and the console its page (console/console-router.ts).
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors.js';
import { domainErrorOf, errorBodyOf, statusOf } from './error-status.js';

export { statusOf } from './error-status.js';

export function errorHandler() {
  return (raw: unknown, req: Request, res: Response, _next: NextFunction) => {
    const err = domainErrorOf(raw, `${req.method} ${req.path}`);
    const status = statusOf(err);
    if (res.headersSent) return;
    if (status >= 500 && !(err instanceof AppError)) console.error('[onestop] unexpected error', err);
    res.status(status).json(errorBodyOf(err, status));
  };
}

export function notFoundHandler() {
  return (_req: Request, res: Response) => {
    res.status(404).json({ code: 'NOT_FOUND', message: '页面或接口不存在', details: null });
  };
}
