// Domain error code -> HTTP status: one table over the ErrorCode union, so a new code does not
// compile until it has a status here. Every surface's error renderer asks this table.
import { AppError, type ErrorCode } from '../errors.js';
import { storageError } from '../store/index.js';

const STATUS: Readonly<Record<ErrorCode, number>> = {
  INTERNAL: 500,
  VALIDATION: 400,
  BUILD_FAILED: 422,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_UPLOADS: 429,
  AMOUNT_MISMATCH: 400,
  UPLOAD_QUOTA_FILES: 429,
  UPLOAD_QUOTA_BYTES: 413,
  TOO_MANY_QUERIES: 429,
  QUERY_SOURCE_UNAVAILABLE: 503,
  CAPABILITY_MISSING: 409,
  SIGNED_LINK_INVALID: 403,
  WECHAT_API: 502,
  WECHAT_CRYPTO: 500, // the WeChat router answers these itself (401 / 400); elsewhere they are our fault
  CONFIG: 500,
  STORAGE_FULL: 507,
  STORAGE_UNAVAILABLE: 503,
};

/** The HTTP status of a domain error; for other errors (body parser, multer) their own 4xx, else 500. */
export function statusOf(raw: unknown): number {
  // A full or failing disk met by code that writes files itself (uploads streaming to disk) is
  // the same 507/503 as one met by the store.
  const err = storageError(raw, 'HTTP');
  if (err instanceof AppError) return STATUS[err.code];
  const status = (err as { status?: number; statusCode?: number })?.status ?? (err as { statusCode?: number })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

export interface ErrorBody {
  code: string;
  message: string;
  details: unknown;
}

/** The error as the renderers see it: a raw disk error becomes the store's StorageFull/Unavailable error. */
export const domainErrorOf = (raw: unknown, where: string): unknown => storageError(raw, where);

/** What any surface tells the caller: the domain error's own code and Chinese message, never a stack. */
export function errorBodyOf(err: unknown, status: number): ErrorBody {
  if (err instanceof AppError) return { code: err.code, message: err.message, details: err.details ?? null };
  if (status < 500) {
    // Body-parser and multer errors: client mistakes with their own status.
    const e = err as { type?: string; code?: string; message?: string };
    return { code: e.code ?? e.type ?? 'BAD_REQUEST', message: '请求格式不正确', details: e.message ?? null };
  }
  return { code: 'INTERNAL', message: '服务器内部错误，请稍后再试', details: null };
}
