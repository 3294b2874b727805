import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { createWechatClient } from '../../server/wechat/wechat-client.js';
import { createMemoryTokenStore, createStoreTokenStore } from '../../server/wechat/token-store.js';
import type { WechatMenu } from '../../server/builder/types.js';
import { rejection } from './wechat-assertions.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/wechat/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
const WX = 'https://api.weixin.qq.com';
const creds = { appId: 'wx1234567890abcdef', secret: 'SECRET' };
const tokenQuery = { grant_type: 'client_credential', appid: creds.appId, secret: creds.secret };
const menu = fixture('menu') as unknown as WechatMenu;


describe('createWechatClient', () => {
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  it('fetches a token and creates the menu with the exact body', async () => {
    const scope = nock(WX)
      .get('/cgi-bin/token').query(tokenQuery).reply(200, fixture('token'))
      .post('/cgi-bin/menu/create', (body) => { assert.deepEqual(body, menu); return true; })
      .query({ access_token: 'ACCESS_TOKEN_1' }).reply(200, fixture('ok'));
    const client = createWechatClient({ ...creds, tokenStore: createMemoryTokenStore() });
    await client.createMenu(menu);
    assert.ok(scope.isDone());
  });

  it('turns errcode 40018 into a Chinese WechatApiError keeping errcode and errmsg', async () => {
    const scope = nock(WX)
      .get('/cgi-bin/token').query(true).reply(200, fixture('token'))
      .post('/cgi-bin/menu/create').query(true).reply(200, fixture('menu-create-40018'));
    const client = createWechatClient({ ...creds, tokenStore: createMemoryTokenStore() });
    const err = await rejection(client.createMenu(menu));
    assert.equal(err.errcode, 40018);
    assert.match(err.errmsg, /^invalid button name size/);
    assert.match(err.message, /菜单名称长度/);
    assert.equal(err.code, 'WECHAT_API');
    assert.ok(scope.isDone());
  });

  it('refreshes the token after 42001 and retries once', async () => {
    const scope = nock(WX)
      .get('/cgi-bin/token').query(tokenQuery).reply(200, fixture('token'))
      .post('/cgi-bin/menu/create').query({ access_token: 'ACCESS_TOKEN_1' }).reply(200, fixture('token-expired-42001'))
      .get('/cgi-bin/token').query(tokenQuery).reply(200, fixture('token-refreshed'))
      .post('/cgi-bin/menu/create').query({ access_token: 'ACCESS_TOKEN_2' }).reply(200, fixture('ok'));
    const tokenStore = createMemoryTokenStore();
    const client = createWechatClient({ ...creds, tokenStore });
    await client.createMenu(menu);
    assert.ok(scope.isDone());
    assert.equal((await tokenStore.get())?.accessToken, 'ACCESS_TOKEN_2');
  });

  it('retries a token error only once', async () => {
    const scope = nock(WX)
      .get('/cgi-bin/token').query(true).times(2).reply(200, fixture('token'))
      .post('/cgi-bin/menu/create').query(true).times(2).reply(200, fixture('token-invalid-40001'));
    const client = createWechatClient({ ...creds, tokenStore: createMemoryTokenStore() });
    const err = await rejection(client.createMenu(menu));
    assert.equal(err.errcode, 40001);
    assert.match(err.message, /access_token/);
    assert.ok(scope.isDone());
  });

  it('uses the token another process stored instead of fetching a new one', async () => {
    const store = createMemoryStore();
    const tokenStore = createStoreTokenStore(store, creds.appId);
    await tokenStore.save({ accessToken: 'OLD', expireTime: Date.now() + 3_600_000 });
    const scope = nock(WX)
      .post('/cgi-bin/menu/create').query({ access_token: 'OLD' })
      .reply(200, async () => {
        // Meanwhile another server process refreshed and stored its token.
        await tokenStore.save({ accessToken: 'NEWER', expireTime: Date.now() + 3_600_000 });
        return fixture('token-invalid-40001');
      })
      .post('/cgi-bin/menu/create').query({ access_token: 'NEWER' }).reply(200, fixture('ok'));
    await createWechatClient({ ...creds, tokenStore }).createMenu(menu);
    assert.ok(scope.isDone());
  });

  it('fetches the token once for two clients sharing a store', async () => {
    const store = createMemoryStore();
    const scope = nock(WX)
      .get('/cgi-bin/token').query(tokenQuery).once().reply(200, fixture('token'))
      .post('/cgi-bin/menu/create').query({ access_token: 'ACCESS_TOKEN_1' }).times(2).reply(200, fixture('ok'));
    const a = createWechatClient({ ...creds, tokenStore: createStoreTokenStore(store, creds.appId) });
    const b = createWechatClient({ ...creds, tokenStore: createStoreTokenStore(store, creds.appId) });
    await Promise.all([a.createMenu(menu), b.createMenu(menu)]);
    assert.ok(scope.isDone());
    const doc = await store.collection<{ id: string; accessToken: string }>('wechat-tokens').get(creds.appId);
    assert.equal(doc?.accessToken, 'ACCESS_TOKEN_1');
  });

  it('sends a template message with WeChat’s body shape', async () => {
    const data = { first: { value: '您的申请已办结' }, keyword1: { value: 'SQ-2024-0001', color: '#173177' } };
    const scope = nock(WX)
      .get('/cgi-bin/token').query(true).reply(200, fixture('token'))
      .post('/cgi-bin/message/template/send', (body) => {
        assert.deepEqual(body, { touser: 'oOPENID', template_id: 'TPL_ID', url: 'https://city.example/p/1', data });
        return true;
      })
      .query({ access_token: 'ACCESS_TOKEN_1' }).reply(200, fixture('template-send-ok'));
    const client = createWechatClient({ ...creds, tokenStore: createMemoryTokenStore() });
    await client.sendTemplate('oOPENID', 'TPL_ID', 'https://city.example/p/1', data);
    assert.ok(scope.isDone());
  });

  it('sends customer-service text and news messages', async () => {
    const articles = [{ title: '办事指南', description: '社保卡补办', url: 'https://city.example/s/1' }];
    const scope = nock(WX)
      .get('/cgi-bin/token').query(true).reply(200, fixture('token'))
      .post('/cgi-bin/message/custom/send', { touser: 'oOPENID', msgtype: 'text', text: { content: '您好' } })
      .query(true).reply(200, fixture('ok'))
      .post('/cgi-bin/message/custom/send', { touser: 'oOPENID', msgtype: 'news', news: { articles } })
      .query(true).reply(200, fixture('ok'));
    const client = createWechatClient({ ...creds, tokenStore: createMemoryTokenStore() });
    await client.sendText('oOPENID', '您好');
    await client.sendNews('oOPENID', articles);
    assert.ok(scope.isDone());
  });

  it('explains 45015 when the 48-hour window has passed', async () => {
    const scope = nock(WX)
      .get('/cgi-bin/token').query(true).reply(200, fixture('token'))
      .post('/cgi-bin/message/custom/send').query(true).reply(200, fixture('custom-send-45015'));
    const client = createWechatClient({ ...creds, tokenStore: createMemoryTokenStore() });
    const err = await rejection(client.sendText('oOPENID', '您好'));
    assert.equal(err.errcode, 45015);
    assert.match(err.message, /48 小时/);
    assert.ok(scope.isDone());
  });

  it('sends every call to an http:// apiBase', async () => {
    const base = 'http://egress.internal:8080/wechat';
    const scope = nock('http://egress.internal:8080')
      .get('/wechat/cgi-bin/token').query(tokenQuery).reply(200, fixture('token'))
      .post('/wechat/cgi-bin/menu/create').query({ access_token: 'ACCESS_TOKEN_1' }).reply(200, fixture('ok'))
      .get('/wechat/cgi-bin/menu/get').query({ access_token: 'ACCESS_TOKEN_1' }).reply(200, { menu: { button: menu.button } });
    const client = createWechatClient({ ...creds, apiBase: `${base}/`, tokenStore: createMemoryTokenStore() });
    await client.createMenu(menu);
    assert.deepEqual(await client.getMenu(), { menu: { button: menu.button } });
    assert.ok(scope.isDone());
  });

  it('reports a rejected AppSecret in Chinese without calling the API', async () => {
    const scope = nock(WX).get('/cgi-bin/token').query(true).reply(200, fixture('token-invalid-secret'));
    const client = createWechatClient({ ...creds, tokenStore: createMemoryTokenStore() });
    const err = await rejection(client.createMenu(menu));
    assert.equal(err.errcode, 40125);
    assert.match(err.message, /AppSecret/);
    assert.ok(scope.isDone());
  });

  it('keeps WeChat’s errmsg for an unknown errcode', async () => {
    const scope = nock(WX)
      .get('/cgi-bin/token').query(true).reply(200, fixture('token'))
      .post('/cgi-bin/menu/create').query(true).reply(200, { errcode: 99999, errmsg: 'something new' });
    const client = createWechatClient({ ...creds, tokenStore: createMemoryTokenStore() });
    const err = await rejection(client.createMenu(menu));
    assert.equal(err.message, '微信接口返回错误 99999: something new');
    assert.ok(scope.isDone());
  });

  it('gives up on a WeChat that does not answer within the timeout', async () => {
    const scope = nock(WX).get('/cgi-bin/token').query(true).delay(2_000).reply(200, fixture('token'));
    const client = createWechatClient({ ...creds, tokenStore: createMemoryTokenStore(), timeoutMs: 100 });
    const err = await rejection(client.createMenu(menu));
    assert.equal(err.errcode, -1);
    assert.match(err.message, /无法访问微信接口 https:\/\/api\.weixin\.qq\.com/);
    assert.ok(scope.isDone());
  });

  it('turns a network failure into a WechatApiError naming the base', async () => {
    const scope = nock(WX).get('/cgi-bin/token').query(true).replyWithError('socket hang up');
    const client = createWechatClient({ ...creds, tokenStore: createMemoryTokenStore() });
    const err = await rejection(client.createMenu(menu));
    assert.equal(err.errcode, -1);
    assert.match(err.message, /无法访问微信接口 https:\/\/api\.weixin\.qq\.com/);
    assert.ok(scope.isDone());
  });
});
