// Downloads of stored files (application attachments, pre-checked uploads). Always a download,
// never shown inline, with the type sniffed at upload and nosniff, so a file cannot run as a page
// of this site; never cached on the way, as it may hold personal data.
import type { Response } from 'express';
import { NotFoundError } from '../errors.js';
import { downloadName, readAttachment, type StoredAttachment } from '../loop/index.js';

export interface DownloadFile {
  id: string;
  mime: string;
  /** The extension sniffed from the content (pdf, jpg, png). */
  ext: string;
  /** The citizen's own file name, offered through filename*. */
  originalName: string;
}

/**
 * Sends bytes as a download of `file`. Browsers prefer filename* to filename, so it carries the
 * sniffed extension too (a PNG+HTML polyglot named x.html downloads as x.png), and the name is
 * cleaned again: records from before the cleaning may hold a lone surrogate or a bidi override.
 */
export function sendDownload(res: Response, file: DownloadFile, bytes: Buffer): void {
  res.set({
    'Content-Type': file.mime,
    'Content-Disposition': `attachment; filename="${file.id}.${file.ext}"; filename*=UTF-8''${encodeURIComponent(downloadName(file.originalName, file.ext))}`,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  });
  res.send(bytes);
}

/** The only types ever shown inline, keyed by the extension sniffed at upload: never HTML, SVG or XML. */
const PREVIEWABLE: Readonly<Record<string, string>> = { png: 'image/png', jpg: 'image/jpeg', pdf: 'application/pdf' };

export const canPreview = (file: { ext: string }) => Object.hasOwn(PREVIEWABLE, file.ext);

/**
 * Shows an image or PDF in the browser. The type comes from the sniffed extension, not the stored
 * mime; nosniff stops the browser guessing; the CSP sandbox gives the document an opaque origin
 * with no scripts, so even a crafted file cannot act as a page of this site.
 */
export function sendPreview(res: Response, file: DownloadFile, bytes: Buffer): void {
  const type = PREVIEWABLE[file.ext];
  if (!type) throw new NotFoundError('该附件不支持预览，请下载查看');
  res.set({
    'Content-Type': type,
    'Content-Disposition': `inline; filename="${file.id}.${file.ext}"; filename*=UTF-8''${encodeURIComponent(downloadName(file.originalName, file.ext))}`,
    'Content-Security-Policy': "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'",
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  });
  res.send(bytes);
}

/** Sends one attachment of an application the caller may already see; 404 for an unknown file id. */
export async function sendAttachment(res: Response, dataDir: string, app: { attachments: StoredAttachment[] }, fileId: string, how: 'download' | 'preview' = 'download'): Promise<void> {
  const file = app.attachments.find((a) => a.id === fileId);
  if (!file) throw new NotFoundError('附件不存在');
  if (how === 'preview' && !canPreview(file)) throw new NotFoundError('该附件不支持预览，请下载查看');
  (how === 'preview' ? sendPreview : sendDownload)(res, file, await readAttachment(dataDir, file.id));
}
