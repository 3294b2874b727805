// Upload storage: <dataDir>/uploads/<random id>, outside any public path. Writes are undone
// when a later step fails, so a rejected request leaves no file behind.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CheckedFile } from './check-attachments.js';

export const uploadsDir = (dataDir: string) => path.join(dataDir, 'uploads');

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
      await writeFile(fileOf(dataDir, f.meta.id), f.buffer, { flag: 'wx', mode: 0o600 });
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

export const readAttachment = (dataDir: string, id: string) => readFile(fileOf(dataDir, id));
