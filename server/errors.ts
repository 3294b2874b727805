// Domain errors with stable codes. No HTTP in here: the error middleware maps codes to statuses.

/**
 * Every code an AppError may carry. The HTTP status table (server/http/error-status.ts) is a
 * Record over this union, so a new code does not compile until it has a status.
 */
export type ErrorCode =
  | 'INTERNAL'
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHORIZED'
  | 'BUILD_FAILED'
  | 'WECHAT_API'
  | 'WECHAT_CRYPTO'
  | 'CONFIG'
  | 'STORAGE_FULL'
  | 'STORAGE_UNAVAILABLE'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_UPLOADS'
  | 'AMOUNT_MISMATCH'
  | 'UPLOAD_QUOTA_FILES'
  | 'UPLOAD_QUOTA_BYTES'
  | 'TOO_MANY_QUERIES'
  | 'QUERY_SOURCE_UNAVAILABLE'
  | 'CAPABILITY_MISSING'
  | 'SIGNED_LINK_INVALID';

export class AppError extends Error {
  readonly code: ErrorCode = 'INTERNAL';
  readonly details: unknown;
  constructor(message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class ValidationError extends AppError {
  override readonly code = 'VALIDATION';
}
export class NotFoundError extends AppError {
  override readonly code = 'NOT_FOUND';
}
export class ConflictError extends AppError {
  override readonly code = 'CONFLICT';
}
export class ForbiddenError extends AppError {
  override readonly code = 'FORBIDDEN';
}
export class UnauthorizedError extends AppError {
  override readonly code = 'UNAUTHORIZED';
}
/** A citizen (or caller) ran more queries this minute than the city allows. */
export class TooManyQueriesError extends AppError {
  override readonly code = 'TOO_MANY_QUERIES';
}
/** A query's source (the department's system) is down, slow or answered something unusable. */
export class QuerySourceError extends AppError {
  override readonly code = 'QUERY_SOURCE_UNAVAILABLE';
}
export class BuildFailedError extends AppError {
  override readonly code = 'BUILD_FAILED';
}
/** WeChat answered with a non-zero errcode; message is the Chinese explanation. */
export class WechatApiError extends AppError {
  override readonly code = 'WECHAT_API';
  constructor(
    message: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(message, { errcode, errmsg });
  }
}
export class ConfigError extends AppError {
  override readonly code = 'CONFIG';
}
/** The disk (or the quota) is full: nothing of the write was kept. HTTP 507. */
export class StorageFullError extends AppError {
  override readonly code = 'STORAGE_FULL';
}
/** The disk failed (EIO, read-only file system): nothing of the write was kept. HTTP 503. */
export class StorageUnavailableError extends AppError {
  override readonly code = 'STORAGE_UNAVAILABLE';
}
