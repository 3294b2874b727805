// The stand-in's notice calls with WeChat's shapes and codes: stable_token (normal and force
// mode with its limits), template send (47003, 43004, one delivery per client_msg_id), bizsend
// (43101), and the signed delivery events it pushes back to the account's callback.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { createWechatStandin } from '../../server/http/wechat-standin/wechat-standin.js';
import { standinSubscriptionRefused, standinUnfollowed } from '../../server/http/wechat-standin/notice-standin.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { Store } from '../../server/store/types.js';
import { verifyPlainSignature } from '../../server/wechat/signature.js';
import { LOCAL_STANDIN_CREDENTIALS, readStandinOutbox } from '../../server/wechat/standin/standin-state.js';
import { parseMessage } from '../../server/wechat/xml.js';

const creds = { grant_type: 'client_credential', appid: LOCAL_STANDIN_CREDENTIALS.appId, secret: LOCAL_STANDIN_CREDENTIALS.secret };

describe('the stand-in’s notice calls', () => {
  let store: Store;
  let app: express.Express;
  let clock: number;
  let callback: Server;
  const pushes: Array<{ query: Record<string, unknown>; body: string }> = [];
  let arrived: () => void = () => {};

  before(async () => {
    const receiver = express();
    receiver.post('/wechat', express.text({ type: () => true }), (req, res) => {
      pushes.push({ query: req.query as Record<string, unknown>, body: req.body as string });
      res.send('success');
      arrived();
    });
    callback = await new Promise<Server>((resolve) => {
      const s = receiver.listen(0, '127.0.0.1', () => resolve(s));
    });
  });
  after(() => new Promise<void>((resolve) => callback.close(() => resolve())));
  beforeEach(() => {
    store = createMemoryStore();
    clock = Date.UTC(2026, 11, 2, 2, 0);
    pushes.length = 0;
    const { port } = callback.address() as AddressInfo;
    app = express();
    app.use('/_wechat', createWechatStandin(store, { now: () => clock, events: { url: () => `http://127.0.0.1:${port}/wechat`, token: 'cb-token', delayMs: 5 } }));
  });
  const stable = (body: Record<string, unknown>) => request(app).post('/_wechat/cgi-bin/stable_token').send(body);
  const token = async () => (await stable(creds)).body.access_token as string;
  const nextPush = () => new Promise<void>((resolve) => (arrived = resolve));
  /** The first push of this event, once it has arrived (an earlier test's event may still be on its way). */
  async function pushOf(event: string) {
    for (;;) {
      const found = pushes.find((p) => parseMessage(p.body).event === event);
      if (found) return found;
      await nextPush();
    }
  }

  it('returns the same stable token in normal mode and a new one in force mode, at most once per 30 s', async () => {
    const first = (await stable(creds)).body;
    assert.equal(first.expires_in, 7200);
    clock += 60_000;
    const again = (await stable(creds)).body;
    assert.equal(again.access_token, first.access_token);
    assert.equal(again.expires_in, 7140);
    const forced = (await stable({ ...creds, force_refresh: true })).body;
    assert.notEqual(forced.access_token, first.access_token);
    assert.equal((await request(app).get('/_wechat/cgi-bin/menu/get').query({ access_token: first.access_token })).body.errcode, 40001, 'force mode invalidates the old token');
    assert.equal((await stable({ ...creds, force_refresh: true })).body.errcode, 45011);
    assert.deepEqual((await stable({ ...creds, secret: 'guess' })).body, { errcode: 40125, errmsg: 'invalid appsecret' });
  });

  it('refuses a force refresh past 20 a day with 45009', async () => {
    for (let i = 0; i < 20; i++) {
      clock += 31_000;
      assert.ok((await stable({ ...creds, force_refresh: true })).body.access_token);
    }
    clock += 31_000;
    assert.equal((await stable({ ...creds, force_refresh: true })).body.errcode, 45009);
  });

  it('delivers a template message once per client_msg_id and reports it with TEMPLATESENDJOBFINISH', async () => {
    const t = await token();
    const body = { touser: 'oCitizen1', template_id: 'TM_1', client_msg_id: 'n-1', url: 'https://city.example/me/messages/n-1', data: { keyword1: { value: '鄂A12345' } } };
    const first = (await request(app).post('/_wechat/cgi-bin/message/template/send').query({ access_token: t }).send(body)).body;
    assert.equal(first.errcode, 0);
    const push = await pushOf('TEMPLATESENDJOBFINISH');
    const again = (await request(app).post('/_wechat/cgi-bin/message/template/send').query({ access_token: t }).send(body)).body;
    assert.equal(again.msgid, first.msgid);
    assert.equal((await readStandinOutbox(store)).length, 1);
    assert.ok(verifyPlainSignature('cb-token', push.query));
    const msg = parseMessage(push.body);
    assert.deepEqual([msg.fromUser, msg.event, msg.raw.MsgID, msg.raw.Status], ['oCitizen1', 'TEMPLATESENDJOBFINISH', String(first.msgid), 'success']);
  });

  it('refuses a field over 20 characters or with a line break (47003) and a citizen who unfollowed (43004)', async () => {
    const t = await token();
    const send = (data: object, touser = 'oCitizen1') => request(app).post('/_wechat/cgi-bin/message/template/send').query({ access_token: t }).send({ touser, template_id: 'TM_1', data });
    assert.equal((await send({ keyword1: { value: '一二三四五六七八九十一二三四五六七八九十一' } })).body.errcode, 47003);
    assert.equal((await send({ keyword1: { value: '第一行\n第二行' } })).body.errcode, 47003);
    await standinUnfollowed(store).put({ id: 'oGone' });
    assert.equal((await send({ keyword1: { value: 'x' } }, 'oGone')).body.errcode, 43004);
    assert.equal((await send({ first: { value: '自 2023 年起微信丢弃此行，不再检查长度，也不再显示出来' }, keyword1: { value: 'x' } })).body.errcode, 0);
  });

  it('sends a subscription notice, answers 43101 for a refused one, and pushes subscribe_msg_sent_event', async () => {
    const t = await token();
    const send = (touser: string, data: object = { thing1: { value: '机动车年检' }, car_number2: { value: '鄂A12345' } }) =>
      request(app).post('/_wechat/cgi-bin/message/subscribe/bizsend').query({ access_token: t }).send({ touser, template_id: 'SUB_1', page: 'https://city.example/me/messages', data });
    const ok = (await send('oCitizen1')).body;
    assert.equal(ok.errcode, 0);
    const msg = parseMessage((await pushOf('subscribe_msg_sent_event')).body);
    assert.deepEqual((msg.raw.SubscribeMsgSentEvent as { List: unknown }).List, { TemplateId: 'SUB_1', MsgID: String(ok.msgid), ErrorCode: '0', ErrorStatus: 'success' });
    await standinSubscriptionRefused(store).put({ id: 'oCitizen2:SUB_1' });
    assert.equal((await send('oCitizen2')).body.errcode, 43101);
    assert.equal((await send('oCitizen1', { car_number2: { value: '鄂A123456789' } })).body.errcode, 47003, 'car_number holds at most 8');
  });
});
