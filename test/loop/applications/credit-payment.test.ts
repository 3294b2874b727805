import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationsOf } from '../../../server/loop/applications/application-access.js';
import type { ApplicationDeps } from '../../../server/loop/payment/payment-deps.js';
import { creditPayment } from '../../../server/loop/payment/credit-payment.js';
import { ordersOf, paymentLog } from '../../../server/loop/payment/payment-orders.js';
import type { LocalPaymentProvider } from '../../../server/loop/payment/local-payment-provider.js';
import type { PaymentNotification } from '../../../server/loop/payment/payment-provider.js';
import { failingStore, type FailingStore } from './failing-store.js';
import { createTestApp, submitLicence, type TestApp } from './test-app.js';

describe('creditPayment when a write fails half-way', () => {
  let t: TestApp;
  let store: FailingStore;
  let deps: ApplicationDeps;
  let no: string;
  let note: PaymentNotification;

  beforeEach(async () => {
    t = createTestApp();
    store = failingStore(t.deps.store);
    deps = { ...t.deps, store };
    no = await submitLicence(t);
    const started = await request(t.app).post(`/api/applications/${no}/payment`).set('Cookie', t.cookie('citizen-a')).expect(201);
    const pay = t.deps.pay as LocalPaymentProvider;
    const signed = await pay.pay(started.body.orderNo);
    note = await pay.parseNotification(signed.headers, signed.rawBody);
  });
  afterEach(() => t.cleanup());

  const application = async () => (await applicationsOf(t.deps.store).get(no))!;
  const order = async () => (await ordersOf(t.deps.store).get(note.orderNo))!;
  const events = async () => (await paymentLog(t.deps.store).read()).map((r) => r.event);

  it('credits the application on the retry after the application write failed', async () => {
    store.failNext('applications', 'update');
    await assert.rejects(creditPayment(deps, note), /disk full/);
    assert.equal((await application()).payment.state, 'unpaid');
    assert.equal((await order()).state, 'created', 'the order is not marked paid before the application');

    assert.equal(await creditPayment(deps, note), 'credited');
    const paid = (await application()).payment;
    assert.deepEqual([paid.state, paid.orderNo, paid.transactionId], ['paid', note.orderNo, note.transactionId]);
    assert.equal((await order()).state, 'paid');
    assert.equal(await creditPayment(deps, note), 'replayed');
    assert.deepEqual(await events(), ['credited', 'replayed']);
  });

  it('finishes the order on the retry after the order write failed, crediting the application once', async () => {
    store.failNext('paymentOrders', 'update');
    await assert.rejects(creditPayment(deps, note), /disk full/);
    assert.equal((await application()).payment.state, 'paid');
    assert.equal((await order()).state, 'created');

    assert.equal(await creditPayment(deps, note), 'credited');
    assert.equal((await order()).state, 'paid');
    assert.equal((await application()).payment.orderNo, note.orderNo);
    assert.deepEqual(await events(), ['credited'], 'recognised as its own credit, not paid twice');
  });

  it('re-credits on replay an application left unpaid behind a paid order', async () => {
    // The state the old write order left behind when the application write failed.
    await ordersOf(t.deps.store).update(note.orderNo, (o) => ({ ...o, state: 'paid', transactionId: note.transactionId }));
    assert.equal(await creditPayment(deps, note), 'credited');
    assert.equal((await application()).payment.state, 'paid');
  });
});
