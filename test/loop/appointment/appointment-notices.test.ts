import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import request from 'supertest';
import type { NotificationRecord } from '../../../server/loop/appointment/notify-appointment.js';
import { createWechatClient } from '../../../server/wechat/wechat-client.js';
import { createMemoryTokenStore } from '../../../server/wechat/token-store.js';
import { FakeWechat, makeContext, SERVICE, type TestContext, VALID_FIELDS } from './fixture-build.js';

const SLOT = '2026-03-06T01:00:00.000Z'; // Friday 09:00
const book = (ctx: TestContext, openid: string, start = SLOT) =>
  request(ctx.app).post(`/api/services/${SERVICE}/appointments`).set('Cookie', ctx.cookie(openid)).send({ hall: 'tianhe', start, fields: VALID_FIELDS }).expect(201);
const notifications = (ctx: TestContext) => ctx.deps.store.log<NotificationRecord>('notifications').read();

describe('appointment notices', () => {
  it('sends a confirmation template message with service, time and hall', async () => {
    const wechat = new FakeWechat();
    const ctx = makeContext({ wechat, templateId: 'TPL_APPT' });
    const { body } = await book(ctx, 'alice');
    assert.equal(wechat.templates.length, 1);
    const sent = wechat.templates[0]!;
    assert.deepEqual([sent.openid, sent.templateId, sent.url], ['alice', 'TPL_APPT', 'https://gov.example.cn/me/appointments']);
    // WeChat's template rules since 2023-05-04: no first/remark, no line breaks, ≤ 20 characters a field.
    assert.deepEqual(sent.data, {
      keyword1: { value: '社保卡补办' },
      keyword2: { value: '3月6日（周五）09:00-09:30' },
      keyword3: { value: '天河社保服务厅' },
      keyword4: { value: `已预约 ${body.appointment.number}` },
    });
    for (const field of Object.values(sent.data)) assert.ok([...field.value].length <= 20 && !/\n/.test(field.value), field.value);
    assert.ok(body.appointment.number);
    assert.deepEqual((await notifications(ctx)).map((n) => [n.channel, n.status]), [['template', 'sent']]);
  });

  it('uses the template id of the build live when the notice is sent', async () => {
    const wechat = new FakeWechat();
    const ctx = makeContext({ wechat, templateId: 'TPL_OLD' });
    const republished = ctx.deps.live.current();
    ctx.deps.live.swap({ ...republished, account: { ...republished.account, notifications: { appointmentTemplateId: 'TPL_NEW' } } });
    await book(ctx, 'alice');
    assert.deepEqual(wechat.templates.map((t) => t.templateId), ['TPL_NEW']);
    const { account } = ctx.deps.live.current();
    ctx.deps.live.swap({ ...ctx.deps.live.current(), account: { ...account, notifications: {} } });
    await book(ctx, 'bob');
    assert.equal(wechat.templates.length, 1, 'without a template id nothing goes to WeChat');
    assert.deepEqual((await notifications(ctx)).map((n) => [n.openid, n.channel, n.templateId]), [['alice', 'template', 'TPL_NEW'], ['bob', 'local', undefined]]);
  });

  it('records the notice in the notifications log in local mode', async () => {
    const ctx = makeContext();
    await book(ctx, 'alice');
    const [n] = await notifications(ctx);
    assert.deepEqual([n!.channel, n!.status, n!.kind, n!.openid], ['local', 'recorded', 'appointment-confirmation', 'alice']);
  });

  it('tells the citizen a cancelled appointment is cancelled, not moved', async () => {
    const wechat = new FakeWechat();
    const ctx = makeContext({ wechat, templateId: 'TPL_APPT' });
    const { body } = await book(ctx, 'alice');
    await request(ctx.app).delete(`/api/appointments/${body.appointment.id}`).set('Cookie', ctx.cookie('alice')).expect(200);
    const sent = wechat.templates[1]!;
    assert.equal(sent.data.keyword4!.value, `已取消 ${body.appointment.number}`);
    assert.equal(sent.data.keyword2!.value, '3月6日（周五）09:00-09:30');
    assert.equal(sent.data.first, undefined);
    assert.equal(sent.data.remark, undefined);
    assert.deepEqual((await notifications(ctx)).map((n) => n.kind), ['appointment-confirmation', 'appointment-cancelled']);
  });

  it('keeps the booking when WeChat refuses the notice, and records the failure', async () => {
    const wechat = new FakeWechat();
    wechat.failNext = true;
    const ctx = makeContext({ wechat, templateId: 'TPL_APPT' });
    await book(ctx, 'alice');
    const [n] = await notifications(ctx);
    assert.deepEqual([n!.status, n!.error], ['failed', '模拟的微信错误']);
  });
});

describe('appointment notice through the real WeChat client', () => {
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  it('posts WeChat’s template/send body', async () => {
    const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/wechat/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
    let sentBody: Record<string, unknown> | undefined;
    const scope = nock('https://api.weixin.qq.com')
      .get('/cgi-bin/token')
      .query(true)
      .reply(200, fixture('token'))
      .post('/cgi-bin/message/template/send', (b: Record<string, unknown>) => ((sentBody = b), true))
      .query({ access_token: 'ACCESS_TOKEN_1' })
      .reply(200, fixture('template-send-ok'));
    const wechat = createWechatClient({ appId: 'wx1234567890abcdef', secret: 'SECRET', tokenStore: createMemoryTokenStore() });
    const ctx = makeContext({ wechat, templateId: 'TPL_APPT' });
    await book(ctx, 'oALICE');
    assert.ok(scope.isDone());
    assert.equal(sentBody!.touser, 'oALICE');
    assert.equal(sentBody!.template_id, 'TPL_APPT');
    assert.equal(sentBody!.url, 'https://gov.example.cn/me/appointments');
    assert.deepEqual(Object.keys(sentBody!.data as object), ['keyword1', 'keyword2', 'keyword3', 'keyword4']);
    assert.deepEqual((sentBody!.data as Record<string, unknown>).keyword1, { value: '社保卡补办' });
    assert.deepEqual((await notifications(ctx)).map((n) => n.status), ['sent']);
  });
  describe('through the account the appointment was booked in', () => {
    const sibling = (client: FakeWechat, own?: { templates: boolean; appointmentTemplateId?: string }) => (id: string) => {
      if (id !== 'chuxing') throw new Error(`没有编号为“${id}”的公众号`);
      return { id, primary: false, client, templates: own?.templates ?? false, ...(own?.appointmentTemplateId ? { appointmentTemplateId: own.appointmentTemplateId } : {}) };
    };

    it('sends a subscription account follower’s confirmation as a customer-service text through that account', async () => {
      const primary = new FakeWechat();
      const chuxing = new FakeWechat();
      const ctx = makeContext({ wechat: primary, templateId: 'TPL_APPT', accountOf: sibling(chuxing) });
      const { body } = await request(ctx.app).post(`/api/services/${SERVICE}/appointments`).set('Cookie', ctx.cookie('o-cx', 'chuxing')).send({ hall: 'tianhe', start: SLOT, fields: VALID_FIELDS }).expect(201);
      assert.equal(primary.templates.length + primary.texts.length, 0, 'nothing through the primary');
      assert.deepEqual(chuxing.texts.map((t) => t.openid), ['o-cx']);
      assert.equal(chuxing.texts[0]!.text, `【预约】社保卡补办，已预约，预约号 ${body.appointment.number}，3月6日（周五）09:00-09:30，天河社保服务厅。查看详情：https://gov.example.cn/me/appointments`);
      const stored = await ctx.deps.store.collection<{ id: string; account?: string }>('appointments').get(body.appointment.id);
      assert.equal(stored?.account, 'chuxing');
      assert.deepEqual((await notifications(ctx)).map((n) => [n.account, n.channel, n.status]), [['chuxing', 'customer-service', 'sent']]);
    });

    it('uses a further service account’s own appointment template, through that account', async () => {
      const primary = new FakeWechat();
      const other = new FakeWechat();
      const ctx = makeContext({ wechat: primary, templateId: 'TPL_APPT', accountOf: sibling(other, { templates: true, appointmentTemplateId: 'TPL_OWN' }) });
      await request(ctx.app).post(`/api/services/${SERVICE}/appointments`).set('Cookie', ctx.cookie('o-own', 'chuxing')).send({ hall: 'tianhe', start: SLOT, fields: VALID_FIELDS }).expect(201);
      assert.deepEqual(other.templates.map((t) => [t.openid, t.templateId]), [['o-own', 'TPL_OWN']]);
      assert.equal(primary.templates.length, 0);
    });

    it('records the notice as failed for an account the city does not have, sending nothing', async () => {
      const primary = new FakeWechat();
      const ctx = makeContext({ wechat: primary, templateId: 'TPL_APPT', accountOf: sibling(new FakeWechat()) });
      await request(ctx.app).post(`/api/services/${SERVICE}/appointments`).set('Cookie', ctx.cookie('o-x', 'gone')).send({ hall: 'tianhe', start: SLOT, fields: VALID_FIELDS }).expect(201);
      assert.equal(primary.templates.length + primary.texts.length, 0);
      const [record] = await notifications(ctx);
      assert.deepEqual([record?.account, record?.status], ['gone', 'failed']);
      assert.match(record?.error ?? '', /gone/);
    });
  });
});
