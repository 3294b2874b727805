// One job-queue contract, run against every store: the collection queue (memory, lowdb) and the
// PostgreSQL table claimed with FOR UPDATE SKIP LOCKED, including two PostgreSQL stores (two
// processes' pools) claiming at once.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jobQueueOf } from '../../server/store/job-queue.js';
import { createLowdbStore } from '../../server/store/lowdb-store.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { createPostgresStore } from '../../server/store/postgres/postgres-store.js';
import type { Store } from '../../server/store/types.js';
import { dropSchema, freshSchema, usePostgres } from '../support/postgres.js';

interface Subject {
  name: string;
  setup?(ctx: Mocha.Context): Promise<void>;
  /** open(): a store; reopen(): a second store on the same data (a restart, or another process). */
  open(): Promise<{ store: Store; reopen(): Promise<Store>; cleanup(): Promise<void> }>;
}

let postgresUrl = '';
const T0 = Date.UTC(2026, 11, 2, 2, 0);

const subjects: Subject[] = [
  { name: 'memory store', open: async () => ({ store: createMemoryStore(), reopen: async () => assert.fail('no restart in memory'), cleanup: async () => {} }) },
  {
    name: 'lowdb store',
    open: async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'onestop-jobs-'));
      const first = await createLowdbStore(dir, { shards: 4 });
      let current = first;
      return {
        store: first,
        reopen: async () => {
          await current.close();
          return (current = await createLowdbStore(dir, { shards: 4 }));
        },
        cleanup: async () => (await current.close(), rm(dir, { recursive: true, force: true })),
      };
    },
  },
  {
    name: 'PostgreSQL store (needs PostgreSQL)',
    setup: async (ctx) => void (postgresUrl = (await usePostgres(ctx)).url),
    open: async () => {
      const schema = freshSchema();
      const opened: Store[] = [await createPostgresStore(postgresUrl, { schema, poolSize: 4 })];
      return {
        store: opened[0]!,
        reopen: async () => {
          const s = await createPostgresStore(postgresUrl, { schema, poolSize: 4 });
          opened.push(s);
          return s;
        },
        cleanup: async () => (await Promise.all(opened.map((s) => s.close())), dropSchema(postgresUrl, schema)),
      };
    },
  },
];

for (const subject of subjects) {
  describe(`Job queue contract: ${subject.name}`, () => {
    let store: Store;
    let reopen: () => Promise<Store>;
    let cleanup: () => Promise<void>;
    const queue = (s: Store = store) => jobQueueOf<{ n: number }>(s, 'test-jobs');

    before(async function () {
      await subject.setup?.(this);
    });
    beforeEach(async () => ({ store, reopen, cleanup } = await subject.open()));
    afterEach(async () => cleanup());

    it('adds a job once however often the same id is enqueued', async () => {
      assert.equal(await queue().enqueue([{ id: 'a', payload: { n: 1 }, runAt: T0 }], T0), 1);
      assert.equal(await queue().enqueue([{ id: 'a', payload: { n: 2 }, runAt: T0 }, { id: 'b', payload: { n: 3 }, runAt: T0 }, { id: 'b', payload: { n: 4 }, runAt: T0 }], T0), 1);
      assert.equal((await queue().get('a'))!.payload.n, 1);
      assert.deepEqual(await queue().counts(), { queued: 2, leased: 0, done: 0, failed: 0 });
    });

    it('does not enqueue again a job that already finished', async () => {
      await queue().enqueue([{ id: 'a', payload: { n: 1 }, runAt: T0 }], T0);
      const [job] = await queue().claim({ now: T0, limit: 5, leaseMs: 1000 });
      assert.ok(await queue().finish(job!, 'done', T0));
      assert.equal(await queue().enqueue([{ id: 'a', payload: { n: 1 }, runAt: T0 }], T0), 0);
      assert.deepEqual(await queue().claim({ now: T0 + 10_000, limit: 5, leaseMs: 1000 }), []);
    });

    it('claims only due jobs, earliest first, up to the limit', async () => {
      await queue().enqueue(
        [
          { id: 'late', payload: { n: 3 }, runAt: T0 + 60_000 },
          { id: 'second', payload: { n: 2 }, runAt: T0 - 1000 },
          { id: 'first', payload: { n: 1 }, runAt: T0 - 5000 },
          { id: 'third', payload: { n: 4 }, runAt: T0 },
        ],
        T0,
      );
      const claimed = await queue().claim({ now: T0, limit: 2, leaseMs: 1000 });
      assert.deepEqual(claimed.map((j) => j.id), ['first', 'second']);
      assert.ok(claimed.every((j) => j.state === 'leased' && j.attempts === 1));
      assert.deepEqual((await queue().claim({ now: T0, limit: 5, leaseMs: 1000 })).map((j) => j.id), ['third']);
    });

    it('never hands one job to two concurrent claimers', async () => {
      await queue().enqueue(Array.from({ length: 40 }, (_, i) => ({ id: `j${i}`, payload: { n: i }, runAt: T0 })), T0);
      const batches = await Promise.all(Array.from({ length: 8 }, () => queue().claim({ now: T0, limit: 10, leaseMs: 60_000 })));
      const ids = batches.flat().map((j) => j.id);
      assert.equal(ids.length, 40);
      assert.equal(new Set(ids).size, 40);
    });

    it('gives a job whose lease ran out to the next claimer and refuses the old lease', async () => {
      await queue().enqueue([{ id: 'a', payload: { n: 1 }, runAt: T0 }], T0);
      const [stale] = await queue().claim({ now: T0, limit: 1, leaseMs: 1000 });
      assert.deepEqual(await queue().claim({ now: T0 + 500, limit: 1, leaseMs: 1000 }), []);
      const [again] = await queue().claim({ now: T0 + 1500, limit: 1, leaseMs: 1000 });
      assert.equal(again!.attempts, 2);
      assert.equal(await queue().finish(stale!, 'done', T0 + 1600), false);
      assert.equal(await queue().release(stale!, T0), false);
      assert.ok(await queue().finish(again!, 'failed', T0 + 1700, '已取消关注'));
      const ended = await queue().get('a');
      assert.equal(ended!.state, 'failed');
      assert.equal(ended!.lastError, '已取消关注');
    });

    it('runs a released job again at its new time, and a deferral does not count as an attempt', async () => {
      await queue().enqueue([{ id: 'a', payload: { n: 1 }, runAt: T0 }], T0);
      const [job] = await queue().claim({ now: T0, limit: 1, leaseMs: 1000 });
      assert.ok(await queue().release(job!, T0 + 30_000, { countAttempt: false }));
      assert.deepEqual(await queue().claim({ now: T0 + 29_000, limit: 1, leaseMs: 1000 }), []);
      const [next] = await queue().claim({ now: T0 + 30_000, limit: 1, leaseMs: 1000 });
      assert.equal(next!.attempts, 1);
      assert.ok(await queue().release(next!, T0 + 60_000, { error: '微信系统繁忙' }));
      assert.equal((await queue().get('a'))!.attempts, 1);
      assert.equal((await queue().get('a'))!.lastError, '微信系统繁忙');
    });

    if (subject.name.startsWith('PostgreSQL')) {
      it('shares jobs between two processes claiming at once, each job to one of them', async () => {
        const other = await reopen();
        await queue().enqueue(Array.from({ length: 60 }, (_, i) => ({ id: `j${i}`, payload: { n: i }, runAt: T0 })), T0);
        const batches = await Promise.all(Array.from({ length: 6 }, (_, i) => queue(i % 2 ? other : store).claim({ now: T0, limit: 15, leaseMs: 60_000 })));
        const ids = batches.flat().map((j) => j.id);
        assert.equal(ids.length, 60);
        assert.equal(new Set(ids).size, 60);
      });
    }

    if (subject.name !== 'memory store') {
      it('keeps queued and finished jobs across a restart, and frees leases the dead holder left', async () => {
        await queue().enqueue([{ id: 'a', payload: { n: 1 }, runAt: T0 }, { id: 'b', payload: { n: 2 }, runAt: T0 }], T0);
        const [a] = await queue().claim({ now: T0, limit: 1, leaseMs: 1000 });
        await queue().finish(a!, 'done', T0);
        await queue().claim({ now: T0, limit: 1, leaseMs: 1000 }); // b leased, then the holder "dies"
        const next = await reopen();
        assert.deepEqual(await queue(next).enqueue([{ id: 'a', payload: { n: 1 }, runAt: T0 }], T0), 0);
        const [b] = await queue(next).claim({ now: T0 + 2000, limit: 5, leaseMs: 1000 });
        assert.equal(b!.id, 'b');
        assert.equal(b!.attempts, 2);
      });
    }
  });
}
