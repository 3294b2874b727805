import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../../server/errors.js';
import { applicationsOf } from '../../server/loop/index.js';
import { matterApplicationsOf, recoverUnfinishedMatters, submitMatter } from '../../server/matters/index.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { Collection, Doc, Store } from '../../server/store/types.js';
import { MATTER_ID, matterFixture, validBody, validFiles, type MatterFixture } from './matter-fixture.js';

const stored = (f: MatterFixture) => {
  try {
    return readdirSync(path.join(f.dataDir, 'uploads'));
  } catch {
    return [];
  }
};

/** A store whose `name` collection fails its `nth` call of `method` (counting from 1). */
function failOn(inner: Store, name: string, method: keyof Collection<Doc>, nth: number): Store {
  let calls = 0;
  return {
    ...inner,
    withLock: (key, fn) => inner.withLock(key, fn),
    log: (n) => inner.log(n),
    close: () => inner.close(),
    collection<T extends Doc>(n: string, options?: Parameters<Store['collection']>[1]): Collection<T> {
      const real = inner.collection<T>(n, options);
      if (n !== name) return real;
      return new Proxy(real, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (prop !== method || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
          return (...args: unknown[]) => (++calls === nth ? Promise.reject(new Error(`disk full (${n}.${method} #${nth})`)) : (value as (...a: unknown[]) => unknown).apply(target, args));
        },
      });
    },
  };
}

describe('submitMatter (一表申请, all or nothing)', () => {
  let f: MatterFixture;
  afterEach(() => f.cleanup());

  it('creates the matter and one application per applicable member in each department’s queue', async () => {
    f = await matterFixture();
    const record = await submitMatter(f.deps, { matter: MATTER_ID, openid: 'buyer', body: validBody(), files: validFiles(f) });
    assert.match(record.no, /^YJS-20261202-0001$/);
    assert.equal(record.state, 'open');
    assert.deepEqual(record.parts.map((p) => p.department), ['budongchan', 'shuiwu', 'gongjijin']);
    const apps = applicationsOf(f.deps.store);
    const [bdc, sw, gjj] = await Promise.all(record.parts.map((p) => apps.get(p.no)));
    assert.match(bdc!.no, /^BDC-/);
    assert.match(sw!.no, /^SW-/);
    assert.match(gjj!.no, /^GJJ-/);
    // Shared answers under each member's own field names; presets given; each part its own clock.
    assert.equal(bdc!.data.buyerName, '李四');
    assert.equal(sw!.data.name, '李四');
    assert.equal(gjj!.data.name, '李四');
    assert.equal(gjj!.data.reason, 'purchase');
    assert.equal(sw!.data.price, 1500000);
    assert.deepEqual([bdc!.clock.timeLimitDays, sw!.clock.timeLimitDays, gjj!.clock.timeLimitDays], [5, 1, 3]);
    for (const app of [bdc, sw, gjj]) assert.deepEqual(app!.group, { id: record.no, name: '二手房交易一件事', lead: 'budongchan' });
    // The contract uploaded once, kept by each part under its own attachment name.
    const contract = bdc!.attachments.find((a) => a.name === 'contract')!;
    assert.equal(sw!.attachments.find((a) => a.name === 'contract')!.id, contract.id);
    assert.equal(gjj!.attachments.find((a) => a.name === 'proof')!.id, contract.id);
    assert.equal(stored(f).length, 2);
    // The fees each department declared: 80 元 fixed (after acceptance), 契税 assessed, 公积金 none.
    assert.deepEqual([bdc!.payment.state, sw!.payment.state, gjj!.payment.state], ['unpaid', 'awaiting-assessment', 'none']);
  });

  it('leaves out a member whose condition the answers do not meet, and lists it as skipped', async () => {
    f = await matterFixture();
    const record = await submitMatter(f.deps, { matter: MATTER_ID, openid: 'buyer', body: validBody('no'), files: validFiles(f) });
    assert.deepEqual(record.parts.map((p) => p.service), ['budongchan/zhuanyi-dengji', 'shuiwu/qishui-shenbao']);
    assert.deepEqual(record.skipped.map((s) => s.service), ['gongjijin/tiqu']);
  });

  it('leaves nothing when creating the third part fails: no parts, no matter, no files', async () => {
    f = await matterFixture({ store: failOn(createMemoryStore(), 'applications', 'insert', 3) });
    await assert.rejects(submitMatter(f.deps, { matter: MATTER_ID, openid: 'buyer', body: validBody(), files: validFiles(f) }), /disk full \(applications.insert #3\)/);
    assert.equal(await applicationsOf(f.deps.store).count(), 0);
    assert.equal(await matterApplicationsOf(f.deps.store).count(), 0);
    assert.deepEqual(stored(f), []);
    assert.deepEqual(readdirSync(path.join(f.dataDir, 'uploads-incoming')), []);
  });

  it('leaves nothing when the matter record cannot be completed after every part was created', async () => {
    f = await matterFixture({ store: failOn(createMemoryStore(), 'matterApplications', 'update', 1) });
    await assert.rejects(submitMatter(f.deps, { matter: MATTER_ID, openid: 'buyer', body: validBody(), files: validFiles(f) }), /disk full/);
    assert.equal(await applicationsOf(f.deps.store).count(), 0);
    assert.equal(await matterApplicationsOf(f.deps.store).count(), 0);
    assert.deepEqual(stored(f), []);
  });

  it('names every problem as the one form names it, a shared field once', async () => {
    f = await matterFixture();
    const body = { ...validBody(), buyerIdNumber: '123', 'shuiwu.qishui-shenbao.price': '' };
    const err = await submitMatter(f.deps, { matter: MATTER_ID, openid: 'buyer', body, files: [f.upload('idCardImage', 'png')] }).catch((e: unknown) => e);
    assert.ok(err instanceof ValidationError);
    const details = err.details as Array<{ field: string; label: string }>;
    assert.deepEqual(details.map((d) => d.field).sort(), ['buyerIdNumber', 'contract', 'shuiwu.qishui-shenbao.price']);
    assert.equal(details.find((d) => d.field === 'contract')!.label, '存量房买卖合同（网签）');
    assert.equal(await applicationsOf(f.deps.store).count(), 0);
    assert.equal(await matterApplicationsOf(f.deps.store).count(), 0);
    // A refused form uses up no number.
    const next = await submitMatter(f.deps, { matter: MATTER_ID, openid: 'buyer', body: validBody(), files: validFiles(f) });
    assert.equal(next.no, 'YJS-20261202-0001');
  });

  it('asks the matter’s own question first', async () => {
    f = await matterFixture();
    const { useFund: _skip, ...body } = validBody();
    await assert.rejects(submitMatter(f.deps, { matter: MATTER_ID, openid: 'buyer', body, files: validFiles(f) }), /请选择“买方是否提取住房公积金”/);
    assert.deepEqual(readdirSync(path.join(f.dataDir, 'uploads-incoming')), []);
  });

  it('recovery removes a submission a crash left half-made, and nothing newer', async () => {
    f = await matterFixture();
    const done = await submitMatter(f.deps, { matter: MATTER_ID, openid: 'buyer', body: validBody(), files: validFiles(f) });
    const records = matterApplicationsOf(f.deps.store);
    const part = (await applicationsOf(f.deps.store).get(done.parts[0]!.no))!;
    await records.put({ ...done, id: 'YJS-20261202-0009', no: 'YJS-20261202-0009', state: 'creating', parts: [] });
    await applicationsOf(f.deps.store).insert({ ...part, id: 'BDC-20261202-0009', no: 'BDC-20261202-0009', group: { ...part.group!, id: 'YJS-20261202-0009' } });
    assert.equal(await recoverUnfinishedMatters(f.deps, f.clock.now), 0, 'too recent to be a crash');
    assert.equal(await recoverUnfinishedMatters(f.deps, new Date(f.clock.now.getTime() + 11 * 60_000)), 1);
    assert.equal(await records.get('YJS-20261202-0009'), undefined);
    assert.equal(await applicationsOf(f.deps.store).get('BDC-20261202-0009'), undefined);
    assert.equal(await applicationsOf(f.deps.store).count(), 3);
  });
});
