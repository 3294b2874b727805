// The one error middleware: domain error class -> HTTP status, always { code, message, details }.
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors.js';
import { storageError } from '../store/index.js';

const STATUS: Record<string, number> = {
  VALIDATION: 400,
  BUILD_FAILED: 422,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_UPLOADS: 429,
  TOO_MANY_QUERIES: 429,
  QUERY_SOURCE_UNAVAILABLE: 503,
  AMOUNT_MISMATCH: 400,
  WECHAT_API: 502,
  CONFIG: 500,
  STORAGE_FULL: 507,
  STORAGE_UNAVAILABLE: 503,
};

export function statusOf(raw: unknown): number {
  // A full or failing disk met by code that writes files itself (uploads streaming to disk) is
  // the same 507/503 as one met by the store.
  const err = storageError(raw, 'HTTP');
  if (err instanceof AppError) return STATUS[err.code] ?? (err as { status?: number }).status ?? 500;
  const status = (err as { status?: number; statusCode?: number })?.status ?? (err as { statusCode?: number })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

export function errorHandler() {
  return (raw: unknown, req: Request, res: Response, _next: NextFunction) => {
    const err = storageError(raw, `${req.method} ${req.path}`);
    const status = statusOf(err);
    if (res.headersSent) return;
    if (err instanceof AppError) {
      res.status(status).json({ code: err.code, message: err.message, details: err.details ?? null });
      return;
    }
    if (status < 500) {
      // Body-parser and multer errors: client mistakes with their own status.
      const e = err as { type?: string; code?: string; message?: string };
      res.status(status).json({ code: e.code ?? e.type ?? 'BAD_REQUEST', message: '请求格式不正确', details: e.message ?? null });
      return;
    }
    console.error('[onestop] unexpected error', err);
    res.status(500).json({ code: 'INTERNAL', message: '服务器内部错误，请稍后再试', details: null });
  };
}

export function notFoundHandler() {
  return (_req: Request, res: Response) => {
    res.status(404).json({ code: 'NOT_FOUND', message: '页面或接口不存在', details: null });
  };
}
