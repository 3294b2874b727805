// A city of several accounts: a citizen's openid belongs to the account they came through, so a
// notice or reminder for a citizen of another account than the primary is composed with that
// account's template ids and sent through its client; an account that cannot send it (a
// subscription account has no template messages) keeps it in 我的消息 only.
import assert from 'node:assert/strict';
import request from 'supertest';
import type { AccountBuild } from '../../server/builder/types.js';
import { type NoticeRecord, planReminders } from '../../server/notices/index.js';
import { FakeNoticeClient } from '../fakes/fake-notice-client.js';
import { noticeHarness, type NoticeHarness, sampleCity } from './notice-harness.js';
import { createCityApp } from '../accounts/harness.js';
import { sampleCity as sampleCityFiles } from '../accounts/city-fixture.js';
import { createStaffToken } from '../../server/desk/staff-tokens.js';

const violation = (to: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  to,
  notice: 'weifa-tongzhi',
  data: { plate: '鄂A12345', time: '2026-11-02 09:20', place: '二环线（长江大桥段）', behavior: '限行时段驶入限行区域' },
  idempotencyKey: 'tmri-acc-1',
  ...extra,
});

/** A second service account with its own template ids, and a subscription account without notices. */
async function siblings() {
  const primary = await sampleCity();
  const service: AccountBuild = {
    ...primary,
    account: { ...primary.account, id: 'fuwu', type: 'service' },
    notices: primary.notices!.map((n) => ({ ...n, template: { ...n.template, templateId: `FUWU_${n.template.templateId}` }, subscription: undefined })),
  };
  const subscription: AccountBuild = { ...primary, account: { ...primary.account, id: 'chuxing', type: 'subscription' }, notices: [], reminders: [] };
  return { fuwu: { client: new FakeNoticeClient(), build: service }, chuxing: { client: new FakeNoticeClient(), build: subscription } };
}

describe('notices in a city of several accounts', () => {
  let h: NoticeHarness;
  let others: Awaited<ReturnType<typeof siblings>>;
  let token: string;
  const stored = async (openid: string) => (await h.store.collection<NoticeRecord>('notices').findBy('openid', openid))[0]!;

  beforeEach(async () => {
    others = await siblings();
    h = await noticeHarness({
      bindingHolders: async () => [{ openid: 'oMain' }, { openid: 'oFuwu', account: 'fuwu' }, { openid: 'oChuxing', account: 'chuxing' }],
      bindingDepartments: async (openid) => (openid.startsWith('o') ? ['jiaojing'] : []),
    });
    h.deps.accountOf = (id) => {
      const found = others[id as keyof typeof others];
      if (!found) throw new Error(`no account ${id}`);
      return found;
    };
    token = await h.staff('jiaojing');
  });

  it('sends a push to each holder through the account their openid belongs to', async () => {
    const res = await request(h.app).post('/api/staff/notices').set('Authorization', `Bearer ${token}`).send(violation({ binding: { kind: 'vehicle', key: '02:鄂A12345' } })).expect(202);
    assert.equal(res.body.ids.length, 3);
    await h.deliver();
    assert.deepEqual(h.wechat.templateMessages.map((m) => [m.touser, m.templateId]), [['oMain', 'TM_VIOLATION_0001']]);
    assert.deepEqual(others.fuwu.client.templateMessages.map((m) => [m.touser, m.templateId]), [['oFuwu', 'FUWU_TM_VIOLATION_0001']]);
    assert.equal(others.chuxing.client.templateMessages.length + others.chuxing.client.subscriptionMessages.length, 0);
    assert.equal((await stored('oFuwu')).account, 'fuwu');
    assert.equal((await stored('oMain')).account, undefined);
    const kept = await stored('oChuxing');
    assert.equal(kept.state, 'recorded');
    assert.match(kept.history.at(-1)!.note!, /chuxing.*我的消息/);
    // The subscription account's citizen still reads it in 我的消息.
    const page = await request(h.app).get('/me/messages').set('Cookie', h.cookie('oChuxing')).expect(200);
    assert.match(page.text, /交通违法/);
  });

  it('sends to an openid of another account when the push names the account, and refuses an unknown one', async () => {
    await request(h.app).post('/api/staff/notices').set('Authorization', `Bearer ${token}`).send(violation({ openid: 'oFuwu' }, { account: 'fuwu' })).expect(202);
    await h.deliver();
    assert.deepEqual(others.fuwu.client.templateMessages.map((m) => m.touser), ['oFuwu']);
    assert.equal(h.wechat.templateMessages.length, 0);
    await request(h.app).post('/api/staff/notices').set('Authorization', `Bearer ${token}`).send(violation({ openid: 'oFuwu' }, { account: 'Not An Id', idempotencyKey: 'k-2' })).expect(400);
  });

  it('reminds a citizen who bound through another account through that account', async () => {
    h.deps.dueBindings = async function* (q) {
      if (q.kind === 'vehicle') yield [{ openid: 'oFuwu', account: 'fuwu', key: '02:鄂A12345', fields: { plateType: '02', plateNumber: '鄂A12345' }, data: { inspectionDue: '2026-12-09' } }];
    };
    const result = await planReminders(h.deps);
    await h.deliver();
    assert.equal(result.planned, 1);
    assert.equal(h.wechat.templateMessages.length + h.wechat.subscriptionMessages.length, 0);
    assert.deepEqual(others.fuwu.client.templateMessages.map((m) => [m.touser, m.templateId]), [['oFuwu', 'FUWU_TM_DUE_REMINDER_0001']]);
    assert.equal((await stored('oFuwu')).account, 'fuwu');
  });
});

describe('notices wired by the app from the account registry', () => {
  it('addresses an application made through a subscription account to that account, kept in 我的消息 only', async () => {
    const city = createCityApp(await sampleCityFiles());
    await city.store.collection('applications', { indexes: ['openid', 'department'] }).insert({ id: 'JJ-9', no: 'JJ-9', openid: 'oChuxing', department: 'jiaojing', account: 'chuxing' } as never);
    await city.store.collection('applications', { indexes: ['openid', 'department'] }).insert({ id: 'JJ-8', no: 'JJ-8', openid: 'oPrimary', department: 'jiaojing' } as never);
    const token = await createStaffToken(city.store, 'jiaojing', '违法处理系统');
    const push = (no: string) => request(city.app).post('/api/staff/notices').set('Authorization', `Bearer ${token}`).send(violation({ applicationNo: no }, { idempotencyKey: `k-${no}` })).expect(202);
    const other = (await push('JJ-9')).body.id as string;
    const own = (await push('JJ-8')).body.id as string;
    const notices = city.store.collection<NoticeRecord>('notices');
    const [sibling, primary] = [await notices.get(other), await notices.get(own)];
    assert.equal(sibling!.account, 'chuxing');
    assert.deepEqual(sibling!.wechat, {}); // a subscription account has no template messages
    assert.equal(primary!.account, undefined);
    assert.equal(primary!.wechat.template?.templateId, 'TM_VIOLATION_0001');
  });
});
