// Cover and body images: files under DATA_DIR/broadcast-images (outside uploads/, whose orphan
// sweep would remove them), named by a random id; or a map in memory for tests.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NotFoundError } from '../errors.js';
import type { BroadcastImages } from './broadcast-types.js';

const ID = /^[0-9a-f]{32}$/;
const checked = (id: string) => {
  if (!ID.test(id)) throw new NotFoundError('图片不存在');
  return id;
};

export function createDirImages(dataDir: string): BroadcastImages {
  const dir = path.join(dataDir, 'broadcast-images');
  return {
    async put(id, bytes) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(path.join(dir, checked(id)), bytes, { flag: 'wx', mode: 0o600 });
    },
    async get(id) {
      try {
        return await readFile(path.join(dir, checked(id)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError('图片不存在');
        throw err;
      }
    },
  };
}

export function createMemoryImages(): BroadcastImages {
  const map = new Map<string, Buffer>();
  return {
    async put(id, bytes) {
      map.set(checked(id), Buffer.from(bytes));
    },
    async get(id) {
      const found = map.get(checked(id));
      if (!found) throw new NotFoundError('图片不存在');
      return found;
    },
  };
}
