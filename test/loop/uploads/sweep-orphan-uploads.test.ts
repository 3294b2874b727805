import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APPLICATIONS } from '../../../server/loop/applications/application-types.js';
import { incomingDir, removeIncomingBefore, uploadFilesOf, uploadsDir } from '../../../server/loop/processing/attachment-files.js';
import { createDirBlobStore } from '../../../server/store/blob-store.js';
import { createUploadSweeper, ORPHAN_GRACE_MS, sweepOrphanUploads, type UploadFiles } from '../../../server/loop/uploads/sweep-orphan-uploads.js';
import { uploadsOf } from '../../../server/loop/uploads/upload-types.js';
import { createMemoryStore } from '../../../server/store/memory-store.js';
import type { Store } from '../../../server/store/types.js';

const NOW = new Date('2026-11-25T10:00:00+08:00');
const id = (n: number) => n.toString(16).padStart(32, '0');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3600_000);

/** Upload files in memory: id -> last change. */
class FakeUploadFiles implements UploadFiles {
  constructor(readonly files = new Map<string, Date>()) {}
  async list() {
    return [...this.files].map(([fileId, modifiedAt]) => ({ id: fileId, modifiedAt }));
  }
  async remove(ids: string[]) {
    for (const i of ids) this.files.delete(i);
  }
}

function attachment(fileId: string) {
  return { id: fileId, name: 'photo', label: '照片', originalName: 'a.jpg', ext: 'jpg' as const, mime: 'image/jpeg', size: 10 };
}

describe('sweepOrphanUploads', () => {
  let store: Store;
  let files: FakeUploadFiles;
  beforeEach(async () => {
    store = createMemoryStore();
    files = new FakeUploadFiles();
    await uploadsOf(store).insert({ id: id(1), openid: 'o', service: 'd/s', field: 'photo', department: 'd', type: 'jpg', mime: 'image/jpeg', size: 10, name: 'a.jpg', createdAt: hoursAgo(5).toISOString() });
    await store.collection(APPLICATIONS).insert({ id: 'JC-1', attachments: [attachment(id(2))] } as never);
    await store.collection('appointments').insert({ id: 'ap-1', form: { photo: id(3) } } as never);
  });

  it('removes old files no record names and keeps every referenced or recent one', async () => {
    for (const n of [1, 2, 3, 4]) files.files.set(id(n), hoursAgo(5));
    files.files.set(id(5), hoursAgo(0.1)); // an upload in flight: its record is not stored yet
    const result = await sweepOrphanUploads({ store, files, now: () => NOW });
    assert.deepEqual([...files.files.keys()].sort(), [id(1), id(2), id(3), id(5)]);
    assert.deepEqual(result, { at: NOW.toISOString(), files: 5, removed: 1, recent: 1, incoming: 0 });
  });

  it('keeps an unreferenced file until the grace period has passed', async () => {
    files.files.set(id(9), new Date(NOW.getTime() - ORPHAN_GRACE_MS + 1000));
    assert.equal((await sweepOrphanUploads({ store, files, now: () => NOW })).removed, 0);
    files.files.set(id(9), new Date(NOW.getTime() - ORPHAN_GRACE_MS));
    assert.equal((await sweepOrphanUploads({ store, files, now: () => NOW })).removed, 1);
  });

  it('reports its last run and its failures for the health page', async () => {
    files.files.set(id(9), hoursAgo(5));
    const sweeper = createUploadSweeper({ store, files, now: () => NOW, warn: () => {} });
    assert.deepEqual(sweeper.status(), { last: null, lastError: null });
    await sweeper.start();
    sweeper.stop();
    assert.equal(sweeper.status().last?.removed, 1);
    const failing = createUploadSweeper({ store, files: { list: async () => Promise.reject(new Error('磁盘读取失败')), remove: async () => {} }, warn: () => {} });
    await failing.start();
    failing.stop();
    assert.equal(failing.status().lastError?.message, '磁盘读取失败');
  });
});

describe('upload files on disk', () => {
  let dataDir: string;
  beforeEach(async () => (dataDir = await mkdtemp(path.join(tmpdir(), 'onestop-uploads-'))));
  afterEach(async () => rm(dataDir, { recursive: true, force: true }));

  it('lists stored files with their age, ignoring other names, and deletes them', async () => {
    const files = uploadFilesOf(createDirBlobStore(uploadsDir(dataDir)), dataDir);
    await mkdir(uploadsDir(dataDir), { recursive: true });
    await writeFile(path.join(uploadsDir(dataDir), id(1)), 'x');
    await writeFile(path.join(uploadsDir(dataDir), 'README'), 'not an upload');
    await utimes(path.join(uploadsDir(dataDir), id(1)), hoursAgo(3), hoursAgo(3));
    assert.deepEqual(await files.list(), [{ id: id(1), modifiedAt: hoursAgo(3) }]);
    await files.remove([id(1)]);
    assert.deepEqual(await files.list(), []);
  });

  it('removes partly received uploads older than the grace period and keeps those still arriving', async () => {
    await mkdir(incomingDir(dataDir), { recursive: true });
    await writeFile(path.join(incomingDir(dataDir), 'crashed-part'), 'half');
    await writeFile(path.join(incomingDir(dataDir), 'arriving-part'), 'half');
    await utimes(path.join(incomingDir(dataDir), 'crashed-part'), hoursAgo(2), hoursAgo(2));
    assert.equal(await removeIncomingBefore(dataDir, hoursAgo(1)), 1);
    assert.deepEqual(await readdir(incomingDir(dataDir)), ['arriving-part']);
  });
});
