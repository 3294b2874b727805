// 消息推送: staff see their departments' delivery log, the platform team every department's with
// failure reasons in Chinese; citizens appear masked.
import assert from 'node:assert/strict';
import type { NoticeRecord } from '../../server/notices/index.js';
import { noticesOf } from '../../server/notices/index.js';
import { addTestUsers, createHarness, type Harness, login, USERS } from './harness.js';

function notice(id: string, department: string, state: NoticeRecord['state'], reason?: string): NoticeRecord {
  return {
    id,
    source: 'push',
    department,
    notice: `${department}/tongzhi`,
    title: department === 'jiaojing' ? '交通违法通知' : '社保缴费提醒',
    openid: `oCitizen-${id}`,
    fields: [],
    wechat: {},
    url: 'https://city.example/me/messages/x',
    state,
    attempts: 1,
    history: [],
    createdAt: '2026-12-02T02:00:00.000Z',
    ...(reason ? { error: { code: 43004, reason } } : {}),
  };
}

describe('/console/work/notices', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
    await addTestUsers(h.store);
    await noticesOf(h.store).insert(notice('n-jj-1', 'jiaojing', 'sent'));
    await noticesOf(h.store).insert(notice('n-jj-2', 'jiaojing', 'failed', '市民未关注或已取消关注公众号，无法接收'));
    await noticesOf(h.store).insert(notice('n-sb-1', 'shebao', 'failed', '今日模板消息额度已用完，明天自动重试'));
  });

  it('shows department staff only their own department’s notices, citizens masked', async () => {
    const { agent } = await login(h.app, USERS.jjStaff.username);
    const page = await agent.get('/console/work/notices').expect(200);
    assert.match(page.text, /notice-n-jj-1/);
    assert.match(page.text, /市民未关注或已取消关注公众号/);
    assert.doesNotMatch(page.text, /n-sb-1|额度已用完/);
    assert.doesNotMatch(page.text, /oCitizen-n-jj-1/);
  });

  it('shows the platform team every department’s failures with their reasons', async () => {
    const { agent } = await login(h.app, USERS.platform.username);
    const page = await agent.get('/console/work/notices?state=failed').expect(200);
    assert.match(page.text, /notice-n-jj-2/);
    assert.match(page.text, /notice-n-sb-1/);
    assert.match(page.text, /今日模板消息额度已用完/);
    assert.doesNotMatch(page.text, /notice-n-jj-1"/);
  });

  it('sends a visitor without a session to sign in', async () => {
    const { default: request } = await import('supertest');
    const res = await request(h.app).get('/console/work/notices');
    assert.equal(res.status, 303);
  });
});
