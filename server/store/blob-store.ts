// Uploaded files (attachments, booking uploads) by id. Two implementations, chosen in config
// (BLOB_STORE): a directory (DATA_DIR/uploads; for several processes, a directory they all
// mount) and the PostgreSQL store's blobs table, which needs nothing shared but the database.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConflictError, NotFoundError } from '../errors.js';

export interface BlobStore {
  /** Stores bytes under a new id; ConflictError when the id exists. */
  put(id: string, bytes: Buffer): Promise<void>;
  /** NotFoundError when there is no such blob. */
  get(id: string): Promise<Buffer>;
  delete(id: string): Promise<void>;
}

/** Ids are 32 hex chars the server generated; anything else never reaches storage. */
export function checkBlobId(id: string): string {
  if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`invalid attachment id ${id}`);
  return id;
}

export function createDirBlobStore(dir: string): BlobStore {
  const fileOf = (id: string) => path.join(dir, checkBlobId(id));
  return {
    async put(id, bytes) {
      await mkdir(dir, { recursive: true });
      try {
        await writeFile(fileOf(id), bytes, { flag: 'wx', mode: 0o600 });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new ConflictError(`文件已存在: ${id}`);
        throw err;
      }
    },
    async get(id) {
      try {
        return await readFile(fileOf(id));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError('文件不存在');
        throw err;
      }
    },
    async delete(id) {
      await rm(fileOf(id), { force: true });
    },
  };
}
