// Upload storage: <dataDir>/uploads/<random id>, outside any public path. Multipart bodies stream
// into <dataDir>/uploads-incoming/ first (the same file system, so moving a checked file into
// place is a rename); writes are undone when a later step fails, so a rejected request leaves no
// file behind. What a crash leaves in either folder, the orphan sweep removes.
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { UploadFiles } from '../uploads/sweep-orphan-uploads.js';
import type { CheckedFile } from './check-attachments.js';

export const uploadsDir = (dataDir: string) => path.join(dataDir, 'uploads');
export const incomingDir = (dataDir: string) => path.join(dataDir, 'uploads-incoming');

/** Ids are 32 hex chars we generated; anything else never reaches the file system. */
const ID = /^[0-9a-f]{32}$/;

function fileOf(dataDir: string, id: string): string {
  if (!ID.test(id)) throw new Error(`invalid attachment id ${id}`);
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

/** The stored upload files (id and last change), for the orphan sweep. */
export async function listAttachments(dataDir: string): Promise<Array<{ id: string; modifiedAt: Date }>> {
  let names: string[];
  try {
    names = await readdir(uploadsDir(dataDir));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: Array<{ id: string; modifiedAt: Date }> = [];
  for (const id of names.filter((n) => ID.test(n))) {
    const info = await stat(fileOf(dataDir, id)).catch(() => undefined); // removed meanwhile
    if (info?.isFile()) out.push({ id, modifiedAt: info.mtime });
  }
  return out;
}

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

/** The upload files of dataDir as the orphan sweep sees them. */
export function uploadFilesIn(dataDir: string): UploadFiles {
  return { list: () => listAttachments(dataDir), remove: (ids) => deleteAttachments(dataDir, ids), removeIncomingBefore: (before) => removeIncomingBefore(dataDir, before) };
}
