// Cover and body images, by a random id: on the city's shared blob store (BLOB_STORE: one directory
// every process mounts, or PostgreSQL's blob tables), so any process can serve them and upload
// them to WeChat; or a map in memory for tests. Each image is also recorded in `broadcast-images`,
// which the uploads' orphan sweep reads, so it never removes an image an issue may still use
// (articles keep every revision, and a body may paste an image days after its upload). Images the
// first version kept under DATA_DIR/broadcast-images are still read from there.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError } from '../errors.js';
import { type BlobStore, type Doc, readBlob, type Store } from '../store/index.js';
import type { BroadcastImages } from './broadcast-types.js';

/** The collection the uploads' orphan sweep treats as referenced (by name: the loop does not import this room). */
export const BROADCAST_IMAGES = 'broadcast-images';

export interface BroadcastImageRecord extends Doc {
  at: string;
}

const ID = /^[0-9a-f]{32}$/;
const checked = (id: string) => {
  if (!ID.test(id)) throw new NotFoundError('图片不存在');
  return id;
};

export interface BlobImagesDeps {
  blobs: BlobStore;
  store: Store;
  /** Where bytes given in memory are written before the blob store takes them (same file system as a dir store). */
  scratchDir: string;
  /** The first version's image folder (DATA_DIR/broadcast-images), read when the blob store lacks an id. */
  legacyDir?: string;
  now?: () => Date;
}

export function createBlobImages(deps: BlobImagesDeps): BroadcastImages {
  const records = deps.store.collection<BroadcastImageRecord>(BROADCAST_IMAGES);
  const putFile = async (id: string, from: string) => {
    // The record first: the sweep then never sees the blob unreferenced.
    await records.insert({ id: checked(id), at: (deps.now?.() ?? new Date()).toISOString() });
    await deps.blobs.putFile(id, from);
  };
  return {
    putFile,
    async put(id, bytes) {
      await mkdir(deps.scratchDir, { recursive: true, mode: 0o700 });
      const scratch = path.join(deps.scratchDir, `${checked(id)}.broadcast-image`);
      await writeFile(scratch, bytes, { flag: 'wx', mode: 0o600 });
      try {
        await putFile(id, scratch);
      } finally {
        await rm(scratch, { force: true });
      }
    },
    async get(id) {
      try {
        return await readBlob(deps.blobs, checked(id));
      } catch (err) {
        if (!(err instanceof NotFoundError) || !deps.legacyDir) throw err instanceof NotFoundError ? new NotFoundError('图片不存在') : err;
        try {
          return await readFile(path.join(deps.legacyDir, id));
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError('图片不存在');
          throw e;
        }
      }
    },
  };
}

export function createMemoryImages(): BroadcastImages {
  const map = new Map<string, Buffer>();
  const put = async (id: string, bytes: Buffer) => void map.set(checked(id), Buffer.from(bytes));
  return {
    put,
    putFile: async (id, from) => put(id, await readFile(from)),
    async get(id) {
      const found = map.get(checked(id));
      if (!found) throw new NotFoundError('图片不存在');
      return found;
    },
  };
}
