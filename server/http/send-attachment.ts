// Downloads of stored files (application attachments, pre-checked uploads). Always a download,
// never shown inline, with the type sniffed at upload and nosniff, so a file cannot run as a page
// of this site; never cached on the way, as it may hold personal data. The bytes stream from the
// blob store a chunk at a time, so a download never holds a whole file in memory.
import type { Response } from 'express';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { NotFoundError } from '../errors.js';
import { downloadName, openAttachment, type StoredAttachment } from '../loop/index.js';
import type { BlobStore } from '../store/index.js';

export interface DownloadFile {
  id: string;
  mime: string;
  /** The extension sniffed from the content (pdf, jpg, png). */
  ext: string;
  /** The citizen's own file name, offered through filename*. */
  originalName: string;
}

/**
 * Streams `body` as the response. A failure once bytes are on the way cannot become an error
 * page any more: the connection is cut (the client sees a truncated download) and it is logged.
 */
async function sendBody(res: Response, body: Readable): Promise<void> {
  try {
    await pipeline(body, res);
  } catch (err) {
    if (!res.headersSent) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') console.error('[onestop] 文件下载中断:', (err as Error).message);
  }
}

/**
 * Sends bytes as a download of `file`. Browsers prefer filename* to filename, so it carries the
 * sniffed extension too (a PNG+HTML polyglot named x.html downloads as x.png), and the name is
 * cleaned again: records from before the cleaning may hold a lone surrogate or a bidi override.
 */
export function sendDownload(res: Response, file: DownloadFile, body: Readable): Promise<void> {
  res.set({
    'Content-Type': file.mime,
    'Content-Disposition': `attachment; filename="${file.id}.${file.ext}"; filename*=UTF-8''${encodeURIComponent(downloadName(file.originalName, file.ext))}`,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  });
  return sendBody(res, body);
}

/** The only types ever shown inline, keyed by the extension sniffed at upload: never HTML, SVG or XML. */
const PREVIEWABLE: Readonly<Record<string, string>> = { png: 'image/png', jpg: 'image/jpeg', pdf: 'application/pdf' };

export const canPreview = (file: { ext: string }) => Object.hasOwn(PREVIEWABLE, file.ext);

/**
 * Shows an image or PDF in the browser. The type comes from the sniffed extension, not the stored
 * mime; nosniff stops the browser guessing; the CSP sandbox gives the document an opaque origin
 * with no scripts, so even a crafted file cannot act as a page of this site.
 */
export function sendPreview(res: Response, file: DownloadFile, body: Readable): Promise<void> {
  const type = PREVIEWABLE[file.ext];
  if (!type) throw new NotFoundError('该附件不支持预览，请下载查看');
  res.set({
    'Content-Type': type,
    'Content-Disposition': `inline; filename="${file.id}.${file.ext}"; filename*=UTF-8''${encodeURIComponent(downloadName(file.originalName, file.ext))}`,
    'Content-Security-Policy': "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'",
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store',
  });
  return sendBody(res, body);
}

/** Sends one attachment of an application the caller may already see; 404 for an unknown file id. */
export async function sendAttachment(res: Response, blobs: BlobStore, app: { attachments: StoredAttachment[] }, fileId: string, how: 'download' | 'preview' = 'download'): Promise<void> {
  const file = app.attachments.find((a) => a.id === fileId);
  if (!file) throw new NotFoundError('附件不存在');
  if (how === 'preview' && !canPreview(file)) throw new NotFoundError('该附件不支持预览，请下载查看');
  await (how === 'preview' ? sendPreview : sendDownload)(res, file, await openAttachment(blobs, file.id));
}
