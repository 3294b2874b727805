// 补齐补正 and fees that depend on an answer: an unpaid fee follows the changed answer; once paid,
// an answer that would change the fee is refused with 409 and nothing changes.
import assert from 'node:assert/strict';
import request from 'supertest';
import type { AccountBuild } from '../../../server/builder/types.js';
import { applicationsOf } from '../../../server/loop/applications/application-access.js';
import { paymentLog } from '../../../server/loop/payment/payment-orders.js';
import type { LocalPaymentProvider } from '../../../server/loop/payment/local-payment-provider.js';
import { buildFixture } from '../applications/build-fixture.js';
import { createTestApp, move, payThroughCashier, submitFields, type TestApp } from '../applications/test-app.js';

const ALL_STAGES = ['submitted', 'accepted', 'not-accepted', 'supplement', 'suspended', 'in-progress', 'completed', 'denied'] as const;

/** The fixture with 补齐补正 allowed for the byOption (社保卡补办) and perUnit (参保证明打印) services. */
function buildWithSupplement(): AccountBuild {
  const build = buildFixture();
  build.services = build.services.map((s) =>
    s.ref === 'shebao/bukaban' || s.ref === 'shebao/fuyin' ? { ...s, steps: { ...s.steps, progress: { online: true, stages: [...ALL_STAGES] } } } : s,
  );
  return build;
}

describe('resubmitting with a fee that depends on an answer', () => {
  let t: TestApp;
  let staff: string;
  beforeEach(async () => {
    t = createTestApp({ build: buildWithSupplement() });
    staff = await t.staff('shebao');
  });
  afterEach(() => t.cleanup());

  const stored = async (no: string) => (await applicationsOf(t.deps.store).get(no))!;
  const resubmit = (no: string, fields: Record<string, string>) => {
    let req = request(t.app).post(`/api/applications/${no}/resubmit`).set('Cookie', t.cookie('citizen-a'));
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    return req;
  };
  const askSupplement = (no: string) => move(t, staff, no, 'supplement', { note: '请核对申请内容' }).expect(200);

  it('refuses, once paid, an answer that changes the fee, and leaves the application in 补齐补正', async () => {
    const no = await submitFields(t, 'shebao/fuyin', { pages: '4' });
    await payThroughCashier(t, no);
    assert.deepEqual([(await stored(no)).payment.state, (await stored(no)).payment.amountFen], ['paid', 200]);
    await askSupplement(no);

    const res = await resubmit(no, { pages: '10' }).expect(409);
    assert.equal(res.body.message, '已按原填写的“份数”缴费，缴费后不能再更改此项；如需更改，请联系办理部门');
    assert.deepEqual(res.body.details, { field: 'pages', paidFen: 200, newFen: 500 });
    const after = await stored(no);
    assert.deepEqual([after.stage, after.data.pages, after.payment.amountFen, after.payment.state], ['supplement', 4, 200, 'paid']);

    const ok = await resubmit(no, { pages: '4' }).expect(200);
    assert.equal(ok.body.stage, 'submitted');
    assert.equal((await stored(no)).payment.state, 'paid');
  });

  it('accepts, once paid, a changed answer whose fee stays the same (the cap)', async () => {
    const no = await submitFields(t, 'shebao/fuyin', { pages: '30' });
    await payThroughCashier(t, no);
    await askSupplement(no);
    await resubmit(no, { pages: '40' }).expect(200);
    const after = await stored(no);
    assert.deepEqual([after.data.pages, after.payment.amountFen, after.payment.state], [40, 1000, 'paid']);
  });

  it('reprices an unpaid fee from the changed answer', async () => {
    const no = await submitFields(t, 'shebao/bukaban', { cardType: 'normal' });
    assert.deepEqual([(await stored(no)).payment.state, (await stored(no)).payment.amountFen], ['none', 0]);
    await askSupplement(no);
    await resubmit(no, { cardType: 'finance' }).expect(200);
    const after = await stored(no);
    assert.deepEqual([after.payment.state, after.payment.amountFen, after.payment.timing], ['unpaid', 2000, 'after-acceptance']);
  });

  it('does not credit an order started for the old amount once the answer changed', async () => {
    const no = await submitFields(t, 'shebao/bukaban', { cardType: 'finance' });
    await move(t, staff, no, 'accepted').expect(200);
    const started = await request(t.app).post(`/api/applications/${no}/payment`).set('Cookie', t.cookie('citizen-a')).expect(201);
    await askSupplement(no);
    await resubmit(no, { cardType: 'normal' }).expect(200);
    assert.deepEqual([(await stored(no)).payment.state, (await stored(no)).payment.amountFen], ['none', 0]);

    const pay = t.deps.pay as LocalPaymentProvider;
    const signed = await pay.pay(started.body.orderNo);
    await request(t.app).post('/api/payments/notify/local').set(signed.headers).send(signed.rawBody.toString('utf8')).expect(200);
    assert.equal((await stored(no)).payment.state, 'none');
    const [logged] = await paymentLog(t.deps.store).read((r) => r.orderNo === started.body.orderNo);
    assert.equal(logged?.event, 'amount-mismatch');
    assert.match(logged?.detail ?? '', /退还/);
  });
});
