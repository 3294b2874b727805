import assert from 'node:assert/strict';
import { applicationsOf } from '../../../server/loop/applications/application-access.js';
import { rateApplication } from '../../../server/loop/rating/rate-application.js';
import { casesOf } from '../../../server/loop/rating/rectification-case.js';
import { failingStore, type FailingStore } from '../applications/failing-store.js';
import { createTestApp, move, payThroughCashier, submitLicence, type TestApp } from '../applications/test-app.js';

describe('rateApplication when a write fails', () => {
  let t: TestApp;
  let store: FailingStore;
  let no: string;
  const badReview = { level: 'very-dissatisfied', comment: '窗口态度差' };

  beforeEach(async () => {
    t = createTestApp({ now: '2026-11-20T02:00:00Z' });
    store = failingStore(t.deps.store);
    const staff = await t.staff('jiaojing');
    no = await submitLicence(t);
    await payThroughCashier(t, no);
    await move(t, staff, no, 'accepted').expect(200);
    await move(t, staff, no, 'completed').expect(200);
  });
  afterEach(() => t.cleanup());

  const rate = () => rateApplication({ ...t.deps, store }, { no, openid: 'citizen-a', ...badReview });
  const stored = async () => (await applicationsOf(t.deps.store).get(no))!;

  it('leaves the application unrated when the case cannot be stored, so the citizen can rate again', async () => {
    store.failNext('rectificationCases', ['insert', 'put']);
    await assert.rejects(rate(), /disk full/);
    assert.equal((await stored()).rating, undefined, 'no rating pointing at a missing case');

    const { application, case: opened } = await rate();
    assert.equal(application.rating?.caseId, `${no}-ZG`);
    assert.equal((await casesOf(t.deps.store).get(`${no}-ZG`))?.comment, '窗口态度差');
    assert.equal(opened?.id, `${no}-ZG`);
  });

  it('removes the new case again when the application cannot be marked rated', async () => {
    store.failNext('applications', 'update');
    await assert.rejects(rate(), /disk full/);
    assert.equal(await casesOf(t.deps.store).get(`${no}-ZG`), undefined);
    assert.equal((await stored()).rating, undefined);

    await rate();
    assert.equal((await casesOf(t.deps.store).list()).length, 1);
    await assert.rejects(rate(), /每件只能评价一次/);
  });

  it('replaces a case orphaned by an earlier failed attempt', async () => {
    store.failNext('applications', 'update');
    store.failNext('rectificationCases', 'delete');
    await assert.rejects(rate(), /disk full/);
    assert.ok(await casesOf(t.deps.store).get(`${no}-ZG`), 'the rollback failed too: an orphan is left');
    const { application } = await rate();
    assert.equal(application.rating?.level, 'very-dissatisfied');
    assert.equal((await casesOf(t.deps.store).list()).length, 1);
  });
});
