// Checks uploaded files against the declared attachments: each belongs to a declared name,
// fits its own size limit, is really of an accepted type (sniffed from the bytes: a renamed .exe
// is not a PDF), and every required one is present.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileTypeFromFile } from 'file-type';
import { imageSizeFromFile } from 'image-size/fromFile';
import type { Attachment, FileType } from '../../model/index.js';
import { AppError, ValidationError } from '../../errors.js';
import type { StoredAttachment } from '../applications/application-types.js';
import { TYPE_LABELS } from './attachment-specs.js';

/** A file as multipart parsing left it: streamed to a temporary path. */
export interface UploadedFile {
  fieldname: string;
  originalname: string;
  size: number;
  path: string;
}

export interface FieldError {
  field: string;
  label: string;
  message: string;
}

/** HTTP 413 (server/http/error-status.ts). */
export class PayloadTooLargeError extends AppError {
  override readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = 413;
}

export interface CheckedFile {
  meta: StoredAttachment;
  /** Where the bytes are until saveAttachments moves them into place. */
  path: string;
}

/** Images larger than this are refused: a PNG declaring 100000×100000 is 40 GB once decoded. */
export const MAX_IMAGE_SIDE = 16_384;
export const MAX_IMAGE_PIXELS = 100_000_000;

/** Why an image is refused, or null; a PNG/JPEG whose size cannot be read is refused too. */
async function imageProblem(file: string): Promise<string | null> {
  let size: { width?: number; height?: number };
  try {
    size = await imageSizeFromFile(file);
  } catch {
    return '无法读取图片尺寸，文件可能已损坏';
  }
  const { width = 0, height = 0 } = size;
  if (width < 1 || height < 1) return '无法读取图片尺寸，文件可能已损坏';
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    return `图片尺寸过大（${width}×${height} 像素；每边最多 ${MAX_IMAGE_SIDE}，总计最多 1 亿像素）`;
  }
  return null;
}

const SNIFFED: Record<string, FileType> = { pdf: 'pdf', jpg: 'jpg', png: 'png' };

export function describeTypes(types: FileType[]): string {
  return types.map((t) => TYPE_LABELS[t]).join('、');
}

export function formatSize(kb: number): string {
  return kb >= 1024 && kb % 1024 === 0 ? `${kb / 1024}MB` : `${kb}KB`;
}

/** Longest display name kept, in code points. */
export const MAX_FILE_NAME = 100;

/**
 * Keeps only a display name: no directories; no control, format (bidi overrides such as U+202E,
 * zero-width characters) or path characters; no lone surrogates; at most 100 code points, cut so
 * an emoji is never split (a lone surrogate made every download of the file a 500).
 */
export function sanitiseFileName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/')).normalize('NFC');
  const clean = base.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}<>:"/\\|?*]/gu, '').trim();
  const points = [...(clean || '附件')];
  return points.length > MAX_FILE_NAME ? points.slice(points.length - MAX_FILE_NAME).join('') : points.join('');
}

/** The name a download is saved under: the citizen's name with the extension of the sniffed type. */
export function downloadName(originalName: string, ext: string): string {
  const name = sanitiseFileName(originalName);
  const dot = name.lastIndexOf('.');
  return `${dot > 0 ? name.slice(0, dot) : name}.${ext}`;
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
    const sniffed = file.size > 0 ? await fileTypeFromFile(file.path) : undefined;
    const ext = sniffed && SNIFFED[sniffed.ext];
    if (!ext || !spec.types.includes(ext)) {
      errors.push({ field: spec.name, label: spec.label, message: `附件“${spec.label}”的文件类型不符，仅支持 ${describeTypes(spec.types)}` });
      continue;
    }
    const image = ext === 'png' || ext === 'jpg' ? await imageProblem(file.path) : null;
    if (image) {
      errors.push({ field: spec.name, label: spec.label, message: `附件“${spec.label}”${image}` });
      continue;
    }
    checked.push({
      path: file.path,
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
