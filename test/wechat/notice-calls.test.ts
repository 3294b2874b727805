// The client's direct calls (fetch) for notices, against nock with WeChat's real shapes and
// error codes: stable_token (normal mode, force refresh within its limits, the classic token as
// fallback), template send with client_msg_id, and bizsend.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { createWechatClient } from '../../server/wechat/wechat-client.js';
import { createMemoryTokenStore } from '../../server/wechat/token-store.js';
import { rejection } from './wechat-assertions.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/wechat/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
const fixtureText = (name: string) => readFileSync(new URL(`../fixtures/wechat/${name}.json`, import.meta.url), 'utf8');
const WX = 'https://api.weixin.qq.com';
const creds = { appId: 'wx1234567890abcdef', secret: 'SECRET' };
const stableBody = (force: boolean) => ({ grant_type: 'client_credential', appid: creds.appId, secret: creds.secret, force_refresh: force });
const tokenQuery = { grant_type: 'client_credential', appid: creds.appId, secret: creds.secret };
const message = { touser: 'oCitizen1', templateId: 'TM_VIOLATION', url: 'https://city.example/me/messages/n1', clientMsgId: 'n1', data: { keyword1: { value: '鄂A12345' } } };

describe('createWechatClient: notice calls', () => {
  let clock: number;
  const client = (tokenStore = createMemoryTokenStore()) => createWechatClient({ ...creds, tokenStore, now: () => clock });

  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  beforeEach(() => void (clock = Date.now()));
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  it('takes the token from stable_token in normal mode and sends a template message with client_msg_id', async () => {
    const scope = nock(WX)
      .post('/cgi-bin/stable_token', stableBody(false)).reply(200, fixture('stable-token'))
      .post('/cgi-bin/message/template/send', { touser: 'oCitizen1', template_id: 'TM_VIOLATION', url: message.url, client_msg_id: 'n1', data: message.data })
      .query({ access_token: 'STABLE_TOKEN_1' }).reply(200, fixture('template-send-msgid'));
    const tokens = createMemoryTokenStore();
    assert.deepEqual(await client(tokens).sendTemplateMessage!(message), { msgid: '200228332' });
    assert.equal((await tokens.get())?.source, 'stable');
    assert.ok(scope.isDone());
  });

  it('fails a direct call that outlasts timeoutMs, is redirected or loses its connection with errcode -1', async () => {
    const tokens = createMemoryTokenStore();
    await tokens.save({ accessToken: 'T', expireTime: clock + 3_600_000, source: 'stable' });
    const quick = createWechatClient({ ...creds, tokenStore: tokens, now: () => clock, timeoutMs: 100 });
    const scope = nock(WX)
      .post('/cgi-bin/message/template/send').query({ access_token: 'T' }).delay(2_000).reply(200, fixture('template-send-msgid'))
      .post('/cgi-bin/message/template/send').query({ access_token: 'T' }).reply(302, '', { location: 'https://elsewhere.example/' })
      .post('/cgi-bin/message/template/send').query({ access_token: 'T' }).replyWithError('socket hang up');
    const started = Date.now();
    await assert.rejects(quick.sendTemplateMessage!(message), (e: { errcode?: number; message: string }) => e.errcode === -1 && /timeout/.test(e.message));
    assert.ok(Date.now() - started < 1_500, 'the timeout ends the call');
    await assert.rejects(quick.sendTemplateMessage!(message), (e: { errcode?: number; message: string }) => e.errcode === -1 && /redirect/.test(e.message));
    await assert.rejects(quick.sendTemplateMessage!(message), (e: { errcode?: number; message: string }) => e.errcode === -1 && /socket hang up/.test(e.message));
    assert.ok(scope.isDone());
  });

  it('falls back to the classic token when stable_token fails', async () => {
    const scope = nock(WX)
      .post('/cgi-bin/stable_token').reply(200, fixture('system-busy'))
      .get('/cgi-bin/token').query(tokenQuery).reply(200, fixture('token'))
      .post('/cgi-bin/message/template/send').query({ access_token: 'ACCESS_TOKEN_1' }).reply(200, fixture('template-send-msgid'));
    const tokens = createMemoryTokenStore();
    await client(tokens).sendTemplateMessage!(message);
    assert.equal((await tokens.get())?.source, 'classic');
    assert.ok(scope.isDone());
  });

  it('force-refreshes a stable token WeChat refused, then retries the send once', async () => {
    const scope = nock(WX)
      .post('/cgi-bin/stable_token', stableBody(false)).reply(200, fixture('stable-token'))
      .post('/cgi-bin/message/template/send').query({ access_token: 'STABLE_TOKEN_1' }).reply(200, fixture('token-invalid-40001'))
      .post('/cgi-bin/stable_token', stableBody(true)).reply(200, fixture('stable-token-forced'))
      .post('/cgi-bin/message/template/send').query({ access_token: 'STABLE_TOKEN_2' }).reply(200, fixture('template-send-msgid'));
    const tokens = createMemoryTokenStore();
    await client(tokens).sendTemplateMessage!(message);
    assert.equal((await tokens.get())?.forcedAt?.length, 1);
    assert.ok(scope.isDone());
  });

  it('uses the classic token instead of a second force refresh within 30 seconds', async () => {
    const tokens = createMemoryTokenStore();
    await tokens.save({ accessToken: 'STABLE_TOKEN_2', expireTime: clock + 3_600_000, source: 'stable', forcedAt: [clock - 10_000] });
    const scope = nock(WX)
      .post('/cgi-bin/message/template/send').query({ access_token: 'STABLE_TOKEN_2' }).reply(200, fixture('token-invalid-40001'))
      .get('/cgi-bin/token').query(tokenQuery).reply(200, fixture('token'))
      .post('/cgi-bin/message/template/send').query({ access_token: 'ACCESS_TOKEN_1' }).reply(200, fixture('template-send-msgid'));
    await client(tokens).sendTemplateMessage!(message);
    const stored = await tokens.get();
    assert.equal(stored?.source, 'classic');
    assert.deepEqual(stored?.forcedAt, [clock - 10_000]);
    assert.ok(scope.isDone());
  });

  it('does not force-refresh past 20 a day', async () => {
    const tokens = createMemoryTokenStore();
    const forcedAt = Array.from({ length: 20 }, (_, i) => clock - 3_600_000 + i * 60_000);
    await tokens.save({ accessToken: 'STABLE_TOKEN_2', expireTime: clock + 3_600_000, source: 'stable', forcedAt });
    const scope = nock(WX)
      .post('/cgi-bin/message/template/send').query({ access_token: 'STABLE_TOKEN_2' }).reply(200, fixture('token-expired-42001'))
      .get('/cgi-bin/token').query(tokenQuery).reply(200, fixture('token'))
      .post('/cgi-bin/message/template/send').query({ access_token: 'ACCESS_TOKEN_1' }).reply(200, fixture('template-send-msgid'));
    await client(tokens).sendTemplateMessage!(message);
    assert.ok(scope.isDone());
  });

  it('reports 43004 (not following) as a WechatApiError with its code', async () => {
    const scope = nock(WX)
      .post('/cgi-bin/stable_token').reply(200, fixture('stable-token'))
      .post('/cgi-bin/message/template/send').query(true).reply(200, fixture('template-send-43004'));
    const err = await rejection(client().sendTemplateMessage!(message));
    assert.equal(err.errcode, 43004);
    assert.match(err.message, /未关注/);
    assert.ok(scope.isDone());
  });

  it('sends a subscription notice through bizsend and keeps its 64-bit msgid exactly', async () => {
    const data = { thing1: { value: '机动车年检' }, date2: { value: '2027-01-15' } };
    const scope = nock(WX)
      .post('/cgi-bin/stable_token').reply(200, fixture('stable-token'))
      .post('/cgi-bin/message/subscribe/bizsend', { touser: 'oCitizen1', template_id: 'SUB_INSPECTION', page: 'https://city.example/me/messages/n2', data })
      .query({ access_token: 'STABLE_TOKEN_1' }).reply(200, fixtureText('bizsend-ok'), { 'content-type': 'application/json' });
    const sent = await client().sendSubscriptionMessage!({ touser: 'oCitizen1', templateId: 'SUB_INSPECTION', page: 'https://city.example/me/messages/n2', data });
    assert.deepEqual(sent, { msgid: '2931466548461649920' });
    assert.ok(scope.isDone());
  });

  it('reports 43101 when the citizen has no subscription left', async () => {
    const scope = nock(WX)
      .post('/cgi-bin/stable_token').reply(200, fixture('stable-token'))
      .post('/cgi-bin/message/subscribe/bizsend').query(true).reply(200, fixture('bizsend-43101'));
    const err = await rejection(client().sendSubscriptionMessage!({ touser: 'oCitizen1', templateId: 'SUB_INSPECTION', data: {} }));
    assert.equal(err.errcode, 43101);
    assert.match(err.message, /订阅/);
    assert.ok(scope.isDone());
  });
});
