// Broadcast covers and body images live on the city's shared blob store (BLOB_STORE): an image
// uploaded through one process is served and sent to WeChat by another, on a shared directory or
// on PostgreSQL; the uploads' orphan sweep keeps them; images of the first version (files under
// DATA_DIR/broadcast-images) still read.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BROADCAST_IMAGES, createBlobImages } from '../../server/broadcasts/index.js';
import { NotFoundError } from '../../server/errors.js';
import { uploadFilesOf } from '../../server/loop/index.js';
import { sweepOrphanUploads } from '../../server/loop/uploads/sweep-orphan-uploads.js';
import { createDirBlobStore } from '../../server/store/blob-store.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { createPostgresStore, type PostgresStore } from '../../server/store/postgres/postgres-store.js';
import { dropSchema, freshSchema, usePostgres } from '../support/postgres.js';
import { PNG } from './broadcast-app.js';

const COVER = 'ab'.repeat(16);

/** One process's scratch folder, its own DATA_DIR. */
async function processDir() {
  return mkdtemp(path.join(tmpdir(), 'onestop-bimg-'));
}

/** An upload's temporary file, as the multipart parser leaves it. */
async function uploaded(dir: string, bytes: Buffer) {
  const file = path.join(dir, 'incoming-upload');
  await writeFile(file, bytes);
  return file;
}

describe('broadcast images on the shared blob store', () => {
  const dirs: string[] = [];
  const fresh = async () => {
    const d = await processDir();
    dirs.push(d);
    return d;
  };
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('serves an image stored by one process from another sharing the directory (BLOB_STORE dir)', async () => {
    const shared = await fresh();
    const store = createMemoryStore();
    const [one, two] = await Promise.all([fresh(), fresh()]);
    const a = createBlobImages({ blobs: createDirBlobStore(shared), store, scratchDir: one });
    const b = createBlobImages({ blobs: createDirBlobStore(shared), store, scratchDir: two });
    await a.putFile(COVER, await uploaded(one, PNG));
    assert.deepEqual(await b.get(COVER), PNG);
    assert.ok(await store.collection(BROADCAST_IMAGES).get(COVER), 'recorded for the orphan sweep');
  });

  it('keeps broadcast images through the uploads’ orphan sweep, which still removes real orphans', async () => {
    const shared = await fresh();
    const dataDir = await fresh();
    const store = createMemoryStore();
    const blobs = createDirBlobStore(shared);
    const images = createBlobImages({ blobs, store, scratchDir: dataDir });
    await images.put(COVER, PNG);
    const orphan = 'cd'.repeat(16);
    await blobs.putFile(orphan, await uploaded(dataDir, PNG));
    const result = await sweepOrphanUploads({ store, files: uploadFilesOf(blobs, dataDir), now: () => new Date(Date.now() + 48 * 3600_000) });
    assert.equal(result.removed, 1);
    assert.deepEqual(await images.get(COVER), PNG);
    await assert.rejects(blobs.open(orphan), NotFoundError);
  });

  it('reads an image the first version kept under DATA_DIR/broadcast-images', async () => {
    const dataDir = await fresh();
    const legacyDir = path.join(dataDir, 'broadcast-images');
    await mkdir(legacyDir);
    await writeFile(path.join(legacyDir, COVER), PNG);
    const images = createBlobImages({ blobs: createDirBlobStore(path.join(dataDir, 'uploads')), store: createMemoryStore(), scratchDir: dataDir, legacyDir });
    assert.deepEqual(await images.get(COVER), PNG);
    await assert.rejects(images.get('ef'.repeat(16)), /图片不存在/);
    await assert.rejects(images.get('../../etc/passwd'), /图片不存在/);
  });

  describe('with BLOB_STORE=postgres (needs PostgreSQL)', () => {
    let url: string;
    let schema: string;
    let stores: PostgresStore[];
    before(async function () {
      url = (await usePostgres(this)).url;
    });
    beforeEach(async () => {
      schema = freshSchema();
      stores = [await createPostgresStore(url, { schema, poolSize: 2 }), await createPostgresStore(url, { schema, poolSize: 2 })];
    });
    afterEach(async () => {
      await Promise.all(stores.map((s) => s.close()));
      await dropSchema(url, schema);
    });

    it('serves an image stored through one process from the other, keeping nothing in either DATA_DIR', async () => {
      const [one, two] = await Promise.all([fresh(), fresh()]);
      const a = createBlobImages({ blobs: stores[0]!.blobs, store: stores[0]!, scratchDir: path.join(one, 'incoming') });
      const b = createBlobImages({ blobs: stores[1]!.blobs, store: stores[1]!, scratchDir: path.join(two, 'incoming') });
      await a.put(COVER, PNG);
      assert.deepEqual(await b.get(COVER), PNG);
      for (const d of [one, two]) {
        const kept = existsSync(path.join(d, 'incoming')) ? readdirSync(path.join(d, 'incoming')) : [];
        assert.deepEqual(kept, [], `nothing left in ${d}`);
      }
    });
  });
});
