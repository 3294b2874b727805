import assert from 'node:assert/strict';
import nock from 'nock';
import request from 'supertest';
import { NOTIFICATIONS, type NotificationRecord } from '../../../server/loop/progress/notify-citizen.js';
import { createMemoryTokenStore } from '../../../server/wechat/token-store.js';
import { createWechatClient } from '../../../server/wechat/wechat-client.js';
import { createTestApp, move, payThroughCashier, submitFields, submitLicence, type TestApp } from '../applications/test-app.js';

describe('progress: staff transitions', () => {
  let t: TestApp;
  let staff: string;
  let no: string;
  beforeEach(async () => {
    t = createTestApp({ now: '2026-11-02T02:00:00Z' }); // Monday
    staff = await t.staff('jiaojing');
    no = await submitLicence(t);
    await payThroughCashier(t, no);
  });
  afterEach(() => t.cleanup());

  it('records each change in the timeline with actor and note, and starts the clock at acceptance', async () => {
    const res = await move(t, staff, no, 'accepted', { note: '材料齐全' }).expect(200);
    assert.equal(res.body.stage, 'accepted');
    assert.equal(res.body.clock.dueDate, '2026-11-09');
    const last = res.body.timeline.at(-1);
    assert.deepEqual([last.from, last.to, last.actor.name, last.note, last.toLabel], ['submitted', 'accepted', '窗口1', '材料齐全', '已受理']);
    assert.deepEqual(res.body.nextStages, ['in-progress', 'suspended', 'supplement', 'completed', 'denied']);
  });

  it('refuses an illegal move with 409 and leaves the application as it was', async () => {
    const res = await move(t, staff, no, 'completed').expect(409);
    assert.equal(res.body.message, '办件当前为“已收件”，不能变更为“已办结”');
    const after = await request(t.app).get(`/api/applications/${no}`).set('Authorization', `Bearer ${staff}`).expect(200);
    assert.equal(after.body.stage, 'submitted');
  });

  it('refuses an unknown stage and a supplement request without a note', async () => {
    assert.equal((await move(t, staff, no, 'teleported')).status, 400);
    const res = await move(t, staff, no, 'supplement').expect(400);
    assert.match(res.body.message, /一次性告知/);
  });

  it('stops the clock in 补齐补正 until the citizen re-submits', async () => {
    await move(t, staff, no, 'accepted').expect(200); // Mon 2 Nov, due Mon 9 Nov
    t.clock.now = new Date('2026-11-03T02:00:00Z');
    await move(t, staff, no, 'supplement', { note: '请补充清晰的体检证明' }).expect(200);
    t.clock.now = new Date('2026-11-05T02:00:00Z');
    const paused = await request(t.app).get(`/api/applications/${no}`).set('Cookie', t.cookie('citizen-a')).expect(200);
    assert.deepEqual([paused.body.clock.paused, paused.body.clock.pausedWorkingDays, paused.body.clock.dueDate], [true, 2, '2026-11-11']);
    const resubmitted = await request(t.app)
      .post(`/api/applications/${no}/resubmit`)
      .set('Cookie', t.cookie('citizen-a'))
      .field('name', '张三')
      .field('phone', '13800138000')
      .field('kind', 'C1')
      .attach('medical', Buffer.from('%PDF-1.4\n%new\n'), '新体检证明.pdf')
      .expect(200);
    assert.equal(resubmitted.body.stage, 'submitted');
    assert.equal(resubmitted.body.clock.paused, false);
    assert.equal(resubmitted.body.clock.dueDate, '2026-11-11');
    assert.equal(resubmitted.body.attachments.find((a: { name: string }) => a.name === 'medical').originalName, '新体检证明.pdf');
    assert.equal(resubmitted.body.attachments.length, 2);
  });

  it('hides another department’s applications from its staff (404) and lists only its own', async () => {
    const other = await t.staff('shebao');
    await request(t.app).get(`/api/applications/${no}`).set('Authorization', `Bearer ${other}`).expect(404);
    await move(t, other, no, 'accepted').expect(404);
    await submitFields(t, 'shebao/bukaban', { cardType: 'normal' });
    const list = await request(t.app).get('/api/staff/applications').set('Authorization', `Bearer ${other}`).expect(200);
    assert.deepEqual(list.body.applications.map((a: { department: string }) => a.department), ['shebao']);
  });

  it('filters the staff list by stage', async () => {
    await move(t, staff, no, 'accepted').expect(200);
    const accepted = await request(t.app).get('/api/staff/applications?stage=accepted').set('Authorization', `Bearer ${staff}`).expect(200);
    assert.equal(accepted.body.applications.length, 1);
    const submitted = await request(t.app).get('/api/staff/applications?stage=submitted').set('Authorization', `Bearer ${staff}`).expect(200);
    assert.equal(submitted.body.applications.length, 0);
  });

  it('records the notice in the notifications log when WeChat is not configured', async () => {
    await move(t, staff, no, 'accepted').expect(200);
    const notes = await t.deps.store.log<NotificationRecord>(NOTIFICATIONS).read();
    const last = notes.at(-1)!;
    assert.deepEqual([last.status, last.openid, last.templateId, last.data.keyword3?.value], ['recorded', 'citizen-a', 'TPL-PROGRESS', '已受理']);
    assert.equal(last.url, `http://localhost:3000/me/applications/${no}`);
  });
});

describe('progress: template message through the WeChat client', () => {
  const WX = 'https://api.weixin.qq.com';
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  it('sends message/template/send with touser, template_id, url and data', async () => {
    const wechat = createWechatClient({ appId: 'wx1234567890abcdef', secret: 'S', tokenStore: createMemoryTokenStore() });
    const t = createTestApp({ wechat });
    try {
      const staff = await t.staff('shebao');
      const no = await submitFields(t, 'shebao/bukaban', { cardType: 'normal' });
      // Set after submitting, so only the acceptance notice goes out.
      t.deps.live.current().services.find((s) => s.ref === 'shebao/bukaban')!.steps.progress!.notifyTemplateId = 'TPL-1';
      let sent: Record<string, unknown> | undefined;
      const scope = nock(WX)
        .get('/cgi-bin/token').query(true).reply(200, { access_token: 'TOKEN', expires_in: 7200 })
        .post('/cgi-bin/message/template/send', (body) => ((sent = body), true)).query({ access_token: 'TOKEN' })
        .reply(200, { errcode: 0, errmsg: 'ok', msgid: 200228332 });
      await move(t, staff, no, 'accepted').expect(200);
      assert.ok(scope.isDone());
      assert.equal(sent!.touser, 'citizen-a');
      assert.equal(sent!.template_id, 'TPL-1');
      assert.equal(sent!.url, `http://localhost:3000/me/applications/${no}`);
      assert.deepEqual((sent!.data as Record<string, { value: string }>).keyword3, { value: '已受理' });
      const log = await t.deps.store.log<NotificationRecord>(NOTIFICATIONS).read();
      assert.equal(log.at(-1)!.status, 'sent');
    } finally {
      t.cleanup();
    }
  });
});
