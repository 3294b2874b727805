import assert from 'node:assert/strict';
import request from 'supertest';
import { type NoticeRecord, recordDeliveryEvent } from '../../server/notices/index.js';
import type { WechatMessage } from '../../server/wechat/xml.js';
import { noticeHarness, type NoticeHarness } from './notice-harness.js';

const violation = (extra: Record<string, unknown> = {}) => ({
  to: { applicationNo: 'JJ-20261201-0001' },
  notice: 'weifa-tongzhi',
  data: { plate: '鄂A12345', time: '2026-11-18 08:12', place: '江城大道与建设路交叉口', behavior: '不按交通信号灯通行' },
  idempotencyKey: 'tmri-violation-1001',
  ...extra,
});

/** A citizen with an application at a department: the department's own citizen. */
async function applicant(h: NoticeHarness, no: string, openid: string, department: string) {
  await h.store.collection('applications', { indexes: ['openid', 'department'] }).insert({ id: no, no, openid, department, service: `${department}/x` } as never);
}

const event = (openid: string, fields: Record<string, unknown>): WechatMessage => ({ toUser: 'gh_city', fromUser: openid, createTime: '1764640000', msgType: 'event', event: String(fields.Event), raw: fields });

describe('POST /api/staff/notices', () => {
  let h: NoticeHarness;
  let jiaojing: string;
  let renshe: string;

  beforeEach(async () => {
    h = await noticeHarness();
    jiaojing = await h.staff('jiaojing');
    renshe = await h.staff('renshe', '社保系统');
    await applicant(h, 'JJ-20261201-0001', 'oCitizenA', 'jiaojing');
    await applicant(h, 'RS-20261201-0001', 'oCitizenB', 'renshe');
  });
  const push = (token: string, body: unknown) => request(h.app).post('/api/staff/notices').set('Authorization', `Bearer ${token}`).send(body as object);

  it('accepts a notice for one of its citizens, sends it as a template message with client_msg_id and lists it in 我的消息', async () => {
    const res = await push(jiaojing, violation()).expect(202);
    assert.match(res.body.id, /^p-[0-9a-f]{32}-0$/);
    assert.equal((await request(h.app).get(`/api/staff/notices/${res.body.id}`).set('Authorization', `Bearer ${jiaojing}`).expect(200)).body.state, 'queued');
    await h.deliver();
    assert.deepEqual(h.wechat.templateMessages, [
      {
        touser: 'oCitizenA',
        templateId: 'TM_VIOLATION_0001',
        url: `https://city.example/me/messages/${res.body.id}`,
        clientMsgId: res.body.id,
        data: { keyword1: { value: '鄂A12345' }, keyword2: { value: '2026-11-18 08:12' }, keyword3: { value: '江城大道与建设路交叉口' }, keyword4: { value: '不按交通信号灯通行' } },
      },
    ]);
    const status = (await request(h.app).get(`/api/staff/notices/${res.body.id}`).set('Authorization', `Bearer ${jiaojing}`).expect(200)).body;
    assert.equal(status.state, 'sent');
    assert.equal(status.stateName, '已发送');
    const page = await request(h.app).get('/me/messages').set('Cookie', h.cookie('oCitizenA')).expect(200);
    assert.match(page.text, /交通违法通知/);
    assert.match(page.text, /车牌号码：鄂A12345/);
  });

  it('reaches only its own citizens: another department’s application, an unknown openid and a stranger all answer 404 alike', async () => {
    const other = await push(renshe, violation({ notice: 'weifa-tongzhi' })).expect(404);
    assert.equal(other.body.code, 'NOT_FOUND');
    await push(jiaojing, violation({ to: { applicationNo: 'RS-20261201-0001' } })).expect(404);
    const stranger = await push(jiaojing, violation({ to: { openid: 'oCitizenB' } })).expect(404);
    const unknown = await push(jiaojing, violation({ to: { openid: 'oNobodyAtAll' }, idempotencyKey: 'k2' })).expect(404);
    assert.equal(stranger.body.message, unknown.body.message);
    assert.equal(h.wechat.templateMessages.length, 0);
  });

  it('hides one department’s notices from another department’s staff', async () => {
    const { body } = await push(jiaojing, violation()).expect(202);
    await request(h.app).get(`/api/staff/notices/${body.id}`).set('Authorization', `Bearer ${renshe}`).expect(404);
    const log = await request(h.app).get('/api/staff/notices').set('Authorization', `Bearer ${renshe}`).expect(200);
    assert.deepEqual(log.body.notices, []);
    const own = await request(h.app).get('/api/staff/notices').set('Authorization', `Bearer ${jiaojing}`).expect(200);
    assert.equal(own.body.notices.length, 1);
    assert.doesNotMatch(JSON.stringify(own.body), /oCitizenA/);
  });

  it('refuses an unauthenticated push', async () => {
    await request(h.app).post('/api/staff/notices').send(violation()).expect(401);
  });

  it('sends a notice once however often the same idempotency key is pushed', async () => {
    const first = await push(jiaojing, violation()).expect(202);
    await h.deliver();
    const again = await push(jiaojing, violation()).expect(202);
    assert.equal(again.body.id, first.body.id);
    assert.equal(again.body.duplicate, true);
    await Promise.all([push(jiaojing, violation()), push(jiaojing, violation())]);
    await h.deliver();
    assert.equal(h.wechat.templateMessages.length, 1);
  });

  it('refuses the same idempotency key for different content with 409', async () => {
    await push(jiaojing, violation()).expect(202);
    const res = await push(jiaojing, violation({ data: { ...violation().data, place: '解放大道' } })).expect(409);
    assert.equal(res.body.code, 'CONFLICT');
  });

  const ruleCases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['a field over 20 characters', { place: '江城大道与建设路交叉口往北约二百米处的公交站台旁' }, /违法地点”有 24 个字，超过上限 20 个字/],
    ['a line break', { behavior: '不按交通信号灯\n通行' }, /违法行为”不能换行/],
    ['a missing field', { plate: undefined }, /缺少“车牌号码”/],
    ['a field the type does not have', { remark: '请及时处理' }, /没有字段“remark”/],
  ];
  for (const [name, change, message] of ruleCases) {
    it(`refuses ${name} with a Chinese detail naming the field`, async () => {
      const data: Record<string, unknown> = { ...violation().data, ...change };
      for (const k of Object.keys(data)) if (data[k] === undefined) delete data[k];
      const res = await push(jiaojing, violation({ data })).expect(400);
      assert.equal(res.body.code, 'VALIDATION');
      assert.match(res.body.details.map((d: { message: string }) => d.message).join(' '), message);
    });
  }

  it('refuses a notice type the department did not declare', async () => {
    const res = await push(jiaojing, violation({ notice: 'shebao-tongzhi' })).expect(404);
    assert.match(res.body.message, /没有通知类型“shebao-tongzhi”/);
  });

  it('retries a busy WeChat with backoff and gives up at once on a citizen who unfollowed', async () => {
    h.wechat.failures = [-1];
    const busy = await push(jiaojing, violation()).expect(202);
    await h.deliver();
    let status = (await request(h.app).get(`/api/staff/notices/${busy.body.id}`).set('Authorization', `Bearer ${jiaojing}`)).body;
    assert.equal(status.state, 'retrying');
    assert.match(status.error.reason, /稍后自动重试/);
    h.clock.now = new Date(h.clock.now.getTime() + 60_000);
    await h.deliver();
    status = (await request(h.app).get(`/api/staff/notices/${busy.body.id}`).set('Authorization', `Bearer ${jiaojing}`)).body;
    assert.equal(status.state, 'sent');
    assert.equal(status.attempts, 2);

    h.wechat.failures = [43004];
    const gone = await push(jiaojing, violation({ idempotencyKey: 'tmri-violation-1002' })).expect(202);
    await h.deliver();
    h.clock.now = new Date(h.clock.now.getTime() + 3_600_000);
    await h.deliver();
    status = (await request(h.app).get(`/api/staff/notices/${gone.body.id}`).set('Authorization', `Bearer ${jiaojing}`)).body;
    assert.equal(status.state, 'failed');
    assert.equal(status.attempts, 1);
    assert.match(status.error.reason, /未关注或已取消关注/);
    // The citizen still finds it in 我的消息.
    const page = await request(h.app).get('/me/messages').set('Cookie', h.cookie('oCitizenA')).expect(200);
    assert.equal((page.text.match(/交通违法通知/g) ?? []).length, 2);
  });

  it('holds a push made in quiet hours until they end', async () => {
    h.clock.now = new Date('2026-12-02T23:30:00+08:00');
    const { body } = await push(jiaojing, violation()).expect(202);
    await h.deliver();
    assert.equal(h.wechat.templateMessages.length, 0);
    const status = (await request(h.app).get(`/api/staff/notices/${body.id}`).set('Authorization', `Bearer ${jiaojing}`)).body;
    assert.equal(status.nextAttemptAt, new Date('2026-12-03T08:00:00+08:00').toISOString());
    h.clock.now = new Date('2026-12-03T07:59:00+08:00');
    await h.deliver();
    assert.equal(h.wechat.templateMessages.length, 0);
    h.clock.now = new Date('2026-12-03T08:00:00+08:00');
    await h.deliver();
    assert.equal(h.wechat.templateMessages.length, 1);
  });

  it('uses the long-term subscription notice where declared and falls back to the template message on 43101', async () => {
    const reminder = { to: { openid: 'oCitizenA' }, notice: 'nianjian-tixing', data: { plate: '鄂A12345', due: '2027-01-15' }, idempotencyKey: 'nj-1' };
    await push(jiaojing, reminder).expect(202);
    await h.deliver();
    assert.deepEqual(h.wechat.subscriptionMessages.map((m) => [m.templateId, m.data]), [
      ['SUB_DUE_REMINDER_0001', { thing1: { value: '机动车检验有效期即将到期' }, character_string2: { value: '鄂A12345' }, date3: { value: '2027-01-15' } }],
    ]);
    h.wechat.noSubscription = true;
    await push(jiaojing, { ...reminder, idempotencyKey: 'nj-2' }).expect(202);
    await h.deliver();
    assert.deepEqual(h.wechat.templateMessages.map((m) => m.templateId), ['TM_DUE_REMINDER_0001']);
  });

  it('marks a notice delivered or failed from WeChat’s delivery events', async () => {
    const a = await push(jiaojing, violation()).expect(202);
    const b = await push(jiaojing, violation({ idempotencyKey: 'tmri-violation-1003' })).expect(202);
    await h.deliver();
    await recordDeliveryEvent(h.deps, event('oCitizenA', { Event: 'TEMPLATESENDJOBFINISH', MsgID: '1000', Status: 'success' }));
    await recordDeliveryEvent(h.deps, event('oCitizenA', { Event: 'TEMPLATESENDJOBFINISH', MsgID: '1001', Status: 'failed:user block' }));
    const get = async (id: string) => (await request(h.app).get(`/api/staff/notices/${id}`).set('Authorization', `Bearer ${jiaojing}`)).body;
    assert.equal((await get(a.body.id)).state, 'delivered');
    const failed = await get(b.body.id);
    assert.equal(failed.state, 'failed');
    assert.match(failed.error.reason, /拒收/);
  });

  it('ignores a delivery event for another citizen’s msgid', async () => {
    const a = await push(jiaojing, violation()).expect(202);
    await h.deliver();
    await recordDeliveryEvent(h.deps, event('oSomeoneElse', { Event: 'TEMPLATESENDJOBFINISH', MsgID: '1000', Status: 'failed:user block' }));
    assert.equal((await request(h.app).get(`/api/staff/notices/${a.body.id}`).set('Authorization', `Bearer ${jiaojing}`)).body.state, 'sent');
  });
});

describe('a subscription send interrupted by a crash', () => {
  const reminder = { to: { applicationNo: 'JJ-20261201-0001' }, notice: 'nianjian-tixing', data: { plate: '鄂A12345', due: '2027-01-15' }, idempotencyKey: 'nj-crash' };
  let h: NoticeHarness;
  let id: string;
  let since: number;
  beforeEach(async () => {
    h = await noticeHarness();
    await applicant(h, 'JJ-20261201-0001', 'oCitizenA', 'jiaojing');
    const token = await h.staff('jiaojing');
    id = (await request(h.app).post('/api/staff/notices').set('Authorization', `Bearer ${token}`).send(reminder).expect(202)).body.id;
    // What a process killed inside bizsend leaves: the notice says sending, the job is claimable again.
    since = h.clock.now.getTime();
    await h.store.collection<NoticeRecord>('notices').update(id, (n) => ({ ...n, state: 'sending', attempts: 1, inFlight: { channel: 'subscription', at: since } }));
  });
  const state = async () => (await h.store.collection<NoticeRecord>('notices').get(id))!;

  it('takes WeChat’s report as the outcome instead of sending again', async () => {
    const sub = { Event: 'subscribe_msg_sent_event', SubscribeMsgSentEvent: { List: { TemplateId: 'SUB_DUE_REMINDER_0001', MsgID: '2931466548461649920', ErrorCode: '0', ErrorStatus: 'success' } } };
    await recordDeliveryEvent(h.deps, event('oCitizenA', sub));
    await h.deliver();
    assert.equal(h.wechat.subscriptionMessages.length + h.wechat.templateMessages.length, 0);
    const n = await state();
    assert.deepEqual([n.state, n.channel, n.msgid], ['delivered', 'subscription', '2931466548461649920']);
  });

  it('waits for a late report, then sends once more as a template message (client_msg_id) when none came', async () => {
    h.clock.now = new Date(since + 10_000);
    await h.deliver();
    assert.equal((await state()).state, 'sending');
    assert.equal(h.wechat.subscriptionMessages.length + h.wechat.templateMessages.length, 0);
    h.clock.now = new Date(since + 121_000);
    await h.deliver();
    assert.equal(h.wechat.subscriptionMessages.length, 0);
    assert.deepEqual(h.wechat.templateMessages.map((m) => [m.templateId, m.clientMsgId]), [['TM_DUE_REMINDER_0001', id]]);
    assert.equal((await state()).state, 'sent');
  });
});

describe('POST /api/staff/notices to a binding', () => {
  it('reaches every citizen who bound the vehicle with the department, and nobody for another department', async () => {
    const asked: unknown[] = [];
    const h = await noticeHarness({
      bindingHolders: async (q) => (asked.push(q), q.department === 'jiaojing' && q.kind === 'vehicle' && q.key === '02:鄂A12345' ? ['oOwner', 'oSpouse'] : []),
      bindingDepartments: async (openid) => (openid === 'oOwner' ? ['jiaojing'] : []),
    });
    const jiaojing = await h.staff('jiaojing');
    const res = await request(h.app).post('/api/staff/notices').set('Authorization', `Bearer ${jiaojing}`).send(violation({ to: { binding: { kind: 'vehicle', key: '02:鄂A12345' } } })).expect(202);
    assert.equal(res.body.ids.length, 2);
    await h.deliver();
    assert.deepEqual(h.wechat.templateMessages.map((m) => m.touser).sort(), ['oOwner', 'oSpouse']);
    await request(h.app).post('/api/staff/notices').set('Authorization', `Bearer ${jiaojing}`).send(violation({ to: { binding: { kind: 'vehicle', key: '02:鄂B00000' } }, idempotencyKey: 'k-none' })).expect(404);
    // A binding makes the citizen the department's own: an openid push reaches them too.
    await request(h.app).post('/api/staff/notices').set('Authorization', `Bearer ${jiaojing}`).send(violation({ to: { openid: 'oOwner' }, idempotencyKey: 'k-openid' })).expect(202);
    assert.deepEqual(asked[0], { department: 'jiaojing', kind: 'vehicle', key: '02:鄂A12345' });
  });
});

describe('我的消息 and the violation photo page', () => {
  it('shows the scene photo to the citizen it was sent to, through the connector, and to nobody else', async () => {
    const fetched: Array<[string, string]> = [];
    const h = await noticeHarness({ photos: async (connector, path) => (fetched.push([connector, path]), { type: 'image/png', body: Buffer.from('PNG-BYTES') }) });
    await applicant(h, 'JJ-20261201-0001', 'oCitizenA', 'jiaojing');
    const token = await h.staff('jiaojing');
    const { body } = await request(h.app).post('/api/staff/notices').set('Authorization', `Bearer ${token}`).send(violation({ data: { ...violation().data, photos: ['/photos/v1001.png'] } })).expect(202);
    await h.deliver();
    assert.doesNotMatch(JSON.stringify(h.wechat.templateMessages), /v1001/);
    const detail = await request(h.app).get(`/me/messages/${body.id}`).set('Cookie', h.cookie('oCitizenA')).expect(200);
    assert.match(detail.text, new RegExp(`/me/messages/${body.id}/photos/0`));
    const photo = await request(h.app).get(`/me/messages/${body.id}/photos/0`).set('Cookie', h.cookie('oCitizenA')).expect(200);
    assert.equal(photo.headers['content-type'], 'image/png');
    assert.equal(photo.headers['cache-control'], 'private, no-store');
    assert.deepEqual(fetched, [['jiaojing-tmri', '/photos/v1001.png']]);
    await request(h.app).get(`/me/messages/${body.id}/photos/0`).set('Cookie', h.cookie('oCitizenB')).expect(404);
    await request(h.app).get(`/me/messages/${body.id}`).set('Cookie', h.cookie('oCitizenB')).expect(404);
    assert.equal(fetched.length, 1);
  });

  it('escapes what a department pushed', async () => {
    const h = await noticeHarness();
    await applicant(h, 'JJ-20261201-0001', 'oCitizenA', 'jiaojing');
    const token = await h.staff('jiaojing');
    await request(h.app).post('/api/staff/notices').set('Authorization', `Bearer ${token}`).send(violation({ data: { ...violation().data, behavior: '<script>x</script>' } })).expect(202);
    const page = await request(h.app).get('/me/messages').set('Cookie', h.cookie('oCitizenA')).expect(200);
    assert.doesNotMatch(page.text, /<script>x/);
    assert.match(page.text, /&lt;script&gt;x/);
  });

  it('sends an anonymous visitor to sign in', async () => {
    const h = await noticeHarness();
    const res = await request(h.app).get('/me/messages').expect(302);
    assert.match(res.headers.location!, /^\/auth\/local\?next=%2Fme%2Fmessages$/);
  });
});
