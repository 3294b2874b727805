// Uploaded files in PostgreSQL (migration 2): every process reads what any other wrote, with no
// shared directory. A file is cut into chunks of at most CHUNK_BYTES rows of `blob_chunks`,
// written in one transaction with its `blobs` row, so a reader sees all of it or nothing; reads
// fetch one chunk at a time, so memory per transfer stays bounded whatever the file's size.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { ConflictError, NotFoundError } from '../../errors.js';
import { type BlobStore, checkBlobId } from '../blob-store.js';
import type { Sessions } from './sessions.js';

/** 256 KB: a declared attachment (a few MB) is a handful of rows; one row is never a large allocation. */
export const CHUNK_BYTES = 256 * 1024;

export function createPostgresBlobStore(db: Sessions, chunkBytes = CHUNK_BYTES): BlobStore {
  return {
    kind: 'postgres',
    async putFile(id, from) {
      checkBlobId(id);
      await db.transaction(async (client) => {
        const { rowCount } = await client.query('insert into blobs (id) values ($1) on conflict do nothing', [id]);
        if (!rowCount) throw new ConflictError(`文件已存在: ${id}`);
        let n = 0;
        let size = 0;
        for await (const chunk of createReadStream(from, { highWaterMark: chunkBytes })) {
          const bytes = chunk as Buffer;
          await client.query('insert into blob_chunks (id, n, bytes) values ($1, $2, $3)', [id, n++, bytes]);
          size += bytes.length;
        }
        await client.query('update blobs set chunks = $2, size = $3 where id = $1', [id, n, size]);
      });
    },
    async open(id) {
      const { rows } = await db.query<{ chunks: number }>('select chunks from blobs where id = $1', [checkBlobId(id)]);
      const chunks = rows[0]?.chunks;
      if (chunks === undefined) throw new NotFoundError('文件不存在', { id });
      let n = 0;
      return new Readable({
        read() {
          if (n >= chunks) return void this.push(null);
          db.query<{ bytes: Buffer }>('select bytes from blob_chunks where id = $1 and n = $2', [id, n++]).then(
            ({ rows: [row] }) => (row ? this.push(row.bytes) : this.destroy(new NotFoundError('文件已被删除', { id }))),
            (err: Error) => this.destroy(err),
          );
        },
      });
    },
    async remove(ids) {
      if (!ids.length) return;
      ids.forEach(checkBlobId);
      // blob_chunks rows go with their blobs row (on delete cascade).
      await db.query('delete from blobs where id = any($1::text[])', [ids]);
    },
    async list() {
      const { rows } = await db.query<{ id: string; created_at: Date }>('select id, created_at from blobs');
      return rows.map((r) => ({ id: r.id, modifiedAt: r.created_at }));
    },
  };
}
