import assert from 'node:assert/strict';
import request from 'supertest';
import { applicationsOf, type Application } from '../../server/loop/index.js';
import type { LocalPaymentProvider } from '../../server/loop/payment/local-payment-provider.js';
import { move } from '../loop/applications/test-app.js';
import { validBody } from './matter-fixture.js';
import { createMatterApp, type MatterApp } from './matter-app.js';

interface PaymentLogLine {
  event: string;
  applicationNo?: string;
  department?: string;
  amountFen?: number;
  detail?: string;
}

describe('一件事 that stops on refusal: the other parts are terminated (终止办理)', () => {
  let t: MatterApp;
  let tokens: Record<string, string>;
  afterEach(() => t.cleanup());

  async function start(onRefusal: 'continue' | 'stop', useFund: 'yes' | 'no') {
    t = await createMatterApp({ onRefusal });
    tokens = { budongchan: await t.staff('budongchan'), shuiwu: await t.staff('shuiwu'), gongjijin: await t.staff('gongjijin'), jiaojing: await t.staff('jiaojing') };
    const { body } = await t.submit('buyer', validBody(useFund)).expect(201);
    return { no: body.no as string, parts: body.parts.map((p: { no: string }) => p.no) as string[] };
  }
  const part = async (no: string) => (await applicationsOf(t.deps.store).get(no))!;
  const matter = async (no: string) => (await request(t.app).get(`/api/matter-applications/${no}`).set('Cookie', t.cookie('buyer')).expect(200)).body;
  const staffView = async (dept: string, no: string) => (await request(t.app).get(`/api/applications/${no}`).set('Authorization', `Bearer ${tokens[dept]}`).expect(200)).body;
  const refund = (dept: string, no: string, note?: string) => request(t.app).post(`/api/applications/${no}/refund`).set('Authorization', `Bearer ${tokens[dept]}`).send(note === undefined ? {} : { note });
  const paymentLog = async () => {
    await t.deps.store.log<PaymentLogLine>('payments').flush();
    return t.deps.store.log<PaymentLogLine>('payments').read();
  };

  it('closes every other open part with the refusal as its reason; no department can move its part any more', async () => {
    const { no, parts } = await start('stop', 'yes');
    const [bdc, sw, gjj] = parts as [string, string, string];
    await move(t, tokens.budongchan!, bdc, 'accepted').expect(200);
    await move(t, tokens.shuiwu!, sw, 'not-accepted', { note: '网签合同价格与评估价差异过大' }).expect(200);

    for (const [dept, partNo] of [['budongchan', bdc], ['gongjijin', gjj]] as const) {
      const closed = await part(partNo);
      assert.equal(closed.stage, 'terminated');
      const last = closed.timeline.at(-1)!;
      assert.deepEqual([last.actor.kind, last.to], ['system', 'terminated']);
      // The reason names the refused part, not the other department's note to the citizen.
      assert.equal(last.note, '二手房交易一件事已终止：国家税务总局江城市税务局的“存量房契税申报”不予受理，本件不再办理');
      const seen = await staffView(dept, partNo);
      assert.deepEqual([seen.stageLabel, seen.nextStages], ['终止办理', []]);
      assert.match((await move(t, tokens[dept]!, partNo, 'in-progress').expect(409)).body.message, /不能变更为/);
      assert.match((await move(t, tokens[dept]!, partNo, 'terminated').expect(409)).body.message, /由系统设定/);
    }
    assert.equal((await part(sw)).stage, 'not-accepted', 'the refused part keeps its own stage');
    const view = await matter(no);
    assert.deepEqual([view.state, view.stateLabel, view.rateable], ['stopped', '已终止', true]);
    assert.deepEqual(view.parts.map((p: { terminated: boolean }) => p.terminated), [true, false, true]);
  });

  it('asks for no payment not made yet: the fixed fee of a terminated part is not requested', async () => {
    const { no, parts } = await start('stop', 'no');
    const [bdc, sw] = parts as [string, string];
    await move(t, tokens.budongchan!, bdc, 'accepted').expect(200);
    assert.equal((await part(bdc)).payment.state, 'unpaid');
    await move(t, tokens.shuiwu!, sw, 'not-accepted', { note: '不符合申报条件' }).expect(200);
    const view = await matter(no);
    assert.deepEqual([view.payment.dueFen, view.payment.payable, view.payment.pending], [0, false, []]);
    assert.match((await request(t.app).post(`/api/matter-applications/${no}/payment`).set('Cookie', t.cookie('buyer')).expect(409)).body.message, /无需缴费或已缴清/);
    assert.equal((await staffView('budongchan', bdc)).paymentBlocker, '本件已终止办理，无需缴费');
  });

  it('lets the other parts go on when the matter continues on refusal', async () => {
    const { no, parts } = await start('continue', 'yes');
    await move(t, tokens.shuiwu!, parts[1]!, 'not-accepted', { note: '不符合申报条件' }).expect(200);
    assert.deepEqual([(await part(parts[0]!)).stage, (await part(parts[2]!)).stage], ['submitted', 'submitted']);
    assert.equal((await matter(no)).state, 'in-progress');
  });

  async function acceptAndAssess(bdc: string, sw: string) {
    await move(t, tokens.budongchan!, bdc, 'accepted').expect(200);
    await move(t, tokens.shuiwu!, sw, 'accepted', { amountFen: 2_250_000 }).expect(200);
  }
  async function payOrder(orderNo: string) {
    const signed = await (t.deps.pay as LocalPaymentProvider).pay(orderNo);
    await request(t.app).post('/api/payments/notify/local').set(signed.headers).send(signed.rawBody.toString('utf8')).expect(200);
  }

  it('turns a fee paid before the stop into its department’s refund task, which only its staff record, once', async () => {
    const { no, parts } = await start('stop', 'no');
    const [bdc, sw] = parts as [string, string];
    await acceptAndAssess(bdc, sw);
    const order = (await request(t.app).post(`/api/matter-applications/${no}/payment`).set('Cookie', t.cookie('buyer')).expect(201)).body;
    await payOrder(order.orderNo);
    await move(t, tokens.budongchan!, bdc, 'in-progress').expect(200);
    await move(t, tokens.budongchan!, bdc, 'denied', { note: '房屋已被司法查封' }).expect(200);

    const closed = await part(sw);
    assert.equal(closed.stage, 'terminated');
    assert.deepEqual([closed.payment.state, closed.payment.refund?.state, closed.payment.refund?.amountFen], ['paid', 'due', 2_250_000]);
    assert.equal((await part(bdc)).payment.refund, undefined, 'the refused part’s own fee follows its department’s rules, not the stop');
    const due = (await paymentLog()).filter((r) => r.event === 'refund-due');
    assert.deepEqual(due.map((r) => [r.applicationNo, r.department, r.amountFen]), [[sw, 'shuiwu', 2_250_000]]);
    const seen = (await matter(no)).parts.find((p: { no: string }) => p.no === sw);
    assert.deepEqual([seen.payment.refund.state, seen.payment.refund.amountFen], ['due', 2_250_000]);

    await refund('jiaojing', sw, '原路退回').expect(404);
    await refund('shuiwu', sw, ' ').expect(400);
    const done = (await refund('shuiwu', sw, '已原路退回，微信支付退款单号 50300000001').expect(200)).body;
    assert.deepEqual([done.payment.refund.state, done.payment.refund.by, done.payment.refund.note], ['done', '窗口1', '已原路退回，微信支付退款单号 50300000001']);
    assert.match((await refund('shuiwu', sw, '再退一次').expect(409)).body.message, /没有待退还的费用/);
    assert.match((await refund('budongchan', bdc, '退费').expect(409)).body.message, /没有待退还的费用/);
    const refunded = (await paymentLog()).filter((r) => r.event === 'refunded');
    assert.deepEqual(refunded.map((r) => [r.applicationNo, r.department, r.amountFen]), [[sw, 'shuiwu', 2_250_000]]);
  });

  it('makes a payment arriving for a part terminated after its order was placed a refund task', async () => {
    const { no, parts } = await start('stop', 'no');
    const [bdc, sw] = parts as [string, string];
    await acceptAndAssess(bdc, sw);
    const order = (await request(t.app).post(`/api/matter-applications/${no}/payment`).set('Cookie', t.cookie('buyer')).expect(201)).body;
    await move(t, tokens.budongchan!, bdc, 'in-progress').expect(200);
    await move(t, tokens.budongchan!, bdc, 'denied', { note: '房屋已被司法查封' }).expect(200);
    assert.deepEqual([(await part(sw)).stage, (await part(sw)).payment.refund], ['terminated', undefined]);

    await payOrder(order.orderNo);
    const paid = await part(sw);
    assert.deepEqual([paid.payment.state, paid.payment.refund?.state, paid.payment.refund?.amountFen], ['paid', 'due', 2_250_000]);
    assert.deepEqual((await paymentLog()).filter((r) => r.event === 'refund-due').map((r) => r.applicationNo), [sw]);
  });

  it('finishes a stop left half done (a crash between the refusal and the closing) when the matter is next shown', async () => {
    const { no, parts } = await start('stop', 'yes');
    const [bdc, sw, gjj] = parts as [string, string, string];
    // The refusal written, the closing never run.
    await applicationsOf(t.deps.store).update(sw, (a: Application) => ({ ...a, stage: 'not-accepted' }));
    const view = await matter(no);
    assert.equal(view.state, 'stopped');
    assert.deepEqual(await Promise.all([bdc, gjj].map(async (n) => (await part(n)).stage)), ['terminated', 'terminated']);
  });
});

describe('the console workbench and a terminated part', () => {
  it('shows the part closed with its reason, offers no move, and records the refund of what was paid', async function () {
    // The console harness loads the whole console on first use: slow on a loaded machine.
    this.timeout(60_000);
    const { addTestUsers, createHarness, login } = await import('../console/harness.js');
    const { licenceApplication, seedApplication } = await import('../desk/work-fixtures.js');
    const h = await createHarness();
    await addTestUsers(h.store);
    const reason = '二手车交易一件事已终止：某部门的“某事项”不予受理，本件不再办理';
    const at = '2026-11-03T01:00:00.000Z';
    const base = licenceApplication('JJ-20261120-0011');
    await seedApplication(h.store, {
      ...base,
      stage: 'terminated',
      group: { id: 'YJS-20261120-0002', name: '二手车交易一件事', lead: 'jiaojing', stopOnRefusal: true },
      payment: { ...base.payment, refund: { state: 'due', amountFen: 1000, dueAt: at } },
      timeline: [...base.timeline, { at, from: 'submitted', to: 'terminated', actor: { kind: 'system', name: '一件事终止' }, note: reason }],
    });
    const jj = await login(h.app, 'jj-staff');
    const queue = await jj.agent.get('/console/work/applications').expect(200);
    assert.match(queue.text, /id="app-JJ-20261120-0011"[\s\S]*?终止办理<\/span> <span class="status s-rejected">待退费/);
    const url = '/console/work/applications/JJ-20261120-0011';
    const page = await jj.agent.get(url).expect(200);
    assert.match(page.text, new RegExp(`id="terminated-row"[\\s\\S]*${reason}`));
    assert.doesNotMatch(page.text, /id="move"/);
    assert.match(page.text, /id="refund"[\s\S]*须由本部门按退费流程[\s\S]*记录已退费/);

    await jj.agent.post(`${url}/refund`).type('form').send({ _csrf: jj.csrf, note: '' }).expect(400);
    await jj.agent.post(`${url}/refund`).type('form').send({ _csrf: jj.csrf, note: '已原路退回' }).expect(303);
    const after = await jj.agent.get(url).expect(200);
    assert.match(after.text, /已退还申请人 10\.00 元（[^）]*jj-staff）：已原路退回/);
    assert.doesNotMatch(after.text, /记录已退费/);
    assert.doesNotMatch((await jj.agent.get('/console/work/applications').expect(200)).text, /待退费/);
  });
});
