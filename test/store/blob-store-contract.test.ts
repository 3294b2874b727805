// One contract for every BlobStore: the directory (one process, or a directory several mount) and
// PostgreSQL's blob tables. Each subject opens two instances over the same storage, standing for
// two server processes, so "one process sees the other's files" is part of the contract.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConflictError, NotFoundError } from '../../server/errors.js';
import { type BlobStore, createDirBlobStore, readBlob } from '../../server/store/blob-store.js';
import { CHUNK_BYTES } from '../../server/store/postgres/postgres-blobs.js';
import { createPostgresStore, type PostgresStore } from '../../server/store/postgres/postgres-store.js';
import { dropSchema, freshSchema, usePostgres } from '../support/postgres.js';

interface Pair {
  one: BlobStore;
  two: BlobStore;
  /** The largest chunk a read may hand out (memory per transfer is bounded by it). */
  maxChunk: number;
  cleanup(): Promise<void>;
}

interface Subject {
  name: string;
  setup?(ctx: Mocha.Context): Promise<void>;
  open(): Promise<Pair>;
}

let postgresUrl = '';

const subjects: Subject[] = [
  {
    name: 'directory',
    open: async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'onestop-blobs-'));
      return { one: createDirBlobStore(dir), two: createDirBlobStore(dir), maxChunk: 64 * 1024, cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PostgreSQL (needs PostgreSQL)',
    setup: async (ctx) => void (postgresUrl = (await usePostgres(ctx)).url),
    open: async () => {
      const schema = freshSchema();
      const stores: PostgresStore[] = [await createPostgresStore(postgresUrl, { schema, poolSize: 2 }), await createPostgresStore(postgresUrl, { schema, poolSize: 2 })];
      return {
        one: stores[0]!.blobs,
        two: stores[1]!.blobs,
        maxChunk: CHUNK_BYTES,
        cleanup: async () => (await Promise.all(stores.map((s) => s.close())), dropSchema(postgresUrl, schema)),
      };
    },
  },
];

const newId = () => randomBytes(16).toString('hex');

for (const subject of subjects) {
  describe(`BlobStore contract: ${subject.name}`, () => {
    let pair: Pair;
    let work: string;
    let n = 0;
    /** A local file as multipart leaves it in the incoming folder. */
    const incoming = async (bytes: Buffer) => {
      const file = path.join(work, `incoming-${n++}`);
      await writeFile(file, bytes);
      return file;
    };

    before(async function () {
      await subject.setup?.(this);
    });
    beforeEach(async () => {
      pair = await subject.open();
      work = await mkdtemp(path.join(tmpdir(), 'onestop-incoming-'));
    });
    afterEach(async () => {
      await pair.cleanup();
      await rm(work, { recursive: true, force: true });
    });

    it('gives back the bytes of a stored file', async () => {
      const id = newId();
      const bytes = randomBytes(1000);
      await pair.one.putFile(id, await incoming(bytes));
      assert.deepEqual(await readBlob(pair.one, id), bytes);
    });

    it('lets a second process read, list and remove what the first stored', async () => {
      const id = newId();
      const bytes = randomBytes(5000);
      await pair.one.putFile(id, await incoming(bytes));
      assert.deepEqual(await readBlob(pair.two, id), bytes);
      assert.deepEqual((await pair.two.list()).map((b) => b.id), [id]);
      await pair.two.remove([id]);
      await assert.rejects(pair.one.open(id), NotFoundError);
    });

    it('streams a file larger than one chunk in bounded chunks', async () => {
      const id = newId();
      const bytes = randomBytes(3 * CHUNK_BYTES + 17);
      await pair.one.putFile(id, await incoming(bytes));
      const chunks: Buffer[] = [];
      for await (const chunk of await pair.two.open(id)) chunks.push(chunk as Buffer);
      assert.ok(chunks.length > 1, 'more than one chunk');
      assert.ok(chunks.every((c) => c.length <= pair.maxChunk), `every chunk at most ${pair.maxChunk} bytes`);
      assert.deepEqual(Buffer.concat(chunks), bytes);
    });

    it('stores an empty file', async () => {
      const id = newId();
      await pair.one.putFile(id, await incoming(Buffer.alloc(0)));
      assert.equal((await readBlob(pair.two, id)).length, 0);
    });

    it('refuses a second file under the same id and keeps the first', async () => {
      const id = newId();
      const first = randomBytes(100);
      await pair.one.putFile(id, await incoming(first));
      await assert.rejects(pair.two.putFile(id, await incoming(randomBytes(100))), ConflictError);
      assert.deepEqual(await readBlob(pair.one, id), first);
    });

    it('answers NotFoundError for an unknown id and ignores removing one', async () => {
      await assert.rejects(pair.one.open(newId()), NotFoundError);
      await pair.one.remove([newId()]);
      await pair.one.remove([]);
    });

    it('keeps nothing when the source file cannot be read', async () => {
      const id = newId();
      await assert.rejects(pair.one.putFile(id, path.join(work, 'missing')));
      await assert.rejects(pair.two.open(id), NotFoundError);
      assert.deepEqual(await pair.two.list(), []);
    });

    it('lists each stored file with the time it was stored', async () => {
      const ids = [newId(), newId()];
      const before = Date.now() - 60_000;
      for (const id of ids) await pair.one.putFile(id, await incoming(randomBytes(10)));
      const listed = await pair.two.list();
      assert.deepEqual(listed.map((b) => b.id).sort(), [...ids].sort());
      assert.ok(listed.every((b) => b.modifiedAt.getTime() >= before && b.modifiedAt.getTime() <= Date.now() + 60_000));
    });

    it('refuses ids that are not 32 hex characters before touching storage', async () => {
      await assert.rejects(pair.one.putFile('../../etc/passwd', await incoming(randomBytes(1))), /invalid attachment id/);
      await assert.rejects(pair.one.open('ABC'), /invalid attachment id/);
      await assert.rejects(pair.one.remove(['x']), /invalid attachment id/);
    });
  });
}

describe('createDirBlobStore', () => {
  it('moves the incoming file into place (no second copy left behind)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'onestop-blobs-'));
    try {
      const from = path.join(dir, 'incoming');
      await writeFile(from, 'x');
      await createDirBlobStore(path.join(dir, 'uploads')).putFile(newId(), from);
      assert.equal(existsSync(from), false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('createPostgresBlobStore', () => {
  let url: string;
  before(async function () {
    url = (await usePostgres(this)).url;
  });

  it('writes a file inside a store lock on the lock holder connection (a pool of one cannot deadlock)', async () => {
    const schema = freshSchema();
    const store = await createPostgresStore(url, { schema, poolSize: 1 });
    const dir = await mkdtemp(path.join(tmpdir(), 'onestop-incoming-'));
    try {
      const from = path.join(dir, 'f');
      await writeFile(from, randomBytes(2 * CHUNK_BYTES));
      const id = newId();
      await store.withLock('uploads:o', () => store.blobs.putFile(id, from));
      assert.equal((await readBlob(store.blobs, id)).length, 2 * CHUNK_BYTES);
    } finally {
      await store.close();
      await dropSchema(url, schema);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
