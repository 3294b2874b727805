// lowdb-only behaviour: what survives a restart, a crash mid-write and a torn log line.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFile, cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConflictError } from '../../server/errors.js';
import { createLowdbStore } from '../../server/store/lowdb-store.js';
import { seedCollection } from '../../server/store/seed-collection.js';
import { shardFileName, shardOf } from '../../server/store/shard-of.js';

interface Item {
  id: string;
  owner: string;
  n: number;
}

describe('createLowdbStore', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), 'onestop-lowdb-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('keeps documents, indexes and logs across a restart', async () => {
    const first = await createLowdbStore(dir, { shards: 4 });
    const items = first.collection<Item>('items', { indexes: ['owner'] });
    for (let i = 0; i < 30; i++) await items.insert({ id: `i${i}`, owner: i < 10 ? 'x' : 'y', n: i });
    await items.update('i3', (d) => ({ ...d, owner: 'z' }));
    await items.delete('i4');
    first.log<{ seq: number }>('audit').append({ seq: 1 });
    await first.close();

    const second = await createLowdbStore(dir, { shards: 4 });
    const again = second.collection<Item>('items', { indexes: ['owner'] });
    assert.equal(await again.count(), 29);
    assert.equal((await again.findBy('owner', 'x')).length, 8);
    assert.deepEqual((await again.findBy('owner', 'z')).map((d) => d.id), ['i3']);
    assert.deepEqual(await second.log('audit').read(), [{ seq: 1 }]);
    await second.close();
  });

  it('creates a new collection once when its first writes arrive together on several shards', async () => {
    const store = await createLowdbStore(dir, { shards: 8 });
    const items = store.collection<Item>('items');
    await Promise.all(Array.from({ length: 16 }, (_, i) => items.insert({ id: `i${i}`, owner: 'x', n: i })));
    assert.equal(await items.count(), 16);
    await store.close();
    assert.deepEqual(JSON.parse(await readFile(path.join(dir, 'collections', 'items', '_meta.json'), 'utf8')), { format: 2, shards: 8 });
  });

  it('writes a shard as one JSON document holding only its own ids', async () => {
    const store = await createLowdbStore(dir, { shards: 4 });
    await store.collection<Item>('items').insert({ id: 'abc', owner: 'x', n: 1 });
    await store.close();
    const file = path.join(dir, 'collections', 'items', shardFileName(shardOf('abc', 4)));
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { docs: [{ id: 'abc', owner: 'x', n: 1 }] });
    const files = await readdir(path.join(dir, 'collections', 'items'));
    assert.deepEqual(files.sort(), ['_meta.json', shardFileName(shardOf('abc', 4))].sort());
  });

  it('reopens cleanly after a crash left a truncated temp file, keeping the committed data', async () => {
    const first = await createLowdbStore(dir, { shards: 4 });
    await first.collection<Item>('items').insert({ id: 'abc', owner: 'x', n: 1 });
    await first.close();
    // What a process killed between writeFile(temp) and rename leaves behind.
    const shardFile = shardFileName(shardOf('abc', 4));
    const temp = path.join(dir, 'collections', 'items', `.${shardFile}.tmp`);
    await writeFile(temp, '{"docs":[{"id":"abc","owner":"half-writ');

    const second = await createLowdbStore(dir, { shards: 4 });
    assert.deepEqual(await second.collection<Item>('items').get('abc'), { id: 'abc', owner: 'x', n: 1 });
    assert.ok(!(await readdir(path.join(dir, 'collections', 'items'))).some((f) => f.endsWith('.tmp')));
    await second.collection<Item>('items').update('abc', (d) => ({ ...d, n: 2 }));
    await second.close();
    const third = await createLowdbStore(dir, { shards: 4 });
    assert.equal((await third.collection<Item>('items').get('abc'))!.n, 2);
    await third.close();
  });

  it('replays committed journal lines after a crash and skips a torn last line', async () => {
    const live = await createLowdbStore(dir, { shards: 4, checkpointMs: 60_000 });
    const items = live.collection<Item>('items');
    await items.insert({ id: 'a', owner: 'x', n: 1 });
    await items.insert({ id: 'b', owner: 'x', n: 2 });
    await items.delete('b');
    await items.update('a', (d) => ({ ...d, n: 3 }));
    // Copy the directory as a power cut would leave it: journal only, no shard file yet.
    const crashed = `${dir}-crashed`;
    await cp(dir, crashed, { recursive: true });
    await live.close();
    // The copy's LOCK names this (live) process; after a real crash it names a dead one.
    await rm(path.join(crashed, 'LOCK'));
    await writeFile(path.join(crashed, 'LOCK'), String(spawnSync('true').pid));
    const collectionDir = path.join(crashed, 'collections', 'items');
    const journal = (await readdir(collectionDir)).find((f) => f.startsWith('journal-'))!;
    assert.ok(!(await readdir(collectionDir)).some((f) => /^\d+\.json$/.test(f)), 'no shard file before the first checkpoint');
    await appendFile(path.join(collectionDir, journal), '{"op":"put","doc":{"id":"c","ow');

    const reopened = await createLowdbStore(crashed, { shards: 4 });
    const again = reopened.collection<Item>('items');
    assert.deepEqual(await again.list(), [{ id: 'a', owner: 'x', n: 3 }]);
    assert.ok(!(await readdir(collectionDir)).some((f) => f.startsWith('journal-')), 'the replayed journal is folded into the shards');
    await again.insert({ id: 'c', owner: 'y', n: 4 });
    await reopened.close();
    const third = await createLowdbStore(crashed, { shards: 4 });
    assert.equal(await third.collection<Item>('items').count(), 2);
    await third.close();
    await rm(crashed, { recursive: true, force: true });
  });

  it('refuses to open a damaged shard file instead of silently losing its documents', async () => {
    const first = await createLowdbStore(dir, { shards: 4 });
    await first.collection<Item>('items').insert({ id: 'abc', owner: 'x', n: 1 });
    await first.close();
    await writeFile(path.join(dir, 'collections', 'items', shardFileName(shardOf('abc', 4))), '{"docs":[');
    await assert.rejects(createLowdbStore(dir, { shards: 4 }), /数据文件已损坏/);
  });

  it('skips a torn last log line and keeps later appends readable', async () => {
    const first = await createLowdbStore(dir);
    first.log('audit').append({ seq: 1 });
    await first.close();
    await appendFile(path.join(dir, 'logs', 'audit.jsonl'), '{"seq":2,"tor');

    const second = await createLowdbStore(dir);
    assert.deepEqual(await second.log('audit').read(), [{ seq: 1 }]);
    second.log('audit').append({ seq: 3 });
    assert.deepEqual(await second.log('audit').read(), [{ seq: 1 }, { seq: 3 }]);
    await second.close();
  });

  it('refuses a collection name that could leave the data directory', async () => {
    const store = await createLowdbStore(dir);
    assert.throws(() => store.collection('../etc'), /名称不合法/);
    assert.throws(() => store.log('a/b'), /名称不合法/);
    await store.close();
  });

  it('opens documents written by seedCollection', async () => {
    await seedCollection<Item>(dir, 'items', Array.from({ length: 100 }, (_, i) => ({ id: `s${i}`, owner: 'x', n: i })), { shards: 8 });
    const store = await createLowdbStore(dir);
    const items = store.collection<Item>('items', { indexes: ['owner'] });
    assert.equal(await items.count(), 100);
    assert.equal((await items.findBy('owner', 'x')).length, 100);
    await store.close();
  });

  it('loses no acknowledged write when the process is killed mid-write', async function () {
    this.timeout(30000);
    for (let round = 0; round < 3; round++) {
      const acked = await runAndKill(dir, 100 + round * 150);
      const store = await createLowdbStore(dir, { shards: 8 });
      const items = store.collection<Item>('items');
      for (const id of acked) assert.ok(await items.get(id), `round ${round}: acknowledged ${id} is missing`);
      assert.ok(acked.length > 0, `round ${round}: the writer acknowledged nothing before the kill`);
      await store.close();
    }
  });

  it('loses no acknowledged write of an on-disk collection when the process is killed mid-write', async function () {
    this.timeout(30000);
    for (let round = 0; round < 3; round++) {
      const acked = await runAndKill(dir, 100 + round * 150, 'on-disk');
      const store = await createLowdbStore(dir, { shards: 8 });
      const items = store.collection<Item>('items', { indexes: ['owner'], onDisk: true });
      for (const id of acked) assert.ok(await items.get(id), `round ${round}: acknowledged ${id} is missing`);
      assert.ok(acked.length > 0, `round ${round}: the writer acknowledged nothing before the kill`);
      const ys = acked.filter((id) => id.endsWith('b'));
      const found = new Set((await items.findBy('owner', 'y')).map((d) => d.id));
      for (const id of ys) assert.ok(found.has(id), `round ${round}: ${id} is missing from the index`);
      await store.close();
    }
  });

  it('lets one process at a time open a data directory and takes over a dead owner\'s lock', async () => {
    const first = await createLowdbStore(dir, { shards: 4 });
    await assert.rejects(createLowdbStore(dir, { shards: 4 }), (e) => e instanceof ConflictError && /正被进程 \d+ 使用/.test(e.message));
    await first.close();
    const second = await createLowdbStore(dir, { shards: 4 });
    await second.close();
    await writeFile(path.join(dir, 'LOCK'), String(spawnSync('true').pid));
    const third = await createLowdbStore(dir, { shards: 4 });
    await third.close();
  });
});

const WRITER = `
import { createLowdbStore } from ${JSON.stringify(path.resolve('server/store/lowdb-store.ts'))};
const onDisk = process.argv[3] === 'on-disk';
// On disk: every checkpoint also compacts, so the kill can land in an append or a rewrite.
const store = await createLowdbStore(process.argv[2], { shards: 8, checkpointMs: 20, compactBytes: 0 });
const items = store.collection('items', { indexes: ['owner'], onDisk });
const tag = Date.now().toString(36);
for (let i = 0; ; i++) {
  const id = tag + '-' + i;
  await Promise.all([items.insert({ id, owner: 'x', n: i, pad: 'x'.repeat(500) }), items.insert({ id: id + 'b', owner: 'y', n: i })]);
  process.stdout.write(id + '\\n' + id + 'b\\n');
}
`;

/** Runs a writer process (checkpointing every 20 ms), SIGKILLs it ms after its first commit, returns the ids it had acknowledged. */
async function runAndKill(dir: string, ms: number, mode: 'memory' | 'on-disk' = 'memory'): Promise<string[]> {
  const script = path.join(dir, '..', `${path.basename(dir)}-writer.mts`);
  await writeFile(script, WRITER);
  const child = spawn(process.execPath, ['--import', 'tsx', script, dir, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const started = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => ((out += b.toString()), resolve()));
    child.on('exit', (code) => reject(new Error(`the writer exited (${code}) before its first commit`)));
  });
  await started; // tsx start-up time varies; kill only once the writer is committing
  await new Promise((r) => setTimeout(r, ms));
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;
  await rm(script, { force: true });
  return out.split('\n').slice(0, -1); // the last line may itself be torn
}
