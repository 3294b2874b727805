// On-disk collections of the lowdb store (CollectionOptions.onDisk): the file format and what
// survives a restart, a crash mid-write, a torn or damaged shard file, lost metadata and the move
// of a collection stored in memory onto disk.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFile, cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLowdbStore, type LowdbStoreOptions } from '../../server/store/lowdb-store.js';
import { jsonlShardName } from '../../server/store/line-files.js';
import { shardOf } from '../../server/store/shard-of.js';
import { countBy } from '../../server/store/counting.js';

interface Item {
  id: string;
  owner: string;
  n: number;
}

const ON_DISK = { indexes: ['owner'], onDisk: true };

describe('lowdb store: on-disk collections', () => {
  let dir: string;
  const itemsDir = () => path.join(dir, 'collections', 'items');
  const open = (options: LowdbStoreOptions = {}) => createLowdbStore(dir, { shards: 4, ...options });
  const lines = async (file: string) => (await readFile(path.join(itemsDir(), file), 'utf8')).split('\n').slice(0, -1).map((l) => JSON.parse(l) as { op: string; doc?: Item; id?: string });

  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), 'onestop-on-disk-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  /** A copy of dir as a power cut would leave it now (its LOCK names a dead process). */
  async function crashCopy(): Promise<string> {
    const copy = `${dir}-crashed`;
    await cp(dir, copy, { recursive: true });
    await rm(path.join(copy, 'LOCK'));
    await writeFile(path.join(copy, 'LOCK'), String(spawnSync('true').pid));
    return copy;
  }

  it('stores one document per line in its shard file and records onDisk and the indexes in _meta.json', async () => {
    const store = await open();
    const items = store.collection<Item>('items', ON_DISK);
    await items.insert({ id: 'abc', owner: 'x', n: 1 });
    await items.insert({ id: 'abd', owner: 'y', n: 2 });
    await items.delete('abd');
    await store.close();
    assert.deepEqual(JSON.parse(await readFile(path.join(itemsDir(), '_meta.json'), 'utf8')), { format: 3, shards: 4, onDisk: true, indexes: ['owner'] });
    const files = (await readdir(itemsDir())).filter((f) => f !== '_meta.json');
    assert.ok(files.every((f) => f.endsWith('.jsonl') && !f.startsWith('journal-')), `only shard files after close: ${files.join(', ')}`);
    const all = (await Promise.all(files.map(lines))).flat();
    assert.deepEqual(all.filter((l) => l.op === 'put' && l.doc!.id === 'abc'), [{ op: 'put', doc: { id: 'abc', owner: 'x', n: 1 } }]);
    assert.ok(all.some((l) => l.op === 'del' && l.id === 'abd') || !all.some((l) => l.doc?.id === 'abd'), 'abd is deleted in its file');
  });

  it('keeps documents and indexes across restarts, reading each document from its file', async () => {
    const first = await open();
    const items = first.collection<Item>('items', ON_DISK);
    for (let i = 0; i < 40; i++) await items.insert({ id: `i${i}`, owner: i < 10 ? 'x' : 'y', n: i });
    await items.update('i3', (d) => ({ ...d, owner: 'z' }));
    await items.delete('i4');
    await first.close();
    for (let round = 0; round < 2; round++) {
      const again = await open();
      // Declared without onDisk: a collection on disk stays there.
      const c = again.collection<Item>('items', { indexes: ['owner'] });
      assert.equal(await c.count(), 39);
      assert.equal((await c.findBy('owner', 'x')).length, 8);
      assert.deepEqual((await c.findBy('owner', 'z')).map((d) => d.id), ['i3']);
      assert.deepEqual(await c.get('i5'), { id: 'i5', owner: 'x', n: 5 + round });
      await c.update('i5', (d) => ({ ...d, n: d.n + 1 }));
      await again.close();
    }
    const last = await open();
    assert.equal((await last.collection<Item>('items').get('i5'))!.n, 7);
    await last.close();
  });

  it('replays the journal after a crash, skipping a torn last line', async () => {
    const live = await open({ checkpointMs: 3_600_000 });
    const items = live.collection<Item>('items', ON_DISK);
    await items.insert({ id: 'a', owner: 'x', n: 1 });
    await live.close(); // a is in its shard file now
    const again = await open({ checkpointMs: 3_600_000 });
    const c = again.collection<Item>('items', ON_DISK);
    await c.insert({ id: 'b', owner: 'x', n: 2 });
    await c.update('a', (d) => ({ ...d, n: 3 }));
    await c.delete('b');
    await c.insert({ id: 'c', owner: 'y', n: 4 });
    const crashed = await crashCopy();
    await again.close();
    const collectionDir = path.join(crashed, 'collections', 'items');
    const journal = (await readdir(collectionDir)).find((f) => f.startsWith('journal-'))!;
    await appendFile(path.join(collectionDir, journal), '{"op":"put","doc":{"id":"d","ow');

    const reopened = await createLowdbStore(crashed, { shards: 4 });
    const r = reopened.collection<Item>('items', ON_DISK);
    assert.deepEqual((await r.list()).sort((x, y) => x.id.localeCompare(y.id)), [{ id: 'a', owner: 'x', n: 3 }, { id: 'c', owner: 'y', n: 4 }]);
    assert.deepEqual((await r.findBy('owner', 'x')).map((d) => d.id), ['a']);
    assert.ok(!(await readdir(collectionDir)).some((f) => f.startsWith('journal-')), 'the replayed journal is folded into the shard files');
    await reopened.close();
    await rm(crashed, { recursive: true, force: true });
  });

  it('cuts off a torn last line of a shard file and appends whole lines after it', async () => {
    const first = await open();
    await first.collection<Item>('items', ON_DISK).insert({ id: 'abc', owner: 'x', n: 1 });
    await first.close();
    const file = path.join(itemsDir(), jsonlShardName(shardOf('abc', 4)));
    const whole = (await stat(file)).size;
    // A crash in the middle of a checkpoint's append (the journal still held the line).
    await appendFile(file, '{"op":"put","doc":{"id":"abc","owner":"half');

    const second = await open();
    const items = second.collection<Item>('items', ON_DISK);
    assert.deepEqual(await items.get('abc'), { id: 'abc', owner: 'x', n: 1 });
    assert.equal((await stat(file)).size, whole, 'the torn line is cut off at open');
    await items.update('abc', (d) => ({ ...d, n: 2 }));
    await second.close();
    const third = await open();
    assert.equal((await third.collection<Item>('items', ON_DISK).get('abc'))!.n, 2);
    await third.close();
    assert.ok((await readFile(file, 'utf8')).split('\n').slice(0, -1).every((l) => JSON.parse(l)));
  });

  it('refuses to open a shard file damaged before its last line instead of losing its documents', async () => {
    const first = await open();
    await first.collection<Item>('items', ON_DISK).insert({ id: 'abc', owner: 'x', n: 1 });
    await first.close();
    const file = path.join(itemsDir(), jsonlShardName(shardOf('abc', 4)));
    await writeFile(file, `{"op":"put","doc":{"id":"ab\n${await readFile(file, 'utf8')}`);
    await assert.rejects(open(), /数据文件已损坏/);
  });

  it('moves a collection stored in memory onto disk when first declared onDisk, callers keeping their reference', async () => {
    const first = await open();
    const memory = first.collection<Item>('items', { indexes: ['owner'] });
    for (let i = 0; i < 30; i++) await memory.insert({ id: `i${i}`, owner: i % 3 ? 'x' : 'y', n: i });
    await first.close();
    const second = await open();
    const earlier = second.collection<Item>('items', { indexes: ['owner'] });
    const moved = second.collection<Item>('items', ON_DISK);
    // Calls made while it moves wait for it, through either reference.
    const [count, ys] = await Promise.all([earlier.count(), moved.findBy('owner', 'y'), earlier.insert({ id: 'new', owner: 'y', n: 99 })]);
    assert.equal(count, 30);
    assert.equal(ys.length, 10);
    assert.equal((await earlier.findBy('owner', 'y')).length, 11);
    await second.close();
    const files = await readdir(itemsDir());
    assert.ok(!files.some((f) => /^[0-9a-f]+\.json$/.test(f)), `no in-memory shard file is left: ${files.join(', ')}`);
    assert.equal(JSON.parse(await readFile(path.join(itemsDir(), '_meta.json'), 'utf8')).onDisk, true);
    const third = await open();
    assert.equal(await third.collection<Item>('items').count(), 31);
    await third.close();
  });

  it('keeps the in-memory format when the move stopped before _meta.json was written', async () => {
    const first = await open();
    await first.collection<Item>('items').insert({ id: 'a', owner: 'x', n: 1 });
    await first.close();
    // What a crash after the .jsonl files but before _meta.json leaves: a half-moved copy.
    await writeFile(path.join(itemsDir(), jsonlShardName(0)), '{"op":"put","doc":{"id":"stale","owner":"x","n":0}}\n');
    const second = await open();
    assert.deepEqual(await second.collection<Item>('items').list(), [{ id: 'a', owner: 'x', n: 1 }]);
    await second.close();
    assert.ok(!(await readdir(itemsDir())).some((f) => f.endsWith('.jsonl')));
  });

  it('keeps every document when _meta.json is lost and the shard count changed, leaving no copy behind', async () => {
    const first = await open({ shards: 4 });
    const items = first.collection<Item>('items', ON_DISK);
    for (let i = 0; i < 40; i++) await items.insert({ id: `i${i}`, owner: 'x', n: i });
    await items.delete('i7');
    await first.close();
    await rm(path.join(itemsDir(), '_meta.json'));
    const warnings: string[] = [];
    const second = await open({ shards: 3, warn: (l) => warnings.push(l) });
    const c = second.collection<Item>('items', ON_DISK);
    assert.equal(await c.count(), 39);
    assert.equal(await c.get('i7'), undefined);
    await c.delete('i8');
    await second.close();
    const files = (await readdir(itemsDir())).sort();
    assert.deepEqual(files, ['000.jsonl', '001.jsonl', '002.jsonl', '_meta.json']);
    for (const f of files.filter((n) => n.endsWith('.jsonl'))) {
      for (const l of await lines(f)) if (l.op === 'put') assert.equal(jsonlShardName(shardOf(l.doc!.id, 3)), f, `${l.doc!.id} lives in its own shard file`);
    }
    const third = await open({ shards: 8 });
    const again = third.collection<Item>('items', ON_DISK);
    assert.equal(await again.count(), 38);
    assert.equal((await again.findBy('owner', 'x')).length, 38);
    await third.close();
  });

  it('tells apart two long indexed values that share a hash (long values are indexed by hash)', async () => {
    // FNV-1a (31 bits) of these two is the same.
    const [a, b] = ['oCitizen-long-openid-value-14963', 'oCitizen-long-openid-value-559111'];
    const store = await open();
    const items = store.collection<Item>('items', ON_DISK);
    await items.insert({ id: 'i1', owner: a, n: 1 });
    await items.insert({ id: 'i2', owner: b, n: 2 });
    await items.insert({ id: 'i3', owner: b, n: 3 });
    assert.deepEqual((await items.findBy('owner', a)).map((d) => d.id), ['i1']);
    assert.deepEqual((await items.findBy('owner', b)).map((d) => d.id).sort(), ['i2', 'i3']);
    assert.equal(await countBy(items, 'owner', a), 1);
    assert.equal(await countBy(items, 'owner', b), 2);
    await items.delete('i2');
    assert.equal(await countBy(items, 'owner', b), 1);
    assert.deepEqual((await items.findBy('owner', a)).map((d) => d.id), ['i1']);
    await store.close();
  });

  it('rewrites a shard file once most of its lines are superseded', async () => {
    // A checkpoint after every commit: each version of 'busy' is appended to the one shard file.
    const store = await open({ shards: 1, compactBytes: 2000, checkpointBytes: 1 });
    const items = store.collection<Item>('items', ON_DISK);
    await items.insert({ id: 'keep', owner: 'x', n: 0 });
    const file = path.join(itemsDir(), jsonlShardName(0));
    let largest = 0;
    for (let i = 0; i < 200; i++) {
      await items.put({ id: 'busy', owner: 'y', n: i });
      await new Promise((r) => setTimeout(r, 1));
      largest = Math.max(largest, (await stat(file).catch(() => ({ size: 0 }))).size);
    }
    await store.close();
    // 200 versions of ~45 bytes: ~9 kB without compaction.
    assert.ok(largest < 4000, `the file was rewritten as it grew (largest ${largest} bytes)`);
    const again = await open({ shards: 1 });
    assert.deepEqual((await again.collection<Item>('items', ON_DISK).list()).sort((x, y) => x.id.localeCompare(y.id)), [
      { id: 'busy', owner: 'y', n: 199 },
      { id: 'keep', owner: 'x', n: 0 },
    ]);
    await again.close();
  });
});
