// One contract, run against every Store implementation: the memory store used by tests must
// behave exactly like the lowdb store (the embedded default) and the PostgreSQL store.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConflictError, NotFoundError } from '../../server/errors.js';
import { createLowdbStore } from '../../server/store/lowdb-store.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { createPostgresStore } from '../../server/store/postgres/postgres-store.js';
import { countBy, incrementCounter, withLocks, withLocksReading } from '../../server/store/counting.js';
import { LogPositionError, type Store } from '../../server/store/types.js';
import { dropSchema, freshSchema, usePostgres } from '../support/postgres.js';

interface Item {
  id: string;
  owner: string;
  n: number;
  tags?: string[];
}

interface Subject {
  name: string;
  /** Prepares what the store needs (the PostgreSQL test cluster), or skips/fails loudly. */
  setup?(ctx: Mocha.Context): Promise<void>;
  open(): Promise<{ store: Store; cleanup(): Promise<void> }>;
}

let postgresUrl = '';

/** The store with every collection declared onDisk. */
const allOnDisk = (store: Store): Store => ({ ...store, collection: (name, options) => store.collection(name, { ...options, onDisk: true }) });

const subjects: Subject[] = [
  { name: 'memory store', open: async () => ({ store: createMemoryStore(), cleanup: async () => {} }) },
  {
    name: 'lowdb store',
    open: async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'onestop-store-'));
      const store = await createLowdbStore(dir, { shards: 8 });
      return { store, cleanup: async () => (await store.close(), rm(dir, { recursive: true, force: true })) };
    },
  },
  {
    // Every collection on disk; checkpoints (and compactions) every few ms, so the tests meet documents in the journal and in the shard files.
    name: 'lowdb store, on-disk collections',
    open: async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'onestop-store-disk-'));
      const store = await createLowdbStore(dir, { shards: 8, checkpointMs: 2, compactBytes: 0 });
      return { store: allOnDisk(store), cleanup: async () => (await store.close(), rm(dir, { recursive: true, force: true })) };
    },
  },
  {
    name: 'PostgreSQL store (needs PostgreSQL)',
    setup: async (ctx) => void (postgresUrl = (await usePostgres(ctx)).url),
    open: async () => {
      const schema = freshSchema();
      const store = await createPostgresStore(postgresUrl, { schema, poolSize: 4 });
      return { store, cleanup: async () => (await store.close(), dropSchema(postgresUrl, schema)) };
    },
  },
];

for (const subject of subjects) {
  describe(`Store contract: ${subject.name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    const items = () => store.collection<Item>('items', { indexes: ['owner'] });

    before(async function () {
      await subject.setup?.(this);
    });
    beforeEach(async () => ({ store, cleanup } = await subject.open()));
    afterEach(async () => cleanup());

    it('returns an inserted document by id', async () => {
      await items().insert({ id: 'a', owner: 'x', n: 1 });
      assert.deepEqual(await items().get('a'), { id: 'a', owner: 'x', n: 1 });
      assert.equal(await items().get('missing'), undefined);
    });

    it('hands out copies so callers cannot change stored documents', async () => {
      const doc = { id: 'a', owner: 'x', n: 1, tags: ['t'] };
      const returned = await items().insert(doc);
      doc.tags.push('changed-input');
      returned.tags!.push('changed-output');
      (await items().get('a'))!.tags!.push('changed-read');
      assert.deepEqual((await items().get('a'))!.tags, ['t']);
    });

    it('refuses a second insert with the same id', async () => {
      await items().insert({ id: 'a', owner: 'x', n: 1 });
      await assert.rejects(items().insert({ id: 'a', owner: 'y', n: 2 }), ConflictError);
      assert.equal((await items().get('a'))!.owner, 'x');
    });

    it('replaces a document with put and creates it when absent', async () => {
      await items().put({ id: 'a', owner: 'x', n: 1 });
      await items().put({ id: 'a', owner: 'y', n: 2 });
      assert.deepEqual(await items().get('a'), { id: 'a', owner: 'y', n: 2 });
      assert.equal(await items().count(), 1);
    });

    it('updates through a function and returns the new document', async () => {
      await items().insert({ id: 'a', owner: 'x', n: 1 });
      const next = await items().update('a', (d) => ({ ...d, n: d.n + 41 }));
      assert.equal(next.n, 42);
      assert.equal((await items().get('a'))!.n, 42);
    });

    it('throws NotFoundError when updating a missing document', async () => {
      await assert.rejects(items().update('nope', (d) => d), NotFoundError);
    });

    it('keeps the document unchanged when the update function throws', async () => {
      await items().insert({ id: 'a', owner: 'x', n: 1 });
      await assert.rejects(
        items().update('a', (d) => {
          d.n = 99;
          throw new ConflictError('中止');
        }),
        ConflictError,
      );
      assert.equal((await items().get('a'))!.n, 1);
    });

    it('serialises concurrent updates of one document', async () => {
      await items().insert({ id: 'a', owner: 'x', n: 0 });
      await Promise.all(Array.from({ length: 50 }, () => items().update('a', (d) => ({ ...d, n: d.n + 1 }))));
      assert.equal((await items().get('a'))!.n, 50);
    });

    it('deletes and reports whether something was deleted', async () => {
      await items().insert({ id: 'a', owner: 'x', n: 1 });
      assert.equal(await items().delete('a'), true);
      assert.equal(await items().delete('a'), false);
      assert.equal(await items().get('a'), undefined);
    });

    it('finds documents by an indexed field and follows updates and deletes', async () => {
      await items().insert({ id: 'a', owner: 'x', n: 1 });
      await items().insert({ id: 'b', owner: 'x', n: 2 });
      await items().insert({ id: 'c', owner: 'y', n: 3 });
      assert.deepEqual((await items().findBy('owner', 'x')).map((d) => d.id).sort(), ['a', 'b']);
      await items().update('b', (d) => ({ ...d, owner: 'y' }));
      await items().delete('c');
      assert.deepEqual((await items().findBy('owner', 'x')).map((d) => d.id), ['a']);
      assert.deepEqual((await items().findBy('owner', 'y')).map((d) => d.id), ['b']);
      assert.deepEqual(await items().findBy('owner', 'nobody'), []);
    });

    it('keeps finding a value held by one, then three, then one document again, once each', async () => {
      await items().insert({ id: 'a', owner: 'x', n: 1 });
      await items().put({ id: 'a', owner: 'x', n: 2 }); // the same value written again
      assert.deepEqual((await items().findBy('owner', 'x')).map((d) => d.n), [2]);
      await items().insert({ id: 'b', owner: 'x', n: 3 });
      await items().insert({ id: 'c', owner: 'x', n: 4 });
      assert.equal(await countBy(items(), 'owner', 'x'), 3);
      await items().delete('a');
      await items().update('b', (d) => ({ ...d, owner: 'y' }));
      assert.deepEqual((await items().findBy('owner', 'x')).map((d) => d.id), ['c']);
      assert.equal(await countBy(items(), 'owner', 'x'), 1);
      await items().delete('c');
      assert.deepEqual(await items().findBy('owner', 'x'), []);
      assert.equal(await countBy(items(), 'owner', 'x'), 0);
    });

    it('lists with an optional filter and counts', async () => {
      for (let i = 0; i < 20; i++) await items().insert({ id: `i${i}`, owner: i % 2 ? 'odd' : 'even', n: i });
      assert.equal((await items().list()).length, 20);
      assert.deepEqual((await items().list((d) => d.n >= 18)).map((d) => d.n).sort(), [18, 19]);
      assert.equal(await items().count(), 20);
    });

    it('keeps collections apart', async () => {
      await store.collection<Item>('one').insert({ id: 'a', owner: 'x', n: 1 });
      assert.equal(await store.collection<Item>('two').get('a'), undefined);
    });

    it('reads log records back in append order, with a filter', async () => {
      const log = store.log<{ seq: number }>('events');
      for (let seq = 0; seq < 10; seq++) log.append({ seq });
      await log.flush();
      assert.deepEqual((await log.read()).map((r) => r.seq), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.deepEqual((await log.read((r) => r.seq > 7)).map((r) => r.seq), [8, 9]);
    });

    it('reads only the log records appended after a position, including unflushed ones', async () => {
      const log = store.log<{ n: number }>('events');
      const other = store.log<{ n: number }>('other');
      const empty = await log.readAfter!(undefined);
      assert.deepEqual(empty.records, []);
      for (let n = 1; n <= 3; n++) log.append({ n });
      other.append({ n: 99 });
      await log.flush();
      const first = await log.readAfter!(empty.position);
      assert.deepEqual(first.records, [{ n: 1 }, { n: 2 }, { n: 3 }]);
      assert.deepEqual((await log.readAfter!(first.position)).records, []);
      log.append({ n: 4 });
      const second = await log.readAfter!(first.position);
      assert.deepEqual(second.records, [{ n: 4 }]);
      assert.deepEqual((await log.readAfter!(undefined)).records.map((r) => r.n), [1, 2, 3, 4]);
      assert.deepEqual((await other.readAfter!(undefined)).records, [{ n: 99 }]);
    });

    it('refuses a log position another store gave', async () => {
      const log = store.log<{ n: number }>('events');
      const foreign = subject.name.startsWith('PostgreSQL') ? '1234' : 'pg:1234';
      await assert.rejects(log.readAfter!(foreign), LogPositionError);
    });

    it('reads records appended but not yet flushed', async () => {
      const log = store.log<{ seq: number }>('events');
      log.append({ seq: 1 });
      assert.deepEqual(await log.read(), [{ seq: 1 }]);
    });

    it('runs withLock holders of one key one at a time and other keys in parallel', async () => {
      const trace: string[] = [];
      const hold = (key: string, tag: string, ms: number) =>
        store.withLock(key, async () => {
          trace.push(`${tag}+`);
          await new Promise((r) => setTimeout(r, ms));
          trace.push(`${tag}-`);
          return tag;
        });
      const results = await Promise.all([hold('k', 'a', 150), hold('k', 'b', 150), hold('other', 'c', 1)]);
      assert.deepEqual(results, ['a', 'b', 'c']);
      // Either holder of k may win the lock (on PostgreSQL whichever connection asks first); they never overlap.
      const [first, second] = trace.indexOf('a+') < trace.indexOf('b+') ? ['a', 'b'] : ['b', 'a'];
      assert.ok(trace.indexOf(`${first}-`) < trace.indexOf(`${second}+`), `same key overlapped: ${trace.join(' ')}`);
      assert.ok(trace.indexOf('c-') < trace.indexOf(`${first}-`), `other key waited: ${trace.join(' ')}`);
    });

    it('releases the lock when the holder throws', async () => {
      await assert.rejects(store.withLock('k', async () => Promise.reject(new Error('boom'))), /boom/);
      assert.equal(await store.withLock('k', async () => 'next'), 'next');
    });

    it('holds every key of withLocks until fn is done: a holder of any of them waits', async () => {
      const trace: string[] = [];
      const both = withLocks(store, ['a', 'b'], async () => {
        trace.push('both+');
        await new Promise((r) => setTimeout(r, 100));
        trace.push('both-');
      });
      await new Promise((r) => setTimeout(r, 20));
      const onlyB = store.withLock('b', async () => void trace.push('b'));
      const onlyA = store.withLock('a', async () => void trace.push('a'));
      await Promise.all([both, onlyB, onlyA]);
      assert.deepEqual(trace.slice(0, 2), ['both+', 'both-']);
      assert.deepEqual(trace.slice(2).sort(), ['a', 'b']);
      assert.equal(await withLocks(store, [], async () => 'no keys'), 'no keys');
    });

    it('reads under withLocksReading what findBy and countBy would, in the order asked', async () => {
      const tagged = () => store.collection<Item & { state?: string }>('items', { indexes: ['owner'] });
      await tagged().insert({ id: 'a', owner: 'x', n: 1, state: 'booked' });
      await tagged().insert({ id: 'b', owner: 'x', n: 2, state: 'cancelled' });
      await tagged().insert({ id: 'c', owner: ['x'] as unknown as string, n: 3, state: 'booked' }); // an array holding the value is not equal to it
      await store.collection<Item>('others', { indexes: ['owner'] }).insert({ id: 'o', owner: 'x', n: 4 });
      const results = await withLocksReading(
        store,
        ['k'],
        [
          { collection: 'items', where: { owner: 'x', state: 'booked' } },
          { collection: 'items', where: { owner: 'x' }, count: true },
          { collection: 'others', where: { owner: 'x' } },
          { collection: 'items', where: { owner: 'nobody' } },
          { collection: 'items', where: { owner: 'nobody' }, count: true },
        ],
        async (found) => found,
      );
      assert.deepEqual(results, [[{ id: 'a', owner: 'x', n: 1, state: 'booked' }], 2, [{ id: 'o', owner: 'x', n: 4 }], [], 0]);
      assert.deepEqual(await withLocksReading(store, [], [{ collection: 'items', where: { owner: 'x' }, count: true }], async (found) => found), [2]);
    });

    it('reads under withLocksReading every write its lock’s previous holder made', async () => {
      // The reads must see what was committed while they waited for the lock: read before it
      // was granted, the second holder would count 0 and both would take the last seat.
      const seats = () => store.collection<Item>('seats', { indexes: ['owner'] });
      const take = (tag: string) =>
        withLocksReading(store, ['slot'], [{ collection: 'seats', where: { owner: 'slot-1' }, count: true }], async ([taken]) => {
          if ((taken as number) >= 1) return `${tag}: full`;
          await new Promise((r) => setTimeout(r, 50));
          await seats().insert({ id: tag, owner: 'slot-1', n: 1 });
          return `${tag}: booked`;
        });
      const outcomes = await Promise.all([take('a'), take('b'), take('c')]);
      assert.equal(outcomes.filter((o) => o.endsWith('booked')).length, 1, outcomes.join(', '));
      assert.equal(await countBy(seats(), 'owner', 'slot-1'), 1);
    });

    it('holds the locks of withLocksReading until fn is done, and reads inside another holder', async () => {
      const trace: string[] = [];
      const reading = withLocksReading(store, ['a', 'b'], [], async () => {
        trace.push('both+');
        // Reads with no locks of their own, inside a holder (the seat check of a reschedule).
        const [n] = await withLocksReading(store, [], [{ collection: 'items', where: { owner: 'x' }, count: true }], async (found) => found);
        trace.push(`read ${n}`);
        await new Promise((r) => setTimeout(r, 100));
        trace.push('both-');
      });
      await new Promise((r) => setTimeout(r, 20));
      await Promise.all([reading, store.withLock('b', async () => void trace.push('b'))]);
      assert.deepEqual(trace, ['both+', 'read 0', 'both-', 'b']);
    });

    it('counts the documents matching an indexed field and further fields, with findBy semantics', async () => {
      const tagged = () => store.collection<Item & { state?: string; slot?: unknown }>('items', { indexes: ['owner'] });
      await tagged().insert({ id: 'a', owner: 'x', n: 1, state: 'booked' });
      await tagged().insert({ id: 'b', owner: 'x', n: 2, state: 'cancelled' });
      await tagged().insert({ id: 'c', owner: 'x', n: 3, state: 'booked' });
      await tagged().insert({ id: 'd', owner: 'y', n: 4, state: 'booked' });
      await tagged().insert({ id: 'e', owner: ['x'] as unknown as string, n: 5, state: 'booked' }); // an array holding the value is not equal to it
      assert.equal(await countBy(tagged(), 'owner', 'x'), 3);
      assert.equal(await countBy(tagged(), 'owner', 'x', { state: 'booked' }), 2);
      assert.equal(await countBy(tagged(), 'owner', 'z', { state: 'booked' }), 0);
    });

    it('hands out each counter value once, however many callers increment together', async () => {
      const values = await Promise.all(Array.from({ length: 20 }, () => incrementCounter(store, 'counters', 'day-1')));
      assert.deepEqual([...values].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
      assert.equal(await incrementCounter(store, 'counters', 'day-2'), 1);
      assert.deepEqual(await store.collection('counters').get('day-1'), { id: 'day-1', value: 20 });
    });

    it('continues a counter stored as {id, value} by an earlier version', async () => {
      await store.collection<{ id: string; value: number }>('counters').put({ id: 'old', value: 41 });
      assert.equal(await incrementCounter(store, 'counters', 'old'), 42);
    });
  });
}
