import assert from 'node:assert/strict';
import request from 'supertest';
import { parseXmlObject } from '../../server/wechat/xml.js';
import { plainSignature } from '../../server/wechat/signature.js';
import { eventXml, textXml } from '../gateway/harness.js';
import { sampleCity } from './city-fixture.js';
import { createCityApp, credentialsFor, type CityApp } from './harness.js';

describe('one callback per account', () => {
  let city: CityApp;
  before(async () => {
    city = createCityApp(await sampleCity());
  });

  it('answers a push on /wechat/<id> from that account’s own build', async () => {
    const res = await city.push('/wechat/chuxing', 'chuxing', textXml('违章')).expect(200);
    const reply = parseXmlObject(res.text);
    assert.equal(reply.MsgType, 'text');
    // The 出行 account's own resolution lists both services, each linked to its home account.
    assert.match(String(reply.Content), /交通违法查询/);
    assert.match(String(reply.Content), /在“江城一网通办”办理/);
  });

  it('refuses a push signed with another account’s token, on every callback', async () => {
    const before = (await city.store.log('messages').read()).length;
    await city.push('/wechat/chuxing', 'jiangcheng', textXml('违章')).expect(401);
    await city.push('/wechat', 'chuxing', textXml('违章')).expect(401);
    await city.push('/wechat/jiaojing-neibu', 'chuxing', textXml('违章')).expect(401);
    assert.equal((await city.store.log('messages').read()).length, before);
  });

  it('decrypts and seals safe-mode pushes with the account’s own AES key, and refuses another account’s', async () => {
    const res = await city.push('/wechat/chuxing', 'chuxing', textXml('出行'), 'safe').expect(200);
    const envelope = parseXmlObject(res.text);
    const plain = city.crypts.get('chuxing')!.decrypt(String(envelope.Encrypt)).message;
    assert.match(plain, /<MsgType><!\[CDATA\[(text|news)\]\]>/);
    assert.throws(() => city.crypts.get('jiangcheng')!.decrypt(String(envelope.Encrypt)));
    await city.push('/wechat/chuxing', 'jiangcheng', textXml('出行'), 'safe').expect(401);
  });

  it('keeps /wechat for the primary account, the same as /wechat/<primary id>', async () => {
    const a = parseXmlObject((await city.push('/wechat', 'jiangcheng', textXml('社保卡补办', 'o-a')).expect(200)).text);
    const b = parseXmlObject((await city.push('/wechat/jiangcheng', 'jiangcheng', textXml('社保卡补办', 'o-b')).expect(200)).text);
    assert.equal(a.MsgType, 'news');
    assert.deepEqual((a.Articles as { item: unknown }).item, (b.Articles as { item: unknown }).item);
  });

  it('verifies the server URL with each account’s token', async () => {
    const ts = '1714036504';
    const { token } = credentialsFor('chuxing');
    await request(city.app).get('/wechat/chuxing').query({ signature: plainSignature(token, ts, '1'), timestamp: ts, nonce: '1', echostr: 'hello' }).expect(200, 'hello');
    await request(city.app).get('/wechat').query({ signature: plainSignature(token, ts, '1'), timestamp: ts, nonce: '1', echostr: 'hello' }).expect(401);
  });

  it('answers 404 for an account the city does not have', async () => {
    await city.push('/wechat/nope', 'chuxing', textXml('违章')).expect(404);
  });

  it('records the account of each push in the message log', async () => {
    await city.push('/wechat/jiaojing-neibu', 'jiaojing-neibu', textXml('出行提示', 'o-log')).expect(200);
    const records = (await city.store.log<{ account?: string; openid: string }>('messages').read()).filter((r) => r.account === 'jiaojing-neibu');
    assert.equal(records.length, 1);
  });

  it('lists the sibling citizen accounts in the welcome, leaving out the internal one', async () => {
    const res = await city.push('/wechat/chuxing', 'chuxing', eventXml('subscribe', undefined, 'o-new')).expect(200);
    const content = String(parseXmlObject(res.text).Content);
    assert.match(content, /本市其他政务公众号：“江城一网通办”（服务号）/);
    assert.doesNotMatch(content, /江城交警内部通/);
  });
});
