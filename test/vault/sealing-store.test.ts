// Personal answers sealed at the store boundary: written sealed, read plain, records from before
// sealing read as they are, and nothing sealed is ever written back in clear.
import assert from 'node:assert/strict';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { type Doc, type LockedRead, type Store, withLocksReading } from '../../server/store/index.js';
import { createVault, sealingStore } from '../../server/vault/index.js';

interface App extends Doc {
  service: string;
  stage: string;
  data: Record<string, unknown>;
}

const vault = createVault({ keys: [{ id: 'k1', key: Buffer.alloc(32, 1) }], indexKey: Buffer.alloc(32, 2) });
const personal = new Map([['jiaojing/fakuan', ['mobile', 'idNumber']]]);
const rules = [{ collection: 'applications', container: 'data', keysOf: (doc: Doc) => personal.get((doc as App).service) ?? [] }];

describe('sealingStore', () => {
  let raw: Store;
  let store: Store;
  const app = (): App => ({ id: 'JJ-1', service: 'jiaojing/fakuan', stage: 'submitted', data: { mobile: '13800138000', idNumber: '420102199003071232', plate: '鄂A12345' } });
  beforeEach(() => {
    raw = createMemoryStore();
    store = sealingStore(raw, vault, rules);
  });

  it('writes ID numbers and phones sealed and reads them plain', async () => {
    await store.collection<App>('applications').insert(app());
    const stored = (await raw.collection<App>('applications').get('JJ-1'))!;
    assert.ok(vault.isSealed(stored.data.mobile));
    assert.ok(vault.isSealed(stored.data.idNumber));
    assert.equal(stored.data.plate, '鄂A12345', 'only the declared personal answers are sealed');
    assert.deepEqual((await store.collection<App>('applications').get('JJ-1'))!.data, app().data);
    assert.deepEqual((await store.collection<App>('applications').list((a) => a.data.mobile === '13800138000')).map((a) => a.id), ['JJ-1']);
  });

  it('reads a record stored before sealing as it is, and seals it at its next write', async () => {
    await raw.collection<App>('applications').insert(app());
    assert.deepEqual((await store.collection<App>('applications').get('JJ-1'))!.data, app().data);
    await store.collection<App>('applications').update('JJ-1', (a) => ({ ...a, stage: 'accepted' }));
    assert.ok(vault.isSealed((await raw.collection<App>('applications').get('JJ-1'))!.data.mobile));
  });

  it('keeps a sealed answer sealed when the rule no longer names it (a service removed from the city)', async () => {
    await store.collection<App>('applications').insert(app());
    personal.delete('jiaojing/fakuan');
    try {
      const moved = await store.collection<App>('applications').update('JJ-1', (a) => ({ ...a, stage: 'accepted' }));
      assert.equal(moved.data.mobile, '13800138000');
      assert.ok(vault.isSealed((await raw.collection<App>('applications').get('JJ-1'))!.data.mobile));
    } finally {
      personal.set('jiaojing/fakuan', ['mobile', 'idNumber']);
    }
  });

  it('opens the documents a store’s own withLocksReading returns as stored', async () => {
    // A store that reads under its locks in one step (PostgreSQL) hands back stored documents:
    // here the memory store's fallback standing in for it, reading the raw (sealed) documents.
    const oneStep: Store = Object.assign(Object.create(raw) as Store, { withLocksReading: ((keys, reads, fn) => withLocksReading(raw, keys, reads, fn)) as Store['withLocksReading'] });
    const sealing = sealingStore(oneStep, vault, rules);
    await sealing.collection<App>('applications').insert(app());
    await sealing.collection<App>('cases').insert({ ...app(), id: 'c1' });
    const reads: LockedRead[] = [
      { collection: 'applications', where: { service: 'jiaojing/fakuan' } },
      { collection: 'applications', where: { service: 'jiaojing/fakuan' }, count: true },
      { collection: 'cases', where: { service: 'jiaojing/fakuan' } },
    ];
    const [apps, n, cases] = await withLocksReading(sealing, ['k'], reads, async (found) => found);
    assert.deepEqual((apps as App[]).map((a) => a.data), [app().data]);
    assert.equal(n, 1);
    assert.deepEqual((cases as App[]).map((c) => c.data), [app().data]);
  });

  it('leaves other collections and the rest of the store untouched', async () => {
    await store.collection<App>('cases').insert({ ...app(), id: 'c1' });
    assert.equal((await raw.collection<App>('cases').get('c1'))!.data.mobile, '13800138000');
    assert.equal(await store.withLock('k', async () => 42), 42);
  });
});
