// Checks uploaded files against the declared attachments: each belongs to a declared name,
// fits its own size limit, is really of an accepted type (sniffed from the bytes: a renamed .exe
// is not a PDF), and every required one is present.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { Attachment, FileType } from '../../model/index.js';
import { AppError, ValidationError } from '../../errors.js';
import type { StoredAttachment } from '../applications/application-types.js';
import { TYPE_LABELS } from './attachment-specs.js';

export interface UploadedFile {
  fieldname: string;
  originalname: string;
  size: number;
  buffer: Buffer;
}

export interface FieldError {
  field: string;
  label: string;
  message: string;
}

/** 413: the error middleware falls back to `status` for codes it does not map. */
export class PayloadTooLargeError extends AppError {
  override readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = 413;
}

export interface CheckedFile {
  meta: StoredAttachment;
  buffer: Buffer;
}

const SNIFFED: Record<string, FileType> = { pdf: 'pdf', jpg: 'jpg', png: 'png' };

export function describeTypes(types: FileType[]): string {
  return types.map((t) => TYPE_LABELS[t]).join('、');
}

export function formatSize(kb: number): string {
  return kb >= 1024 && kb % 1024 === 0 ? `${kb / 1024}MB` : `${kb}KB`;
}

/** Keeps only a display name: no directories, no control or path characters, at most 100 chars. */
export function sanitiseFileName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/')).normalize('NFC');
  const clean = base.replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '').trim();
  return (clean || '附件').slice(-100);
}

/** `present`: names already on file (a re-submission only replaces what it uploads). */
export async function checkAttachments(specs: Attachment[], files: UploadedFile[], present: string[] = []): Promise<CheckedFile[]> {
  const errors: FieldError[] = [];
  const checked: CheckedFile[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const spec = specs.find((s) => s.name === file.fieldname);
    if (!spec) {
      errors.push({ field: file.fieldname, label: file.fieldname, message: `“${file.fieldname}”不是本事项需要的材料` });
      continue;
    }
    if (seen.has(spec.name)) {
      errors.push({ field: spec.name, label: spec.label, message: `附件“${spec.label}”只能上传一个文件` });
      continue;
    }
    seen.add(spec.name);
    if (file.size > spec.maxSizeKb * 1024) {
      const message = `附件“${spec.label}”超过大小限制（最大 ${formatSize(spec.maxSizeKb)}）`;
      throw new PayloadTooLargeError(message, [{ field: spec.name, label: spec.label, message }]);
    }
    const sniffed = file.size > 0 ? await fileTypeFromBuffer(file.buffer) : undefined;
    const ext = sniffed && SNIFFED[sniffed.ext];
    if (!ext || !spec.types.includes(ext)) {
      errors.push({ field: spec.name, label: spec.label, message: `附件“${spec.label}”的文件类型不符，仅支持 ${describeTypes(spec.types)}` });
      continue;
    }
    checked.push({
      buffer: file.buffer,
      meta: {
        id: randomBytes(16).toString('hex'),
        name: spec.name,
        label: spec.label,
        originalName: sanitiseFileName(file.originalname),
        ext,
        mime: sniffed.mime,
        size: file.size,
      },
    });
  }
  for (const spec of specs) {
    if (spec.required && !seen.has(spec.name) && !present.includes(spec.name)) errors.push({ field: spec.name, label: spec.label, message: `请上传“${spec.label}”` });
  }
  if (errors.length > 0) throw new ValidationError(errors[0]!.message, errors);
  return checked;
}
