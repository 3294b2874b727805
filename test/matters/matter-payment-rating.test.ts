import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationsOf } from '../../server/loop/index.js';
import type { LocalPaymentProvider } from '../../server/loop/payment/local-payment-provider.js';
import { move } from '../loop/applications/test-app.js';
import { validBody } from './matter-fixture.js';
import { createMatterApp, type MatterApp } from './matter-app.js';

interface PaymentLogLine {
  event: string;
  applicationNo?: string;
  department?: string;
  amountFen?: number;
}

describe('一件事: one payment, one rating', () => {
  let t: MatterApp;
  let no: string;
  let bdc: string;
  let sw: string;
  let tokens: Record<string, string>;
  beforeEach(async () => {
    t = await createMatterApp();
    const { body } = await t.submit('buyer', validBody('no')).expect(201);
    no = body.no;
    [bdc, sw] = body.parts.map((p: { no: string }) => p.no);
    tokens = { budongchan: await t.staff('budongchan'), shuiwu: await t.staff('shuiwu'), jiaojing: await t.staff('jiaojing') };
  });
  afterEach(() => t.cleanup());

  const pay = () => request(t.app).post(`/api/matter-applications/${no}/payment`).set('Cookie', t.cookie('buyer'));
  const view = async () => (await request(t.app).get(`/api/matter-applications/${no}`).set('Cookie', t.cookie('buyer')).expect(200)).body;

  it('waits until every fee is known, then one order pays all parts, each credited once (a repeated notification too)', async () => {
    assert.match((await pay().expect(409)).body.message, /尚未受理或核定费用/);
    await move(t, tokens.budongchan!, bdc, 'accepted').expect(200);
    assert.equal((await view()).payment.payable, false, '契税 not assessed yet');
    // A part of a matter is never paid on its own.
    assert.match((await request(t.app).post(`/api/applications/${bdc}/payment`).set('Cookie', t.cookie('buyer')).expect(409)).body.message, /统一缴费/);
    await move(t, tokens.shuiwu!, sw, 'accepted', { amountFen: 2_250_000 }).expect(200);
    const before = await view();
    assert.deepEqual([before.payment.dueFen, before.payment.payable], [2_258_000, true]);

    const started = (await pay().expect(201)).body;
    assert.equal(started.amountFen, 2_258_000);
    assert.equal(started.payment.kind, 'local');
    assert.equal((await pay().expect(201)).body.orderNo, started.orderNo, 'a second tap places the same order');
    const signed = await (t.deps.pay as LocalPaymentProvider).pay(started.orderNo);
    for (let i = 0; i < 2; i++) await request(t.app).post('/api/payments/notify/local').set(signed.headers).send(signed.rawBody.toString('utf8')).expect(200);

    const apps = applicationsOf(t.deps.store);
    for (const [partNo, fen] of [[bdc, 8000], [sw, 2_250_000]] as const) {
      const part = (await apps.get(partNo))!;
      assert.deepEqual([part.payment.state, part.payment.orderNo, part.payment.amountFen], ['paid', started.orderNo, fen]);
    }
    await t.deps.store.log<PaymentLogLine>('payments').flush();
    const log = await t.deps.store.log<PaymentLogLine>('payments').read();
    const perPart = log.filter((r) => r.event === 'credited' && r.department);
    assert.deepEqual(perPart.map((r) => [r.department, r.applicationNo, r.amountFen]), [['budongchan', bdc, 8000], ['shuiwu', sw, 2_250_000]]);
    assert.equal(log.filter((r) => r.event === 'replayed').length, 1);
    const after = await view();
    assert.deepEqual([after.payment.paidFen, after.payment.dueFen, after.payment.payable], [2_258_000, 0, false]);
    await pay().expect(409);
  });

  it('takes one rating once every part is final; a bad one goes to the lead department, which may pass it to the part that caused it', async () => {
    await move(t, tokens.shuiwu!, sw, 'not-accepted', { note: '成交价格明显偏低，请到窗口核实' }).expect(200);
    const refused = await view();
    assert.equal(refused.state, 'in-progress');
    assert.equal(refused.parts[1].note, '成交价格明显偏低，请到窗口核实');
    await request(t.app).post(`/api/matter-applications/${no}/rating`).set('Cookie', t.cookie('buyer')).send({ level: 'dissatisfied' }).expect(409);
    await move(t, tokens.budongchan!, bdc, 'accepted').expect(200);
    // The refused part owes nothing: the one order is the registration fee alone.
    const started = (await pay().expect(201)).body;
    assert.equal(started.amountFen, 8000);
    const signed = await (t.deps.pay as LocalPaymentProvider).pay(started.orderNo);
    await request(t.app).post('/api/payments/notify/local').set(signed.headers).send(signed.rawBody.toString('utf8')).expect(200);
    await move(t, tokens.budongchan!, bdc, 'completed').expect(200);
    const done = await view();
    assert.deepEqual([done.state, done.rateable], ['partly-completed', true]);
    // Parts are rated through the matter, not one by one.
    await request(t.app).post(`/api/applications/${sw}/rating`).set('Cookie', t.cookie('buyer')).send({ level: 'satisfied' }).expect(409);

    const rated = await request(t.app).post(`/api/matter-applications/${no}/rating`).set('Cookie', t.cookie('buyer')).send({ level: 'very-dissatisfied', comment: '契税为什么不予受理' }).expect(201);
    const caseId = rated.body.caseId as string;
    assert.ok(caseId);
    await request(t.app).post(`/api/matter-applications/${no}/rating`).set('Cookie', t.cookie('buyer')).send({ level: 'satisfied' }).expect(409);
    const cases = (dept: string) => request(t.app).get('/api/staff/cases').set('Authorization', `Bearer ${tokens[dept]}`).expect(200);
    assert.deepEqual((await cases('budongchan')).body.cases.map((c: { id: string }) => c.id), [caseId]);

    await request(t.app).post(`/api/cases/${caseId}/pass`).set('Authorization', `Bearer ${tokens.budongchan}`).send({ department: 'jiaojing', reason: '转交' }).expect(400);
    await request(t.app).post(`/api/cases/${caseId}/pass`).set('Authorization', `Bearer ${tokens.shuiwu}`).send({ department: 'shuiwu', reason: '转交' }).expect(404);
    const passed = await request(t.app).post(`/api/cases/${caseId}/pass`).set('Authorization', `Bearer ${tokens.budongchan}`).send({ department: 'shuiwu', reason: '差评针对契税不予受理' }).expect(200);
    assert.equal(passed.body.department, 'shuiwu');
    assert.deepEqual(passed.body.transfers.map((x: { from: string; to: string }) => [x.from, x.to]), [['budongchan', 'shuiwu']]);
    assert.deepEqual((await cases('shuiwu')).body.cases.map((c: { id: string }) => c.id), [caseId]);
    assert.deepEqual((await cases('budongchan')).body.cases, []);
  });
});
