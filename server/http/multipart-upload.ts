// Multipart parsing for one service's form, bounded by what the service declares: the body as a
// whole (Content-Length, before reading), the number of files and fields, and each file's size.
// Files stay in memory until every check passed (see loop/processing/attachment-files.ts), so a rejected request
// never leaves anything on disk. The limits themselves come from the loop (attachment-specs.ts).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import type { Attachment } from '../model/index.js';
import { ValidationError } from '../errors.js';
import { formatSize, PayloadTooLargeError, type UploadedFile, uploadLimits } from '../loop/index.js';

function translate(err: unknown, specs: Attachment[]): unknown {
  if (!(err instanceof multer.MulterError)) return err;
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

export function multipartUpload(specs: Attachment[], fieldCount: number): RequestHandler {
  const limits = uploadLimits(specs, fieldCount);
  const parse = multer({ storage: multer.memoryStorage(), limits, defParamCharset: 'utf8' }).any();
  return (req: Request, res: Response, next: NextFunction) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limits.totalBytes) {
      return next(new PayloadTooLargeError(`上传内容过大（本事项最多约 ${formatSize(Math.ceil(limits.totalBytes / 1024))}）`));
    }
    parse(req, res, (err?: unknown) => next(err ? translate(err, specs) : undefined));
  };
}

/** The parsed files, shaped for checkAttachments. */
export function uploadedFiles(req: Request): UploadedFile[] {
  const files = (req.files ?? []) as Express.Multer.File[];
  return files.map((f) => ({ fieldname: f.fieldname, originalname: f.originalname, size: f.size, buffer: f.buffer }));
}

/** Text fields; a repeated field keeps its first value. */
export function formBody(req: Request): Record<string, unknown> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}
