// Upload storage: <dataDir>/uploads/<random id>, outside any public path. Multipart bodies stream
// into <dataDir>/uploads-incoming/ first (the same file system, so moving a checked file into
// place is a rename); writes are undone when a later step fails, so a rejected request leaves no
// file behind.
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CheckedFile } from './check-attachments.js';

export const uploadsDir = (dataDir: string) => path.join(dataDir, 'uploads');
export const incomingDir = (dataDir: string) => path.join(dataDir, 'uploads-incoming');

/** Ids are 32 hex chars we generated; anything else never reaches the file system. */
function fileOf(dataDir: string, id: string): string {
  if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`invalid attachment id ${id}`);
  return path.join(uploadsDir(dataDir), id);
}

export async function saveAttachments(dataDir: string, files: CheckedFile[]): Promise<void> {
  await mkdir(uploadsDir(dataDir), { recursive: true });
  const written: string[] = [];
  try {
    for (const f of files) {
      await rename(f.path, fileOf(dataDir, f.meta.id));
      written.push(f.meta.id);
    }
  } catch (err) {
    await deleteAttachments(dataDir, written);
    throw err;
  }
}

export async function deleteAttachments(dataDir: string, ids: string[]): Promise<void> {
  await Promise.all(ids.map((id) => rm(fileOf(dataDir, id), { force: true })));
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

export const readAttachment = (dataDir: string, id: string) => readFile(fileOf(dataDir, id));
