import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import request from 'supertest';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { Store } from '../../server/store/types.js';
import type { MenuButton, WechatMenu } from '../../server/builder/types.js';
import type { WechatClient } from '../../server/wechat/client-types.js';
import { createWechatClient } from '../../server/wechat/wechat-client.js';
import { createMemoryTokenStore } from '../../server/wechat/token-store.js';
import { createWechatStandin } from '../../server/http/wechat-standin/wechat-standin.js';
import {
  LOCAL_STANDIN_CREDENTIALS,
  readStandinMenu,
  readStandinOutbox,
} from '../../server/wechat/standin/standin-state.js';
import { rejection } from './wechat-assertions.js';

const click = (name: string, key = `k:${name}`): MenuButton => ({ type: 'click', name, key });
const menu: WechatMenu = {
  button: [
    click('出行'),
    { name: '社保就业', sub_button: [click('社保卡补办'), { type: 'view', name: '办事指南', url: 'https://city.example/g' }] },
    { type: 'location_select', name: '附近网点', key: 'loc:nearby' },
  ],
};


describe('createWechatStandin', () => {
  let store: Store;
  let app: express.Express;
  let server: Server;
  let clock: number;
  let client: WechatClient;

  beforeEach(async () => {
    store = createMemoryStore();
    clock = Date.UTC(2025, 2, 3, 2, 0, 0);
    app = express();
    app.use('/_wechat', createWechatStandin(store, { now: () => clock }));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    client = createWechatClient({
      ...LOCAL_STANDIN_CREDENTIALS,
      apiBase: `http://127.0.0.1:${port}/_wechat`,
      tokenStore: createMemoryTokenStore(),
    });
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('accepts a valid menu from the real client and serves it back', async () => {
    await client.createMenu(menu);
    assert.deepEqual(await readStandinMenu(store), menu);
    const got = (await client.getMenu()) as { menu: { button: MenuButton[]; menuid: number } };
    assert.deepEqual(got.menu.button, menu.button);
    assert.equal(typeof got.menu.menuid, 'number');
  });

  it('refuses a four-button menu with 40016 surfaced in Chinese', async () => {
    const err = await rejection(client.createMenu({ button: [...menu.button, click('更多')] }));
    assert.equal(err.errcode, 40016);
    assert.match(err.message, /一级按钮个数/);
    assert.equal(await readStandinMenu(store), null);
  });

  it('answers 46003 for menu/get before any menu exists', async () => {
    const err = await rejection(client.getMenu());
    assert.equal(err.errcode, 46003);
  });

  it('expires tokens after 7200 s and the client recovers with a fresh one', async () => {
    await client.createMenu(menu);
    clock += 7200 * 1000;
    await client.createMenu({ button: [click('出行')] });
    assert.deepEqual(await readStandinMenu(store), { button: [click('出行')] });
  });

  it('keeps a replaced token working for 5 minutes, then answers 40001', async () => {
    const token = async () =>
      (await request(app).get('/_wechat/cgi-bin/token').query({
        grant_type: 'client_credential',
        appid: LOCAL_STANDIN_CREDENTIALS.appId,
        secret: LOCAL_STANDIN_CREDENTIALS.secret,
      })).body as { access_token: string; expires_in: number };
    const first = await token();
    assert.equal(first.expires_in, 7200);
    await token();
    const get = () => request(app).get('/_wechat/cgi-bin/menu/get').query({ access_token: first.access_token });
    assert.equal((await get()).body.errcode, 46003);
    clock += 5 * 60_000 + 1;
    assert.equal((await get()).body.errcode, 40001);
  });

  it('refuses credentials other than the local ones', async () => {
    const res = await request(app)
      .get('/_wechat/cgi-bin/token')
      .query({ grant_type: 'client_credential', appid: LOCAL_STANDIN_CREDENTIALS.appId, secret: 'guess' });
    assert.deepEqual(res.body, { errcode: 40125, errmsg: 'invalid appsecret' });
  });

  it('answers 41001 without a token and 47001 for a body that is not JSON', async () => {
    const missing = await request(app).get('/_wechat/cgi-bin/menu/get');
    assert.equal(missing.status, 200);
    assert.equal(missing.body.errcode, 41001);
    const { body } = await request(app)
      .get('/_wechat/cgi-bin/token')
      .query({ grant_type: 'client_credential', appid: 'wx-local-standin', secret: 'local' });
    const bad = await request(app)
      .post('/_wechat/cgi-bin/menu/create')
      .query({ access_token: body.access_token })
      .set('Content-Type', 'application/json')
      .send('{"button": [');
    assert.equal(bad.body.errcode, 47001);
  });

  it('records customer-service and template messages in the outbox', async () => {
    await client.sendText('oCitizenA', '您的预约已确认');
    await client.sendNews('oCitizenB', [{ title: '办事指南', description: '', url: 'https://city.example/g' }]);
    await client.sendTemplate('oCitizenA', 'TPL_DONE', 'https://city.example/p/1', { first: { value: '已办结' } });
    const all = await readStandinOutbox(store);
    assert.deepEqual(all.map((r) => [r.kind, r.msgtype, r.touser]), [
      ['custom', 'text', 'oCitizenA'],
      ['custom', 'news', 'oCitizenB'],
      ['template', 'template', 'oCitizenA'],
    ]);
    const mine = await readStandinOutbox(store, 'oCitizenA');
    assert.equal(mine.length, 2);
    assert.deepEqual(mine[0]?.body, { touser: 'oCitizenA', msgtype: 'text', text: { content: '您的预约已确认' } });
    assert.equal(mine[1]?.templateId, 'TPL_DONE');
    assert.equal(typeof mine[1]?.msgid, 'number');
  });

  it('refuses an empty customer-service text with 44004', async () => {
    const err = await rejection(client.sendText('oCitizenA', ''));
    assert.equal(err.errcode, 44004);
    assert.deepEqual(await readStandinOutbox(store), []);
  });
});
