// The reminder-day index: planning finds the bindings whose date is inside a reminder's window
// without opening the others; the index holds no personal value and stays a superset of the
// bindings' own dates through binds, refreshes, unbinds and crashes in between.
import assert from 'node:assert/strict';
import type { AccountBuild, BuiltReminder } from '../../server/builder/types.js';
import { addBinding, BINDING_DUE, dueBindings, ensureDueIndex, rebuildDueIndex, removeBinding, updateBindingData, type BindingRecord } from '../../server/bindings/index.js';
import type { Vault } from '../../server/vault/index.js';
import { bindingsDeps, cityWithBindings } from './bindings-fixture.js';

const REMINDER: BuiltReminder = {
  ref: 'jiaojing/nianjian',
  department: 'jiaojing',
  id: 'nianjian',
  name: '机动车年检提醒',
  notice: 'jiaojing/nianjian-tixing',
  follows: { binding: 'vehicle', field: 'inspectionDue' },
  daysBefore: [30, 7],
  data: {},
  placeholders: [],
};
const withReminder = (build: AccountBuild): AccountBuild => ({ ...build, reminders: [REMINDER] });
const car = (plateNumber: string, vinLast6: string, openid = 'o-1') => ({ openid, department: 'jiaojing', kind: 'vehicle', fields: { plateType: '02', plateNumber, vinLast6 } });
// The fake department system: 鄂A12345 due 2027-01-15, 鄂A0B789 2026-12-20.
const DECEMBER = { department: 'jiaojing', kind: 'vehicle', field: 'inspectionDue', from: '2026-12-02', to: '2027-01-01' };

/** Counts how many sealed values are opened. */
function countingVault(vault: Vault): Vault & { opened: number } {
  const counting = Object.create(vault) as Vault & { opened: number };
  counting.opened = 0;
  counting.open = (sealed, context) => (counting.opened++, vault.open(sealed, context));
  return counting;
}

async function collect(pages: AsyncIterable<Array<{ key: string; data: Record<string, unknown> }>>) {
  const out: string[] = [];
  for await (const page of pages) for (const b of page) out.push(`${b.key} ${String(b.data.inspectionDue)}`);
  return out.sort();
}

describe('the bindings’ reminder-day index', () => {
  let deps: ReturnType<typeof bindingsDeps> & { vault: Vault & { opened: number } };
  beforeEach(async () => {
    const base = bindingsDeps(withReminder(cityWithBindings().build()));
    deps = { ...base, system: base.system, vault: countingVault(base.vault) };
    await ensureDueIndex(deps, [deps.live.current()]); // the server started before anyone bound
  });
  const index = () => deps.store.collection<{ id: string; ids?: string[] }>(BINDING_DUE);

  it('finds the bindings due in a window and opens only those', async () => {
    await addBinding(deps, car('鄂A12345', '4F2A91'));
    await addBinding(deps, car('鄂A0B789', '7C3E55', 'o-2'));
    await addBinding(deps, car('鄂AD23456', 'K83210', 'o-3')).catch(() => undefined); // plate type 01 in the system: refused
    deps.vault.opened = 0;
    assert.deepEqual(await collect(dueBindings(deps, DECEMBER)), ['02:鄂A0B789 2026-12-20']);
    assert.equal(deps.vault.opened, 1);
    assert.deepEqual(await collect(dueBindings(deps, { ...DECEMBER, to: '2027-01-15' })), ['02:鄂A0B789 2026-12-20', '02:鄂A12345 2027-01-15']);
  });

  it('drops the days that have passed, once per city day', async () => {
    const past = (date: string) => ({ id: `jiaojing/vehicle/inspectionDue/${date}/0`, kind: 'jiaojing/vehicle', field: 'inspectionDue', date, ids: ['gone'] });
    await index().put(past('2026-11-30'));
    await ensureDueIndex(deps, [deps.live.current()], '2026-12-02');
    assert.equal(await index().get(past('2026-11-30').id), undefined, 'a past day is dropped');
    // Another pass the same day does not read the whole index again; the next day it does.
    await index().put(past('2026-12-01'));
    await ensureDueIndex(deps, [deps.live.current()], '2026-12-02');
    assert.ok(await index().get(past('2026-12-01').id));
    await ensureDueIndex(deps, [deps.live.current()], '2026-12-03');
    assert.equal(await index().get(past('2026-12-01').id), undefined);
  });

  it('holds ids, kinds, field names and dates only: no plate, VIN or openid', async () => {
    const view = await addBinding(deps, car('鄂A12345', '4F2A91', 'oCitizen7'));
    const stored = JSON.stringify(await index().list());
    for (const value of ['鄂A12345', '4F2A91', 'oCitizen7', '02:鄂A12345']) assert.equal(stored.includes(value), false, value);
    assert.ok(stored.includes(view.id));
    assert.ok(stored.includes('2027-01-15'));
  });

  it('follows a refreshed date and lets go of the binding when it is removed', async () => {
    const view = await addBinding(deps, car('鄂A0B789', '7C3E55'));
    await updateBindingData(deps, view.id, { inspectionDue: '2028-12-20' }); // inspected: the next date
    assert.deepEqual(await collect(dueBindings(deps, DECEMBER)), []);
    assert.deepEqual(await collect(dueBindings(deps, { ...DECEMBER, from: '2028-12-01', to: '2028-12-31' })), ['02:鄂A0B789 2028-12-20']);
    await removeBinding(deps, { openid: 'o-1', id: view.id });
    assert.deepEqual(await collect(dueBindings(deps, { ...DECEMBER, from: '2028-12-01', to: '2028-12-31' })), []);
    assert.deepEqual((await index().list()).filter((d) => d.id !== 'meta'), []);
  });

  it('skips an entry whose binding no longer holds that date (a crash between the two writes)', async () => {
    const view = await addBinding(deps, car('鄂A12345', '4F2A91'));
    const [day] = (await index().list()).filter((d) => d.id !== 'meta');
    // The index says 2026-12-20 (as if a refresh had written its entry, then crashed before the binding).
    await index().put({ ...day!, id: day!.id.replace('2027-01-15', '2026-12-20'), date: '2026-12-20' } as never);
    assert.deepEqual(await collect(dueBindings(deps, DECEMBER)), []);
    assert.deepEqual(await collect(dueBindings(deps, { ...DECEMBER, to: '2027-01-31' })), [`02:鄂A12345 2027-01-15`]);
    assert.ok(view.id);
  });

  it('builds itself from the bindings when a reminder follows a field it does not cover (a new reminder, a restored store)', async () => {
    deps.live.swap(cityWithBindings().build()); // no reminder yet: nothing indexed
    await addBinding(deps, car('鄂A0B789', '7C3E55'));
    assert.equal((await index().list()).filter((d) => d.id !== 'meta').length, 0);
    deps.live.swap(withReminder(cityWithBindings().build()));
    assert.deepEqual(await collect(dueBindings(deps, DECEMBER)), ['02:鄂A0B789 2026-12-20']);
    assert.deepEqual(await ensureDueIndex(deps, [deps.live.current()]), []); // covered now: nothing to build
    for (const d of await index().list()) await index().delete(d.id); // a store restored without the index
    assert.deepEqual(await collect(dueBindings(deps, DECEMBER)), ['02:鄂A0B789 2026-12-20']);
  });

  it('lists a binding before writing it, so a crash in between never hides one', async () => {
    const failing = new Proxy(deps.store, {
      get: (target, prop, receiver) =>
        prop === 'collection'
          ? (name: string, options?: object) => {
              const c = target.collection(name, options);
              return name === 'bindings' ? Object.assign(Object.create(c), { insert: async () => Promise.reject(new Error('断电')) }) : c;
            }
          : Reflect.get(target, prop, receiver),
    });
    await assert.rejects(addBinding({ ...deps, store: failing }, car('鄂A0B789', '7C3E55')), /断电/);
    const listed = (await index().list()).filter((d) => d.id !== 'meta');
    assert.equal(listed.length, 1); // the entry is there, the binding is not: planning skips it
    assert.deepEqual(await collect(dueBindings(deps, DECEMBER)), []);
  });

  it('drops the days before today', async () => {
    await addBinding(deps, car('鄂A0B789', '7C3E55'));
    await collect(dueBindings(deps, { ...DECEMBER, from: '2026-12-21', to: '2027-01-31' }));
    assert.deepEqual((await index().list()).filter((d) => d.id !== 'meta'), []);
  });

  it('is rebuilt whole by the reindex command’s function', async () => {
    await addBinding(deps, car('鄂A12345', '4F2A91'));
    await addBinding(deps, car('鄂A0B789', '7C3E55', 'o-2'));
    for (const d of await index().list()) await index().delete(d.id);
    await index().put({ id: 'jiaojing/vehicle/inspectionDue/2026-12-25/0', ids: ['gone'] } as never); // junk goes too
    assert.deepEqual(await rebuildDueIndex(deps, [deps.live.current()]), { bindings: 2, days: 2 });
    assert.deepEqual(await collect(dueBindings(deps, { ...DECEMBER, to: '2027-01-31' })), ['02:鄂A0B789 2026-12-20', '02:鄂A12345 2027-01-15']);
    assert.equal((await index().list()).some((d) => d.ids?.includes('gone')), false);
    assert.equal((await deps.store.collection<BindingRecord>('bindings').count()), 2);
  });
});
