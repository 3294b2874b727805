import assert from 'node:assert/strict';
import { departmentPrefix, insertWithNextNumber } from '../../../server/loop/applications/application-number.js';
import { createMemoryStore } from '../../../server/store/memory-store.js';
import type { Store } from '../../../server/store/types.js';

const numbered = (store: Store) => store.collection<{ id: string }>('numbered');
const nextApplicationNumber = async (store: Store, department: string, at: Date) =>
  (await insertWithNextNumber(store, numbered(store), department, at, (no) => ({ id: no }))).id;

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

describe('insertWithNextNumber', () => {
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

  it('skips a number already taken when the counter was left behind, instead of failing', async () => {
    const store = createMemoryStore();
    const at = new Date('2026-11-22T01:00:00Z');
    await numbered(store).insert({ id: 'JJ-20261122-0001' }); // inserted, then the counter write was lost
    assert.equal(await nextApplicationNumber(store, 'jiaojing', at), 'JJ-20261122-0002');
  });

  it('leaves no gap when the insert fails', async () => {
    const store = createMemoryStore();
    const at = new Date('2026-11-22T01:00:00Z');
    await assert.rejects(insertWithNextNumber(store, numbered(store), 'jiaojing', at, () => { throw new Error('disk full'); }), /disk full/);
    assert.equal(await nextApplicationNumber(store, 'jiaojing', at), 'JJ-20261122-0001');
  });
});
