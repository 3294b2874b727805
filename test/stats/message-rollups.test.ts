import assert from 'node:assert/strict';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { readRollups, rebuildMessageRollups, updateMessageRollups } from '../../server/stats/index.js';
import { MESSAGES, seedMessages } from './stats-fixture.js';

describe('stats: daily message rollups', () => {
  it('folds in only new records, and equals a rebuild from the raw log', async () => {
    const store = createMemoryStore();
    await seedMessages(store, MESSAGES.slice(0, 4));
    assert.equal(await updateMessageRollups(store), 4);
    assert.equal(await updateMessageRollups(store), 0);
    await seedMessages(store, MESSAGES.slice(4));
    assert.equal(await updateMessageRollups(store), MESSAGES.length - 4);
    const stored = await readRollups(store, '2000-01-01', '2999-12-31');
    assert.deepEqual(stored, await rebuildMessageRollups(store));
    const monday = stored.find((r) => r.id === '2026-11-02|jiaojing');
    assert.deepEqual(monday && { total: monday.total, byAnswer: monday.byAnswer }, { total: 3, byAnswer: { keyword: 1, menu: 1, query: 1 } });
  });
});
