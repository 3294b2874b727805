// Uploaded files in PostgreSQL (migration 2's blobs table): every process reads what any other
// wrote, with no shared directory. Files are small (the declared limits are a few MB).
import type pg from 'pg';
import { ConflictError, NotFoundError } from '../../errors.js';
import { type BlobStore, checkBlobId } from '../blob-store.js';

export function createPostgresBlobStore(pool: pg.Pool): BlobStore {
  return {
    async put(id, bytes) {
      const { rowCount } = await pool.query('insert into blobs (id, bytes) values ($1, $2) on conflict do nothing', [checkBlobId(id), bytes]);
      if (!rowCount) throw new ConflictError(`文件已存在: ${id}`);
    },
    async get(id) {
      const { rows } = await pool.query<{ bytes: Buffer }>('select bytes from blobs where id = $1', [checkBlobId(id)]);
      if (!rows[0]) throw new NotFoundError('文件不存在');
      return rows[0].bytes;
    },
    async delete(id) {
      await pool.query('delete from blobs where id = $1', [checkBlobId(id)]);
    },
  };
}
