import assert from 'node:assert/strict';
import { departmentPrefix, nextApplicationNumber } from '../../../server/loop/applications/application-number.js';
import { createMemoryStore } from '../../../server/store/memory-store.js';

describe('departmentPrefix', () => {
  const cases: Array<[string, string]> = [
    ['jiaojing', 'JJ'],
    ['shebao', 'SB'],
    ['chengguan', 'CG'],
    ['traffic-police', 'TP'],
    ['xyz', 'XY'],
  ];
  for (const [id, prefix] of cases) it(`gives ${id} the prefix ${prefix}`, () => assert.equal(departmentPrefix(id), prefix));
});

describe('nextApplicationNumber', () => {
  it('counts per prefix and city day and restarts the next day', async () => {
    const store = createMemoryStore();
    const day1 = new Date('2026-11-22T01:00:00Z');
    assert.equal(await nextApplicationNumber(store, 'jiaojing', day1), 'JJ-20261122-0001');
    assert.equal(await nextApplicationNumber(store, 'jiaojing', day1), 'JJ-20261122-0002');
    assert.equal(await nextApplicationNumber(store, 'shebao', day1), 'SB-20261122-0001');
    assert.equal(await nextApplicationNumber(store, 'jiaojing', new Date('2026-11-23T01:00:00Z')), 'JJ-20261123-0001');
  });

  it('never hands out a number twice under concurrency', async () => {
    const store = createMemoryStore();
    const at = new Date('2026-11-22T01:00:00Z');
    const numbers = await Promise.all(Array.from({ length: 50 }, () => nextApplicationNumber(store, 'jiaojing', at)));
    assert.equal(new Set(numbers).size, 50);
    assert.ok(numbers.includes('JJ-20261122-0050'));
  });
});
