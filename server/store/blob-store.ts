// Uploaded files (application attachments, pre-check uploads) by id, behind one interface with two
// implementations chosen in config (BLOB_STORE): a directory (DATA_DIR/uploads; for several
// processes, one directory they all mount) and the PostgreSQL store's blob tables, which need
// nothing shared but the database. A file enters from a local path (where multipart streamed it)
// and leaves as a stream, so neither side ever holds a whole file in memory.
import { createReadStream } from 'node:fs';
import { constants, copyFile, link, mkdir, readdir, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ConflictError, NotFoundError } from '../errors.js';

export interface BlobInfo {
  id: string;
  /** When the blob was stored (the orphan sweep's grace period counts from here). */
  modifiedAt: Date;
}

export interface BlobStore {
  /** Where the bytes live, for the operator's log and the health page. */
  readonly kind: 'dir' | 'postgres';
  /**
   * Stores the file at `from` under `id`: all of it or nothing. `from` may be gone afterwards
   * (a directory store moves it); the caller removes what is left. ConflictError when id exists.
   */
  putFile(id: string, from: string): Promise<void>;
  /** The bytes as a stream, read a bounded chunk at a time. NotFoundError when there is no such blob. */
  open(id: string): Promise<Readable>;
  /** Removes the blobs; ids that do not exist are ignored. */
  remove(ids: string[]): Promise<void>;
  /** Every stored blob, for the orphan sweep. */
  list(): Promise<BlobInfo[]>;
}

/** Ids are 32 hex chars the server generated; anything else never reaches storage. */
const ID = /^[0-9a-f]{32}$/;

export function checkBlobId(id: string): string {
  if (!ID.test(id)) throw new Error(`invalid attachment id ${id}`);
  return id;
}

const codeOf = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code;

/** Reads a whole blob; for small files only (tests, previews of a few MB). */
export async function readBlob(blobs: BlobStore, id: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await blobs.open(id)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A directory of files named by id. A hard link moves the file in atomically and refuses an
 * existing id; across file systems (a shared mount) the file is copied exclusively instead, which
 * is safe because nobody knows the id before putFile returns.
 */
export function createDirBlobStore(dir: string): BlobStore {
  const fileOf = (id: string) => path.join(dir, checkBlobId(id));
  return {
    kind: 'dir',
    async putFile(id, from) {
      const to = fileOf(id);
      await mkdir(dir, { recursive: true });
      try {
        try {
          await link(from, to);
        } catch (err) {
          if (codeOf(err) !== 'EXDEV' && codeOf(err) !== 'EPERM' && codeOf(err) !== 'ENOTSUP') throw err;
          await copyFile(from, to, constants.COPYFILE_EXCL);
        }
      } catch (err) {
        if (codeOf(err) === 'EEXIST') throw new ConflictError(`文件已存在: ${id}`);
        throw err;
      }
      await unlink(from).catch(() => undefined);
    },
    async open(id) {
      const stream = createReadStream(fileOf(id), { highWaterMark: 64 * 1024 });
      // Open errors surface here, not half-way through a response.
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', (err) => reject(codeOf(err) === 'ENOENT' ? new NotFoundError('文件不存在', { id }) : err));
      });
      return stream;
    },
    async remove(ids) {
      await Promise.all(ids.map((id) => rm(fileOf(id), { force: true })));
    },
    async list() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        if (codeOf(err) === 'ENOENT') return [];
        throw err;
      }
      const out: BlobInfo[] = [];
      for (const id of names.filter((n) => ID.test(n))) {
        const info = await stat(path.join(dir, id)).catch(() => undefined); // removed meanwhile
        if (info?.isFile()) out.push({ id, modifiedAt: info.mtime });
      }
      return out;
    },
  };
}
