// STORE_URL picks the store: unset keeps the embedded lowdb store in DATA_DIR, a postgres:// URL
// opens PostgreSQL (running the migrations).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.js';
import { ConfigError } from '../../server/errors.js';
import { openBlobStore, openStore } from '../../server/main.js';
import { usePostgres } from '../support/postgres.js';

describe('openStore', () => {
  it('keeps the embedded store in DATA_DIR when STORE_URL is unset', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'onestop-open-'));
    try {
      const config = loadConfig({ DATA_DIR: dir });
      assert.equal(config.storeUrl, undefined);
      const store = await openStore(config);
      await store.close();
      assert.ok((await readdir(dir)).includes('store'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a STORE_URL that is not a postgres:// URL', () => {
    assert.throws(() => loadConfig({ STORE_URL: 'mysql://db/city' }), (e) => e instanceof ConfigError && /STORE_URL/.test(e.message));
  });

  it('opens PostgreSQL for a postgres:// STORE_URL (needs PostgreSQL)', async function () {
    const { url } = await usePostgres(this);
    const dir = await mkdtemp(path.join(tmpdir(), 'onestop-open-'));
    try {
      const store = await openStore(loadConfig({ STORE_URL: url, DATA_DIR: dir }));
      try {
        await store.collection('probe').put({ id: 'p' });
        assert.deepEqual(await store.collection('probe').get('p'), { id: 'p' });
        await store.collection('probe').delete('p');
      } finally {
        await store.close();
      }
      assert.deepEqual(await readdir(dir), [], 'nothing written to DATA_DIR');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps uploads in DATA_DIR/uploads by default, in BLOB_DIR when set, and refuses a BLOB_STORE it does not know', () => {
    assert.deepEqual(loadConfig({ DATA_DIR: '/srv/city' }).blobs, { kind: 'dir', dir: '/srv/city/uploads' });
    assert.deepEqual(loadConfig({ DATA_DIR: '/srv/city', BLOB_DIR: '/mnt/shared/uploads' }).blobs, { kind: 'dir', dir: '/mnt/shared/uploads' });
    assert.throws(() => loadConfig({ BLOB_STORE: 's3' }), (e) => e instanceof ConfigError && /BLOB_STORE/.test(e.message));
  });

  it('refuses BLOB_STORE=postgres without STORE_URL, or together with BLOB_DIR', () => {
    assert.throws(() => loadConfig({ BLOB_STORE: 'postgres' }), (e) => e instanceof ConfigError && /STORE_URL/.test(e.message));
    assert.throws(() => loadConfig({ BLOB_STORE: 'postgres', STORE_URL: 'postgres://db/city', BLOB_DIR: '/x' }), (e) => e instanceof ConfigError && /BLOB_DIR/.test(e.message));
  });

  it('opens the PostgreSQL store\'s blob tables for BLOB_STORE=postgres (needs PostgreSQL)', async function () {
    const { url } = await usePostgres(this);
    const dir = await mkdtemp(path.join(tmpdir(), 'onestop-open-'));
    try {
      const config = loadConfig({ STORE_URL: url, BLOB_STORE: 'postgres', DATA_DIR: dir });
      const store = await openStore(config);
      try {
        assert.equal(openBlobStore(config, store).kind, 'postgres');
        assert.equal(openBlobStore(loadConfig({ STORE_URL: url, DATA_DIR: dir }), store).kind, 'dir');
      } finally {
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
