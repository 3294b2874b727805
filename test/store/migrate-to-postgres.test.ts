// `onestop store migrate`: a lowdb city copied into PostgreSQL with every count checked.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConflictError } from '../../server/errors.js';
import { readBlob } from '../../server/store/blob-store.js';
import { createLowdbStore } from '../../server/store/lowdb-store.js';
import { migrateToPostgres } from '../../server/store/migrate-to-postgres.js';
import { createPostgresStore } from '../../server/store/postgres/postgres-store.js';
import { dropSchema, freshSchema, usePostgres } from '../support/postgres.js';

describe('migrateToPostgres (needs PostgreSQL)', () => {
  let url: string;
  let schema: string;
  let dir: string;

  before(async function () {
    url = (await usePostgres(this)).url;
  });
  beforeEach(async () => {
    schema = freshSchema();
    dir = await mkdtemp(path.join(tmpdir(), 'onestop-migrate-'));
    const city = await createLowdbStore(path.join(dir, 'store'), { shards: 4 });
    for (let i = 0; i < 2500; i++) await city.collection<{ id: string; openid: string; stage: string }>('applications').put({ id: `JJ-20261120-${i}`, openid: `o${i % 7}`, stage: 'submitted' });
    await city.collection<{ id: string; number: number; files: unknown }>('versions').put({ id: 'v1', number: 1, files: { files: [{ path: 'account.json', text: '{"name":"江城"}' }] } });
    for (let i = 0; i < 30; i++) city.log('audit').append({ at: `2026-10-${String(1 + (i % 28)).padStart(2, '0')}T08:00:00.000Z`, n: i });
    await city.close();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await dropSchema(url, schema);
  });

  it('copies every collection and log and reports equal counts', async () => {
    const report = await migrateToPostgres(path.join(dir, 'store'), url, { schema });
    assert.equal(report.ok, true);
    assert.deepEqual(report.collections, [
      { name: 'applications', source: 2500, target: 2500 },
      { name: 'versions', source: 1, target: 1 },
    ]);
    assert.deepEqual(report.logs, [{ name: 'audit', source: 30, target: 30 }]);

    const pg = await createPostgresStore(url, { schema });
    try {
      assert.equal((await pg.collection('applications').findBy('openid', 'o3')).length, 357);
      assert.deepEqual(await pg.collection('versions').get('v1'), { id: 'v1', number: 1, files: { files: [{ path: 'account.json', text: '{"name":"江城"}' }] } });
      assert.deepEqual((await pg.log<{ n: number }>('audit').read()).map((r) => r.n), Array.from({ length: 30 }, (_, i) => i));
      const october = await pg.pool.query("select count(*)::int as n from log_records_2026_10");
      assert.equal(october.rows[0].n, 30, 'old records sit in their own month partition');
    } finally {
      await pg.close();
    }
  });

  it('copies the uploaded files into the blob tables when asked, and counts them', async () => {
    const uploads = path.join(dir, 'uploads');
    await mkdir(uploads);
    const ids = ['a'.repeat(32), 'b'.repeat(32)];
    for (const id of ids) await writeFile(path.join(uploads, id), `bytes of ${id}`);
    const report = await migrateToPostgres(path.join(dir, 'store'), url, { schema, uploadsDir: uploads });
    assert.deepEqual(report.uploads, { source: 2, target: 2 });
    assert.equal(report.ok, true);
    const pg = await createPostgresStore(url, { schema });
    try {
      assert.equal((await readBlob(pg.blobs, ids[1]!)).toString(), `bytes of ${ids[1]}`);
    } finally {
      await pg.close();
    }
  });

  it('refuses a target that already holds data, so a second run cannot double the logs', async () => {
    await migrateToPostgres(path.join(dir, 'store'), url, { schema });
    await assert.rejects(migrateToPostgres(path.join(dir, 'store'), url, { schema }), (e) => e instanceof ConflictError && /不是空的/.test(e.message));
  });
});
