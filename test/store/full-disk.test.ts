// The lowdb store on a disk that fills up or fails: a write is acknowledged only once it is
// wholly on disk, a refused write leaves nothing behind (in memory or in the files), and the
// store starts again afterwards. The disk is FaultyFs (see full-disk-tmpfs.test.ts for a real one).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { StorageFullError, StorageUnavailableError } from '../../server/errors.js';
import { errorHandler } from '../../server/http/error-handler.js';
import { createLowdbStore, type LowdbStoreOptions } from '../../server/store/lowdb-store.js';
import type { Store } from '../../server/store/types.js';
import { errnoError, FaultyFs } from '../fakes/faulty-fs.js';

interface Item {
  id: string;
  owner: string;
  n: number;
}

const journalFiles = async (dir: string) => (await readdir(dir)).filter((f) => f.startsWith('journal-')).sort();

/** Every line of every journal file in dir: each must be whole JSON ending in a newline. */
async function journalLines(dir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const f of await journalFiles(dir)) {
    const text = await readFile(path.join(dir, f), 'utf8');
    assert.ok(text === '' || text.endsWith('\n'), `${f} ends mid-line`);
    for (const line of text.split('\n').slice(0, -1)) {
      JSON.parse(line);
      lines.push(line);
    }
  }
  return lines;
}

describe('lowdb store on a full disk', () => {
  let dir: string;
  let disk: FaultyFs;
  let warnings: string[];
  const open = (options: LowdbStoreOptions = {}) => createLowdbStore(dir, { shards: 4, checkpointMs: 3_600_000, fs: disk, warn: (l) => warnings.push(l), ...options });
  const items = (store: Store) => store.collection<Item>('items', { indexes: ['owner'] });
  const itemsDir = () => path.join(dir, 'collections', 'items');

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'onestop-full-'));
    disk = new FaultyFs();
    warnings = [];
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  /** A copy of dir as a power cut would leave it now (the copy's LOCK names a dead process). */
  async function crashCopy(): Promise<string> {
    const copy = await mkdtemp(path.join(tmpdir(), 'onestop-full-crash-'));
    await cp(dir, copy, { recursive: true });
    await rm(path.join(copy, 'LOCK'));
    await writeFile(path.join(copy, 'LOCK'), String(spawnSync('true').pid));
    return copy;
  }

  it('refuses a commit the disk cut short, leaving the journal as it was, and keeps every acknowledged one', async () => {
    const store = await open();
    await items(store).insert({ id: 'a', owner: 'x', n: 1 });
    const [journal] = await journalFiles(itemsDir());
    const before = (await stat(path.join(itemsDir(), journal!))).size;

    disk.freeBytes = 10; // the next line gets 10 bytes, then ENOSPC
    await assert.rejects(items(store).insert({ id: 'b', owner: 'x', n: 2 }), (e) => e instanceof StorageFullError && /存储空间已满/.test(e.message));
    assert.equal(disk.shortWrites, 1, 'the write was really cut short');
    assert.equal((await stat(path.join(itemsDir(), journal!))).size, before, 'the half-written line was cut off');
    assert.equal(await items(store).get('b'), undefined);
    assert.deepEqual(await items(store).findBy('owner', 'x'), [{ id: 'a', owner: 'x', n: 1 }]);

    disk.freeBytes = Infinity; // space returns: the next commit is whole, not merged into a torn line
    await items(store).insert({ id: 'c', owner: 'x', n: 3 });
    assert.equal((await journalLines(itemsDir())).length, 2);
    const crashed = await crashCopy();
    await store.close();

    const again = await createLowdbStore(crashed, { shards: 4 });
    assert.deepEqual((await items(again).list()).map((d) => d.id).sort(), ['a', 'c']);
    await again.close();
    await rm(crashed, { recursive: true, force: true });
  });

  it('rolls nothing into memory when an update is refused', async () => {
    const store = await open();
    await items(store).insert({ id: 'a', owner: 'x', n: 1 });
    disk.freeBytes = 0;
    await assert.rejects(items(store).update('a', (d) => ({ ...d, owner: 'y', n: 2 })), StorageFullError);
    await assert.rejects(items(store).delete('a'), StorageFullError);
    assert.deepEqual(await items(store).get('a'), { id: 'a', owner: 'x', n: 1 });
    assert.equal((await items(store).findBy('owner', 'y')).length, 0);
    disk.freeBytes = Infinity;
    await store.close();
  });

  it('refuses with StorageUnavailableError when fsync fails, and cuts the unsynced line off', async () => {
    const store = await open();
    await items(store).insert({ id: 'a', owner: 'x', n: 1 });
    disk.failSync = true;
    await assert.rejects(items(store).insert({ id: 'b', owner: 'x', n: 2 }), StorageUnavailableError);
    disk.failSync = false;
    assert.equal((await journalLines(itemsDir())).length, 1);
    assert.equal(await items(store).get('b'), undefined);
    await store.close();
  });

  it('moves to a new journal file when a torn line cannot be cut off, and start-up drops that line', async () => {
    const store = await open();
    await items(store).insert({ id: 'a', owner: 'x', n: 1 });
    disk.freeBytes = 10;
    disk.failTruncate = true;
    await assert.rejects(items(store).insert({ id: 'b', owner: 'x', n: 2 }), StorageFullError);
    disk.freeBytes = Infinity;
    disk.failTruncate = false;
    await items(store).insert({ id: 'c', owner: 'x', n: 3 });
    const files = await journalFiles(itemsDir());
    assert.equal(files.length, 2, 'the commit after the torn line went to a new file');
    const torn = await readFile(path.join(itemsDir(), files[0]!), 'utf8');
    assert.ok(!torn.endsWith('\n'), 'the first file keeps its torn, never acknowledged, tail');
    const crashed = await crashCopy();
    await store.close();

    const again = await createLowdbStore(crashed, { shards: 4, warn: (l) => warnings.push(l) });
    assert.deepEqual((await items(again).list()).map((d) => d.id).sort(), ['a', 'c']);
    assert.deepEqual(warnings, [], 'a torn last line is expected, not damage');
    await again.close();
    await rm(crashed, { recursive: true, force: true });
  });

  it('answers HTTP 507 with a Chinese message for a refused write', async () => {
    const store = await open();
    disk.freeBytes = 0;
    const app = express();
    app.post('/items', async (_req, res, next) => {
      try {
        res.json(await items(store).insert({ id: 'a', owner: 'x', n: 1 }));
      } catch (err) {
        next(err);
      }
    });
    app.use(errorHandler());
    const res = await request(app).post('/items').expect(507);
    assert.equal(res.body.code, 'STORAGE_FULL');
    assert.match(res.body.message, /存储空间已满，本次操作没有保存/);
    assert.doesNotMatch(JSON.stringify(res.body), new RegExp(dir), 'no server path reaches the client');
    disk.freeBytes = Infinity;
    await store.close();
  });

  it('answers 507 for a full disk met outside the store (a streamed upload), and 503 for EIO', async () => {
    const app = express();
    app.post('/upload', (_req, _res, next) => next(errnoError('ENOSPC', 'write')));
    app.post('/broken', (_req, _res, next) => next(errnoError('EIO', 'write')));
    app.use(errorHandler());
    assert.equal((await request(app).post('/upload').expect(507)).body.code, 'STORAGE_FULL');
    assert.equal((await request(app).post('/broken').expect(503)).body.code, 'STORAGE_UNAVAILABLE');
  });

  it('leaves no metadata and no temp file when the first write to a new collection is refused, and starts again', async () => {
    const store = await open();
    disk.freeBytes = 5;
    await assert.rejects(items(store).insert({ id: 'a', owner: 'x', n: 1 }), StorageFullError);
    const files = await readdir(itemsDir()).catch(() => []);
    assert.deepEqual(files.filter((f) => f.endsWith('.tmp') || f === '_meta.json'), [], `left behind: ${files.join(', ')}`);
    await store.close();

    disk.freeBytes = Infinity;
    const again = await open();
    await items(again).insert({ id: 'b', owner: 'x', n: 2 });
    await again.close();
    const third = await open();
    assert.deepEqual(await items(third).list(), [{ id: 'b', owner: 'x', n: 2 }]);
    await third.close();
  });

  it('starts when an older version left an empty _meta.json, and rewrites it', async () => {
    // What the first write to a new collection left on a full disk before this fix.
    await mkdir(itemsDir(), { recursive: true });
    await writeFile(path.join(itemsDir(), '_meta.json'), '');
    const store = await open();
    assert.equal(await items(store).count(), 0);
    assert.ok(warnings.some((w) => w.includes('元数据文件已损坏') && w.includes(path.join(itemsDir(), '_meta.json'))), warnings.join('\n'));
    await items(store).insert({ id: 'a', owner: 'x', n: 1 });
    await store.close();
    assert.deepEqual(JSON.parse(await readFile(path.join(itemsDir(), '_meta.json'), 'utf8')), { format: 2, shards: 4 });
  });

  it('keeps every document when a torn _meta.json hid the shard count they were written with', async () => {
    const first = await open({ shards: 8 });
    for (let i = 0; i < 40; i++) await items(first).insert({ id: `i${i}`, owner: 'x', n: i });
    await first.close();
    await writeFile(path.join(itemsDir(), '_meta.json'), '{"format":2,"sha');

    const second = await open({ shards: 4 });
    assert.equal(await items(second).count(), 40);
    await items(second).delete('i0');
    await second.close();
    const names = await readdir(itemsDir());
    assert.deepEqual(names.filter((n) => /^[0-9a-f]{3}\.json$/.test(n)).sort(), ['000.json', '001.json', '002.json', '003.json'], 'files of the old layout are gone');

    const third = await open({ shards: 16 });
    assert.equal(await items(third).count(), 39, 'a deleted document does not come back from a stale file');
    assert.equal(await items(third).get('i0'), undefined);
    await third.close();
  });

  it('names the file it cannot recover', async () => {
    const first = await open();
    await items(first).insert({ id: 'a', owner: 'x', n: 1 });
    await first.close();
    const shard = (await readdir(itemsDir())).find((n) => /^[0-9a-f]{3}\.json$/.test(n))!;
    await writeFile(path.join(itemsDir(), shard), '{"docs":[{"id":');
    await assert.rejects(open(), (e: Error) => e.message.includes('数据文件已损坏') && e.message.includes(path.join(itemsDir(), shard)));
  });

  it('starts on a disk that is still full, serves reads, refuses writes, and catches up once space returns', async () => {
    const first = await open();
    await items(first).insert({ id: 'a', owner: 'x', n: 1 });
    const crashed = await crashCopy(); // journal only: start-up must fold it into shard files
    await first.close();
    await rm(dir, { recursive: true, force: true });
    dir = crashed;

    disk.freeBytes = 0;
    const store = await open();
    assert.deepEqual(await items(store).get('a'), { id: 'a', owner: 'x', n: 1 });
    assert.ok(warnings.some((w) => w.includes('数据检查点写入失败')), warnings.join('\n'));
    assert.ok(!(await readdir(itemsDir())).some((f) => f.endsWith('.tmp')), 'no half-written shard file is left');
    await assert.rejects(items(store).insert({ id: 'b', owner: 'x', n: 2 }), StorageFullError);
    disk.freeBytes = Infinity;
    await items(store).insert({ id: 'c', owner: 'x', n: 3 });
    await store.close();
    assert.deepEqual(await journalFiles(itemsDir()), [], 'the journal was folded in at close');

    const again = await createLowdbStore(dir, { shards: 4 });
    assert.deepEqual((await items(again).list()).map((d) => d.id).sort(), ['a', 'c']);
    await again.close();
  });

  it('closes on a full disk without losing the journal', async () => {
    const store = await open();
    await items(store).insert({ id: 'a', owner: 'x', n: 1 });
    disk.freeBytes = 0;
    await store.close();
    assert.ok(!(await readdir(itemsDir())).some((f) => f.endsWith('.tmp')));
    assert.ok(!(await readdir(dir)).includes('LOCK'), 'the data directory is released');
    const again = await createLowdbStore(dir, { shards: 4 });
    assert.deepEqual(await items(again).get('a'), { id: 'a', owner: 'x', n: 1 });
    await again.close();
  });

  it('keeps the journal of an on-disk collection whose shard file the disk cut short, and folds it in once space returns', async () => {
    const onDisk = (store: Store) => store.collection<Item>('items', { indexes: ['owner'], onDisk: true });
    const first = await open();
    await onDisk(first).insert({ id: 'a', owner: 'x', n: 1 });
    await first.close(); // a is in its shard file
    const store = await open();
    await onDisk(store).insert({ id: 'b', owner: 'x', n: 2 });
    await onDisk(store).update('a', (d) => ({ ...d, n: 3 }));
    disk.freeBytes = 20; // the checkpoint's append is cut short
    await store.close();
    assert.ok(disk.shortWrites >= 1, 'the append was really cut short');
    assert.equal((await journalFiles(itemsDir())).length, 1, 'the journal is kept');
    for (const f of (await readdir(itemsDir())).filter((n) => /^[0-9a-f]{3}\.jsonl$/.test(n))) {
      const text = await readFile(path.join(itemsDir(), f), 'utf8');
      assert.ok(text.endsWith('\n'), `${f} ends mid-line`);
      for (const line of text.split('\n').slice(0, -1)) JSON.parse(line);
    }

    const full = await open(); // still full: reads work from the replayed journal
    assert.deepEqual(await onDisk(full).get('a'), { id: 'a', owner: 'x', n: 3 });
    assert.deepEqual((await onDisk(full).findBy('owner', 'x')).map((d) => d.id).sort(), ['a', 'b']);
    await assert.rejects(onDisk(full).insert({ id: 'c', owner: 'x', n: 4 }), StorageFullError);
    disk.freeBytes = Infinity;
    await onDisk(full).insert({ id: 'd', owner: 'y', n: 5 });
    await full.close();
    assert.deepEqual(await journalFiles(itemsDir()), [], 'the journal was folded in at close');
    const again = await createLowdbStore(dir, { shards: 4 });
    assert.deepEqual((await onDisk(again).list()).map((d) => `${d.id}:${d.n}`).sort(), ['a:3', 'b:2', 'd:5']);
    await again.close();
  });

  it('keeps log records in memory while the disk refuses them and writes each exactly once later', async () => {
    const store = await open();
    const log = store.log<{ seq: number }>('audit');
    log.append({ seq: 1 });
    await log.flush();
    disk.freeBytes = 5;
    log.append({ seq: 2 });
    log.append({ seq: 3 });
    await assert.rejects(log.flush(), StorageFullError);
    assert.deepEqual(await log.read(), [{ seq: 1 }, { seq: 2 }, { seq: 3 }], 'readers still see the records waiting for the disk');
    disk.freeBytes = Infinity;
    await log.flush();
    assert.equal(await readFile(path.join(dir, 'logs', 'audit.jsonl'), 'utf8'), '{"seq":1}\n{"seq":2}\n{"seq":3}\n');
    await store.close();
  });
});
