import assert from 'node:assert/strict';
import { createMemoryStore } from '../../server/store/memory-store.js';
import {
  readPageViewRollups, readRollups, rebuildMessageRollups, rebuildPageViewRollups, recordPageView, updateMessageRollups, updatePageViewRollups,
} from '../../server/stats/index.js';
import { MESSAGES, seedMessages } from './stats-fixture.js';

const query = (at: string, source: string, outcome: string, latencyMs = 3) => ({ at, type: 'text', answeredBy: 'query', department: 'jiaojing', source, outcome, latencyMs, openid: 'h9' });

describe('stats: daily rollups', () => {
  it('folds in only new messages, and equals a rebuild from the raw log', async () => {
    const store = createMemoryStore();
    await seedMessages(store, MESSAGES.slice(0, 4));
    assert.equal(await updateMessageRollups(store), 4);
    assert.equal(await updateMessageRollups(store), 0);
    await seedMessages(store, [...MESSAGES.slice(4), query('2026-11-02T02:30:00.000Z', 'table:x.csv', 'found', 5200)]);
    assert.equal(await updateMessageRollups(store), MESSAGES.length - 3);
    const stored = await readRollups(store, '2000-01-01', '2999-12-31');
    assert.deepEqual(stored, await rebuildMessageRollups(store));
    const monday = stored.find((r) => r.id === '2026-11-02||jiaojing');
    assert.deepEqual(monday && { total: monday.total, byAnswer: monday.byAnswer, byQuery: monday.byQuery, slow: monday.slow }, {
      total: 4, byAnswer: { keyword: 1, menu: 1, query: 2 }, byQuery: { 'table:x.csv|found': 1 }, slow: 1,
    });
  });

  it('rebuilds rollups kept by an older version of the job from the raw log', async () => {
    const store = createMemoryStore();
    await seedMessages(store, MESSAGES);
    // What the first version left: a count cursor and rollups without query or slow figures.
    await store.collection<{ id: string; folded: number }>('statsCursors').put({ id: 'messages', folded: MESSAGES.length });
    await store.collection<{ id: string; date: string; total: number }>('statsMessageDaily').put({ id: '2026-11-02|jiaojing', date: '2026-11-02', total: 99 });
    await store.collection<{ id: string; date: string; total: number }>('statsMessageDaily').put({ id: '2026-11-03', date: '2026-11-03', total: 99 });
    assert.equal(await updateMessageRollups(store), MESSAGES.length);
    assert.deepEqual(await readRollups(store, '2000-01-01', '2999-12-31'), await rebuildMessageRollups(store));
  });

  it('starts over from the raw log when the cursor holds a position another store gave, or only a count', async () => {
    for (const left of [{ position: 'pg:1234' }, {}]) {
      const store = createMemoryStore();
      await seedMessages(store, MESSAGES);
      assert.equal(await updateMessageRollups(store), MESSAGES.length);
      const cursors = store.collection<{ id: string; version: number; folded: number; position?: string }>('statsCursors');
      // A cursor copied from another store (the file store migrated into PostgreSQL), or one that counted records.
      const { position: _own, ...cursor } = (await cursors.get('messages'))!;
      await cursors.put({ ...cursor, ...left });
      assert.equal(await updateMessageRollups(store), MESSAGES.length, JSON.stringify(left));
      assert.deepEqual(await readRollups(store, '2000-01-01', '2999-12-31'), await rebuildMessageRollups(store));
      assert.equal(await updateMessageRollups(store), 0);
    }
  });

  it('folds page views per city date and service, equal to a rebuild', async () => {
    const store = createMemoryStore();
    const view = { service: 'jiaojing/jiashizheng-huanzheng', department: 'jiaojing' };
    recordPageView(store, view, new Date('2026-11-02T15:59:00.000Z'));
    assert.equal(await updatePageViewRollups(store), 1);
    recordPageView(store, view, new Date('2026-11-02T16:01:00.000Z')); // 00:01 on 3 November in the city
    recordPageView(store, view, new Date('2026-11-02T17:00:00.000Z'));
    assert.equal(await updatePageViewRollups(store), 2);
    const stored = await readPageViewRollups(store);
    assert.deepEqual(stored, await rebuildPageViewRollups(store));
    assert.deepEqual(stored.map((r) => [r.date, r.views]), [['2026-11-02', 1], ['2026-11-03', 2]]);
  });
});
