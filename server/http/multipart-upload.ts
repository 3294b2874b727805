// Multipart parsing for one service's form, bounded by what the service declares: the body as a
// whole (Content-Length, before reading), the number of files, fields, parts and part headers, and
// each file's size. Files stream to a private incoming folder on disk, so memory stays bounded
// however large or many the bodies; they are moved into place only once every check passed (see
// loop/processing/attachment-files.ts), and whatever is left is removed when the response ends.
// A body that is not well-formed multipart is the client's mistake: 400, never 500.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import type { Attachment } from '../model/index.js';
import { AppError, ValidationError } from '../errors.js';
import { formatSize, incomingDir, PayloadTooLargeError, removeIncoming, type UploadedFile, uploadLimits } from '../loop/index.js';

/** Header lines a part may have (Content-Disposition and Content-Type are all a form sends). */
const HEADER_PAIRS = 20;

function translate(err: unknown, specs: Attachment[]): unknown {
  if (err instanceof AppError) return err;
  if (!(err instanceof multer.MulterError)) {
    // busboy's own errors: no or wrong boundary, a truncated body, a malformed or oversized part header.
    const io = (err as NodeJS.ErrnoException | undefined)?.syscall !== undefined;
    return io ? err : new ValidationError('上传内容格式不正确（multipart 表单不完整或已损坏），请重新提交', { reason: (err as Error)?.message ?? String(err) });
  }
  const spec = specs.find((s) => s.name === err.field);
  switch (err.code) {
    case 'LIMIT_FILE_SIZE': {
      const message = spec ? `附件“${spec.label}”超过大小限制（最大 ${formatSize(spec.maxSizeKb)}）` : '上传的文件过大';
      return new PayloadTooLargeError(message, spec ? [{ field: spec.name, label: spec.label, message }] : null);
    }
    case 'LIMIT_FILE_COUNT':
      return new ValidationError(specs.length ? `最多上传 ${specs.length} 个附件，每项材料一个文件` : '本事项不需要上传附件');
    case 'LIMIT_FIELD_COUNT':
    case 'LIMIT_PART_COUNT':
      return new ValidationError('提交的表单项过多');
    case 'LIMIT_FIELD_VALUE':
      return new ValidationError(`表单项“${err.field ?? ''}”内容过长`, { field: err.field });
    default:
      return new ValidationError('上传内容格式不正确，请重新提交', { reason: err.code });
  }
}

/** `dataDir`: files stream to its incoming folder (same file system as the final place). */
export function multipartUpload(specs: Attachment[], fieldCount: number, dataDir: string): RequestHandler {
  const limits = uploadLimits(specs, fieldCount);
  const destination = incomingDir(dataDir);
  const storage = multer.diskStorage({
    destination: (_req, _file, cb) => {
      try {
        mkdirSync(destination, { recursive: true, mode: 0o700 });
        cb(null, destination);
      } catch (err) {
        cb(err as Error, destination);
      }
    },
    filename: (_req, _file, cb) => cb(null, randomBytes(16).toString('hex')),
  });
  const parse = multer({
    storage,
    limits: { ...limits, headerPairs: HEADER_PAIRS, fieldNameSize: 100 },
    defParamCharset: 'utf8',
  }).any();
  return (req: Request, res: Response, next: NextFunction) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limits.totalBytes) {
      return next(new PayloadTooLargeError(`上传内容过大（本事项最多约 ${formatSize(Math.ceil(limits.totalBytes / 1024))}）`));
    }
    // Moved files are gone from here by then; anything else (a refused submission) is removed.
    res.on('close', () => void removeIncoming(uploadedFiles(req).map((f) => f.path)));
    parse(req, res, (err?: unknown) => next(err ? translate(err, specs) : undefined));
  };
}

/** The parsed files, shaped for checkAttachments. */
export function uploadedFiles(req: Request): UploadedFile[] {
  const files = (req.files ?? []) as Express.Multer.File[];
  return files.map((f) => ({ fieldname: f.fieldname, originalname: f.originalname, size: f.size, path: f.path }));
}

/** Text fields; a repeated field keeps its first value. */
export function formBody(req: Request): Record<string, unknown> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}
