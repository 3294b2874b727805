// The audit's reproduction on a real file system: a 1 MB tmpfs fills up under a writer that
// then crashes. Mounting needs root; CI runs as root, so there the test must mount or fail.
// Elsewhere it runs the same scenario on the simulated disk (FaultyFs) and says so.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { StorageFullError } from '../../server/errors.js';
import { createLowdbStore } from '../../server/store/lowdb-store.js';
import type { StoreFs } from '../../server/store/store-fs.js';
import { FaultyFs } from '../fakes/faulty-fs.js';

const run = promisify(execFile);
const WRITER = path.resolve('test/store/fixtures/fill-disk-writer.ts');
const SIZE = 1 << 20;

interface Disk {
  dir: string;
  kind: string;
  /** The fs the restarted server uses while the disk is still full. */
  fs?: StoreFs;
  /** Frees space (a bigger tmpfs, or an unlimited simulated disk). */
  grow(): Promise<void>;
  remove(): Promise<void>;
}

async function mountTmpfs(): Promise<Disk | string> {
  if (process.getuid?.() !== 0) return 'not running as root';
  const dir = await mkdtemp(path.join(tmpdir(), 'onestop-tmpfs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    await rm(dir, { recursive: true, force: true });
    return `mount -t tmpfs failed: ${(mounted.stderr || mounted.error?.message || '').trim()}`;
  }
  return {
    dir,
    kind: 'a real 1 MB tmpfs',
    grow: async () => void (await run('mount', ['-o', `remount,size=${4 * SIZE}`, dir])),
    remove: async () => {
      spawnSync('umount', ['-l', dir]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function simulatedDisk(): Promise<Disk> {
  const dir = await mkdtemp(path.join(tmpdir(), 'onestop-simdisk-'));
  const fs = new FaultyFs();
  fs.freeBytes = 0;
  return { dir, kind: 'the simulated 1 MB disk', fs, grow: async () => void (fs.freeBytes = Infinity), remove: () => rm(dir, { recursive: true, force: true }) };
}

describe('lowdb store filling a disk, then restarting', () => {
  let disk: Disk;
  let simulated = false;

  before(async function () {
    const real = await mountTmpfs();
    if (typeof real !== 'string') return void (disk = real);
    if (process.env.CI) assert.fail(`CI runs as root and must run this test on a real tmpfs, but ${real}`);
    console.log(`      (no real tmpfs: ${real}; running the same scenario on the simulated disk)`);
    disk = await simulatedDisk();
    simulated = true;
  });
  after(async () => disk?.remove());

  it('refuses the write that does not fit, keeps every acknowledged one, and starts again with and without space', async function () {
    this.timeout(60_000);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', WRITER, disk.dir, ...(simulated ? [String(SIZE)] : [])]);
    const { acked, refused, firstWrite } = JSON.parse(stdout) as { acked: string[]; refused?: { id: string; code: string }; firstWrite: string };
    assert.ok(acked.length > 100, `${disk.kind}: only ${acked.length} writes before the disk filled`);
    assert.deepEqual(refused, { id: `t${acked.length}`, code: 'STORAGE_FULL' }, `${disk.kind}: the write that did not fit is refused as STORAGE_FULL`);
    assert.equal(firstWrite, 'STORAGE_FULL', 'a new collection on a full disk is refused too');
    const brandNew = await readdir(path.join(disk.dir, 'collections', 'brandNew')).catch(() => []);
    assert.deepEqual(brandNew, [], 'no empty _meta.json or temp file is left for the next start to trip over');
    const journalDir = path.join(disk.dir, 'collections', 'deskTickets');
    for (const f of (await readdir(journalDir)).filter((n) => n.startsWith('journal-'))) {
      assert.ok((await readFile(path.join(journalDir, f), 'utf8')).endsWith('\n'), `${f} ends mid-line`);
    }

    // Restart on the still-full disk: the city starts, every acknowledged ticket is there.
    const full = await createLowdbStore(disk.dir, { shards: 8, fs: disk.fs, warn: () => {} });
    const tickets = full.collection<{ id: string; text: string }>('deskTickets');
    assert.equal(await tickets.count(), acked.length);
    for (const id of [acked[0]!, acked.at(-1)!]) assert.ok(await tickets.get(id), `acknowledged ${id} is missing`);
    assert.equal(await tickets.get(refused!.id), undefined);
    await assert.rejects(tickets.insert({ id: 'during', text: 'x'.repeat(4096) }), StorageFullError);

    // Space returns: writes work again and nothing merges into a torn line.
    await disk.grow();
    await tickets.insert({ id: 'after', text: '空间恢复后的留言' });
    await full.close();
    const again = await createLowdbStore(disk.dir, { shards: 8 });
    const reopened = again.collection<{ id: string }>('deskTickets');
    assert.equal(await reopened.count(), acked.length + 1);
    assert.ok(await reopened.get('after'));
    await again.close();
  });
});
