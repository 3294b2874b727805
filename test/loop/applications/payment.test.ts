import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationsOf } from '../../../server/loop/applications/application-access.js';
import { applicationNoFromOrderNo, ordersOf, paymentLog } from '../../../server/loop/payment/payment-orders.js';
import { createTestApp, move, payThroughCashier, submitFields, submitLicence, type TestApp } from './test-app.js';

describe('payment of applications', () => {
  let t: TestApp;
  let staff: string;
  beforeEach(async () => {
    t = createTestApp();
    staff = await t.staff('jiaojing');
  });
  afterEach(() => t.cleanup());

  const stored = (no: string) => applicationsOf(t.deps.store).get(no);
  const credited = async () => (await paymentLog(t.deps.store).read((r) => r.event === 'credited')).length;

  it('lets a before-acceptance fee be paid right after submission and returns the cashier', async () => {
    const no = await submitLicence(t);
    const res = await request(t.app).post(`/api/applications/${no}/payment`).set('Cookie', t.cookie('citizen-a')).expect(201);
    assert.equal(res.body.amountFen, 1000);
    assert.equal(res.body.payment.kind, 'local');
    assert.match(res.body.payment.cashierUrl, new RegExp(`/pay/local/${res.body.orderNo}$`));
  });

  it('keeps an unpaid before-acceptance application out of the staff queue and refuses to accept it', async () => {
    const no = await submitLicence(t);
    const list = await request(t.app).get('/api/staff/applications').set('Authorization', `Bearer ${staff}`).expect(200);
    assert.deepEqual(list.body.applications, []);
    const res = await move(t, staff, no, 'accepted');
    assert.equal(res.status, 409);
    assert.equal(res.body.message, '申请人尚未缴费，缴费后才能受理');
  });

  it('credits a paid notification once; the replay is acknowledged without a second credit', async () => {
    const no = await submitLicence(t);
    const { res, signed } = await payThroughCashier(t, no);
    assert.equal(res.status, 200);
    assert.equal((await stored(no))!.payment.state, 'paid');
    const replay = await request(t.app).post('/api/payments/notify/local').set(signed.headers).send(signed.rawBody.toString('utf8'));
    assert.equal(replay.status, 200);
    assert.equal(await credited(), 1);
    assert.equal((await paymentLog(t.deps.store).read((r) => r.event === 'replayed')).length, 1);
    const list = await request(t.app).get('/api/staff/applications').set('Authorization', `Bearer ${staff}`).expect(200);
    assert.deepEqual(list.body.applications.map((a: { no: string }) => a.no), [no], 'paid: now in the staff queue');
    await move(t, staff, no, 'accepted').expect(200);
  });

  it('refuses a forged notification and changes nothing', async () => {
    const no = await submitLicence(t);
    const started = await request(t.app).post(`/api/applications/${no}/payment`).set('Cookie', t.cookie('citizen-a')).expect(201);
    const genuine = t.signedNotification({ orderNo: started.body.orderNo, transactionId: 'T1', amountFen: 1000, tradeState: 'SUCCESS' });
    const tampered = genuine.raw.replace('"T1"', '"T2"');
    const res = await request(t.app).post('/api/payments/notify/local').set(genuine.headers).send(tampered);
    assert.equal(res.status, 401);
    assert.equal((await stored(no))!.payment.state, 'unpaid');
    assert.equal(await credited(), 0);
  });

  it('refuses an amount that differs from the order, logs it and leaves the application unpaid', async () => {
    const no = await submitLicence(t);
    const started = await request(t.app).post(`/api/applications/${no}/payment`).set('Cookie', t.cookie('citizen-a')).expect(201);
    const n = t.signedNotification({ orderNo: started.body.orderNo, transactionId: 'T1', amountFen: 1, tradeState: 'SUCCESS' });
    const res = await request(t.app).post('/api/payments/notify/local').set(n.headers).send(n.raw);
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'AMOUNT_MISMATCH');
    assert.equal((await stored(no))!.payment.state, 'unpaid');
    assert.equal((await paymentLog(t.deps.store).read((r) => r.event === 'amount-mismatch')).length, 1);
  });

  it('acknowledges a non-success trade state without crediting', async () => {
    const no = await submitLicence(t);
    const started = await request(t.app).post(`/api/applications/${no}/payment`).set('Cookie', t.cookie('citizen-a')).expect(201);
    const n = t.signedNotification({ orderNo: started.body.orderNo, transactionId: 'T1', amountFen: 1000, tradeState: 'CLOSED' });
    await request(t.app).post('/api/payments/notify/local').set(n.headers).send(n.raw).expect(200);
    assert.equal((await stored(no))!.payment.state, 'unpaid');
  });

  it('answers 404 for a provider that is not configured', async () => {
    await request(t.app).post('/api/payments/notify/wechatpay').send('{}').expect(404);
  });

  it('makes an after-acceptance fee payable only once staff accepted', async () => {
    const shebao = await t.staff('shebao');
    const no = await submitFields(t, 'shebao/bukaban', { cardType: 'finance' });
    const early = await request(t.app).post(`/api/applications/${no}/payment`).set('Cookie', t.cookie('citizen-a')).expect(409);
    assert.equal(early.body.message, '该事项须在受理后缴费，请等待工作人员受理');
    await move(t, shebao, no, 'accepted').expect(200);
    const res = await request(t.app).post(`/api/applications/${no}/payment`).set('Cookie', t.cookie('citizen-a')).expect(201);
    assert.equal(res.body.amountFen, 2000);
  });

  it('owes nothing for a zero-priced option', async () => {
    const no = await submitFields(t, 'shebao/bukaban', { cardType: 'normal' });
    const res = await request(t.app).post(`/api/applications/${no}/payment`).set('Cookie', t.cookie('citizen-a')).expect(409);
    assert.equal(res.body.message, '该申请无需缴费');
  });

  it('charges per unit up to the cap', async () => {
    const no = await submitFields(t, 'shebao/fuyin', { pages: '30' });
    assert.equal((await stored(no))!.payment.amountFen, 1000);
  });

  it('takes an assessed fee at acceptance, within its ceiling, and refuses to complete until paid', async () => {
    const no = await submitFields(t, 'jiaojing/fakuan', { plate: '粤B12345' });
    assert.equal((await move(t, staff, no, 'accepted')).status, 400);
    assert.equal((await move(t, staff, no, 'accepted', { amountFen: 20001 })).status, 400);
    const accepted = await move(t, staff, no, 'accepted', { amountFen: 15000 }).expect(200);
    assert.deepEqual([accepted.body.payment.state, accepted.body.payment.amountFen], ['unpaid', 15000]);
    await move(t, staff, no, 'in-progress').expect(200);
    const blocked = await move(t, staff, no, 'completed').expect(409);
    assert.equal(blocked.body.message, '申请人尚未缴清费用，暂不能办结');
    const { res } = await payThroughCashier(t, no);
    assert.equal(res.status, 200);
    await move(t, staff, no, 'completed').expect(200);
  });

  it('gives 20 concurrent pay calls one order, so paying twice is impossible', async () => {
    const no = await submitLicence(t);
    const pay = () => request(t.app).post(`/api/applications/${no}/payment`).set('Cookie', t.cookie('citizen-a'));
    const answers = await Promise.all(Array.from({ length: 20 }, pay));
    assert.deepEqual(new Set(answers.map((r) => r.status)), new Set([201]));
    const orderNos = new Set(answers.map((r) => r.body.orderNo as string));
    assert.equal(orderNos.size, 1);
    assert.equal((await ordersOf(t.deps.store).findBy('applicationNo', no)).length, 1);
    const later = await pay().expect(201);
    assert.equal(later.body.orderNo, [...orderNos][0], 'a later call gets the same open order');
  });

  it('opens a new order when the amount owed changed', async () => {
    const no = await submitFields(t, 'jiaojing/fakuan', { plate: '粤B12345' });
    await move(t, staff, no, 'accepted', { amountFen: 15000 }).expect(200);
    const first = await request(t.app).post(`/api/applications/${no}/payment`).set('Cookie', t.cookie('citizen-a')).expect(201);
    await applicationsOf(t.deps.store).update(no, (a) => ({ ...a, payment: { ...a.payment, amountFen: 12000 } }));
    const second = await request(t.app).post(`/api/applications/${no}/payment`).set('Cookie', t.cookie('citizen-a')).expect(201);
    assert.notEqual(second.body.orderNo, first.body.orderNo);
    assert.equal(second.body.amountFen, 12000);
  });

  it('does not let another citizen pay or see the order', async () => {
    const no = await submitLicence(t);
    await request(t.app).post(`/api/applications/${no}/payment`).set('Cookie', t.cookie('citizen-b')).expect(404);
  });
});

describe('applicationNoFromOrderNo', () => {
  it('recovers the application number from an order number and ignores other orders', () => {
    assert.equal(applicationNoFromOrderNo('JJ202611220007P2'), 'JJ-20261122-0007');
    assert.equal(applicationNoFromOrderNo('whatever-123'), undefined);
  });
});
