// Citizens add and remove bindings; other rooms find holders, list and page through them. The
// store never holds a bound value in clear.
import assert from 'node:assert/strict';
import { addBinding, countBindings, findBindingHolders, listBindings, pageBindings, refreshBinding, removeBinding, resealBindings, updateBindingData, type BindingRecord } from '../../server/bindings/index.js';
import { ConflictError, NotFoundError, QuerySourceError, ValidationError } from '../../server/errors.js';
import { createVault } from '../../server/vault/index.js';
import { bindingsDeps, testVault } from './bindings-fixture.js';

const CAR = { plateType: '02', plateNumber: '鄂a12345', vinLast6: '4f2a91' };
const car = (openid = 'o-1', fields: Record<string, string> = CAR) => ({ openid, department: 'jiaojing', kind: 'vehicle', fields });

describe('bindings', () => {
  let deps: ReturnType<typeof bindingsDeps>;
  beforeEach(() => {
    deps = bindingsDeps();
  });

  it('binds a vehicle the department’s system confirms and keeps what it answered', async () => {
    const view = await addBinding(deps, car());
    assert.deepEqual(deps.system.calls[0], { path: '/vehicles/%E9%84%82A12345', params: { type: '02', vin: '4F2A91' } });
    assert.equal(view.verifiedBy, 'connector');
    assert.deepEqual(view.fields, { plateType: '02', plateNumber: '鄂A12345', vinLast6: '4F2A91' });
    assert.deepEqual(view.data, { inspectionDue: '2027-01-15' });
    assert.equal(view.key, '02:鄂A12345');
    assert.equal(view.label, '机动车 小型汽车 鄂A1***5');
  });

  it('stores the fields only sealed, with the key only as a blind index', async () => {
    await addBinding(deps, car());
    const stored = JSON.stringify(await deps.store.collection<BindingRecord>('bindings').list());
    for (const value of ['鄂A12345', '4F2A91', '02:鄂A12345']) assert.equal(stored.includes(value), false, value);
    assert.match(stored, /"sealed":"v1\.test-1\./);
  });

  it('refuses a vehicle the system does not know, and keeps nothing', async () => {
    await assert.rejects(addBinding(deps, car('o-1', { ...CAR, vinLast6: '000000' })), (e) => e instanceof ValidationError && /核验未通过/.test(e.message));
    assert.equal(await deps.store.collection('bindings').count(), 0);
  });

  it('says the system is unavailable when the verification fails, and keeps nothing', async () => {
    deps.system.failing = true;
    await assert.rejects(addBinding(deps, car()), QuerySourceError);
    assert.equal(await deps.store.collection('bindings').count(), 0);
  });

  it('checks the fields like a form before asking the system', async () => {
    await assert.rejects(addBinding(deps, car('o-1', { plateType: '09', plateNumber: 'ABC', vinLast6: '4F2A91' })), (e) => {
      assert.ok(e instanceof ValidationError);
      assert.deepEqual((e.details as { field: string }[]).map((d) => d.field), ['plateType', 'plateNumber']);
      return true;
    });
    assert.equal(deps.system.calls.length, 0);
  });

  it('accepts a declared kind without asking any system', async () => {
    const view = await addBinding(deps, { openid: 'o-1', department: 'shebao', kind: 'card', fields: { idNumber: '420102199003071232', name: '张三' } });
    assert.equal(view.verifiedBy, 'declared');
    assert.equal(view.masked.idNumber, '420102********1232');
    assert.equal(view.masked.name, '张*');
    assert.equal(deps.system.calls.length, 0);
  });

  it('refuses the same vehicle twice for one citizen and more than the kind allows', async () => {
    await addBinding(deps, car());
    await assert.rejects(addBinding(deps, car('o-1', { ...CAR, plateNumber: '鄂A12345 ' })), (e) => e instanceof ConflictError && /已绑定过这个机动车/.test(e.message));
    await addBinding(deps, car('o-1', { plateType: '02', plateNumber: '鄂A0B789', vinLast6: '7C3E55' }));
    await assert.rejects(addBinding(deps, car('o-1', { plateType: '01', plateNumber: '鄂AD23456', vinLast6: 'K83210' })), (e) => e instanceof ConflictError && /最多可绑定 2 个/.test(e.message));
  });

  it('lets two citizens bind one car (a family car), and finds both by the key', async () => {
    await addBinding(deps, car('o-2'));
    await addBinding(deps, car('o-1'));
    assert.deepEqual(await findBindingHolders(deps, { department: 'jiaojing', kind: 'vehicle', key: { plateType: '02', plateNumber: '鄂A12345' } }), ['o-1', 'o-2']);
    assert.deepEqual(await findBindingHolders(deps, { department: 'jiaojing', kind: 'vehicle', key: '02:鄂a12345' }), ['o-1', 'o-2']);
    assert.deepEqual(await findBindingHolders(deps, { department: 'jiaojing', kind: 'vehicle', key: '01:鄂A12345' }), []);
    await assert.rejects(findBindingHolders(deps, { department: 'jiaojing', kind: 'vehicle', key: '鄂A12345' }), ValidationError);
    await assert.rejects(findBindingHolders(deps, { department: 'jiaojing', kind: 'boat', key: 'x' }), NotFoundError);
  });

  it('removes a binding with its data, and only for its own citizen', async () => {
    const view = await addBinding(deps, car());
    await assert.rejects(removeBinding(deps, { openid: 'o-2', id: view.id }), NotFoundError);
    await removeBinding(deps, { openid: 'o-1', id: view.id });
    assert.equal(await deps.store.collection('bindings').get(view.id), undefined);
    assert.deepEqual(await listBindings(deps, 'o-1'), []);
    assert.deepEqual(await findBindingHolders(deps, { department: 'jiaojing', kind: 'vehicle', key: '02:鄂A12345' }), []);
  });

  it('pages through every binding of a kind once, in pages of the size asked', async () => {
    const card = (i: number) => ({ openid: `o-${i}`, department: 'shebao', kind: 'card', fields: { idNumber: '420102199003071232', name: `市民${i}` } });
    for (let i = 0; i < 1234; i++) await addBinding(deps, card(i));
    await addBinding(deps, car());
    const sizes: number[] = [];
    const seen = new Set<string>();
    for await (const page of pageBindings(deps, { department: 'shebao', kind: 'card', pageSize: 500 })) {
      sizes.push(page.length);
      for (const b of page) {
        assert.equal(b.kind, 'card');
        assert.match(b.fields.name!, /^市民\d+$/);
        seen.add(b.openid);
      }
    }
    assert.deepEqual(sizes, [500, 500, 234]);
    assert.equal(seen.size, 1234);
    assert.equal(await countBindings(deps, { department: 'shebao', kind: 'card' }), 1234);
    assert.equal(await countBindings(deps, { department: 'jiaojing', kind: 'vehicle' }), 1);
  });

  it('keeps fresh data for a binding, sealed, and refreshes it through the system', async () => {
    const view = await addBinding(deps, car());
    await updateBindingData(deps, view.id, { inspectionDue: '2029-01-15' });
    assert.deepEqual((await listBindings(deps, 'o-1'))[0]!.data, { inspectionDue: '2029-01-15' });
    assert.equal(JSON.stringify(await deps.store.collection('bindings').list()).includes('2029-01-15'), false);
    deps.system.vehicles.get('鄂A12345')!.inspectionDue = '2027-07-01';
    assert.deepEqual((await refreshBinding(deps, view.id))?.data, { inspectionDue: '2027-07-01' });
    assert.equal(await refreshBinding(deps, 'gone'), undefined);
  });

  it('reseals old bindings with the new key after a rotation', async () => {
    const view = await addBinding(deps, car());
    const rotated = createVault({ keys: [{ id: 'test-2', key: Buffer.alloc(32, 3) }, { id: 'test-1', key: Buffer.alloc(32, 1) }], indexKey: Buffer.alloc(32, 2) });
    const after = { ...deps, vault: rotated };
    assert.deepEqual(await resealBindings(after), { checked: 1, resealed: 1 });
    const record = (await deps.store.collection<BindingRecord>('bindings').get(view.id))!;
    assert.equal(rotated.keyIdOf(record.sealed), 'test-2');
    assert.equal((await listBindings(after, 'o-1'))[0]!.fields.plateNumber, '鄂A12345');
    assert.deepEqual(await findBindingHolders(after, { department: 'jiaojing', kind: 'vehicle', key: '02:鄂A12345' }), ['o-1']);
    assert.throws(() => testVault().open(record.sealed, `binding:${view.id}`), /test-2/);
  });
});
