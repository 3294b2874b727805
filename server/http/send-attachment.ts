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

/** Sends one attachment of an application the caller may already see; 404 for an unknown file id. */
export async function sendAttachment(res: Response, dataDir: string, app: { attachments: StoredAttachment[] }, fileId: string): Promise<void> {
  const file = app.attachments.find((a) => a.id === fileId);
  if (!file) throw new NotFoundError('附件不存在');
  sendDownload(res, file, await readAttachment(dataDir, file.id));
}
