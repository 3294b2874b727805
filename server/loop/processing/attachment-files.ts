// Upload storage: the blob store (store/: a directory or PostgreSQL, chosen by BLOB_STORE) keeps
// each checked file under a random id, outside any public path. Multipart bodies stream into this
// process's <dataDir>/uploads-incoming/ first; a checked file is then put into the blob store, and
// writes are undone when a later step fails, so a rejected request leaves no file behind. What a
// crash leaves in either place, the orphan sweep removes.
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore } from '../../store/index.js';
import type { UploadFiles } from '../uploads/sweep-orphan-uploads.js';
import type { CheckedFile } from './check-attachments.js';

export const uploadsDir = (dataDir: string) => path.join(dataDir, 'uploads');
export const incomingDir = (dataDir: string) => path.join(dataDir, 'uploads-incoming');

/** Puts every checked file into the blob store, all or none. */
export async function saveAttachments(blobs: BlobStore, files: CheckedFile[]): Promise<void> {
  const written: string[] = [];
  try {
    for (const f of files) {
      await blobs.putFile(f.meta.id, f.path);
      written.push(f.meta.id);
    }
  } catch (err) {
    await deleteAttachments(blobs, written);
    throw err;
  }
}

export async function deleteAttachments(blobs: BlobStore, ids: string[]): Promise<void> {
  await blobs.remove(ids);
}

/** Removes streamed files that were not moved into place (a refused or failed request). */
export async function removeIncoming(paths: string[]): Promise<void> {
  await Promise.all(paths.map((p) => rm(p, { force: true }).catch(() => undefined)));
}

/** Runs `fn`, then removes whatever of `files` was not moved into place, success or failure. */
export async function discardingIncoming<T>(files: Array<{ path: string }>, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    await removeIncoming(files.map((f) => f.path));
  }
}

/** A stored file as a stream; NotFoundError when it is gone. */
export const openAttachment = (blobs: BlobStore, id: string): Promise<Readable> => blobs.open(id);

/** Removes streamed files last changed before `before`: no request still owns them (a crash mid-request). */
export async function removeIncomingBefore(dataDir: string, before: Date): Promise<number> {
  let names: string[];
  try {
    names = await readdir(incomingDir(dataDir));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
  let removed = 0;
  for (const name of names) {
    const file = path.join(incomingDir(dataDir), name);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile() || info.mtime >= before) continue;
    await rm(file, { force: true });
    removed++;
  }
  return removed;
}

/** The upload files as the orphan sweep sees them: the blob store, and this process's incoming folder. */
export function uploadFilesOf(blobs: BlobStore, dataDir: string): UploadFiles {
  return { list: () => blobs.list(), remove: (ids) => blobs.remove(ids), removeIncomingBefore: (before) => removeIncomingBefore(dataDir, before) };
}
