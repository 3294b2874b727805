import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { createWechatRouter } from '../../server/http/wechat/wechat-router.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { createMsgCrypt } from '../../server/wechat/crypto.js';
import { msgSignature, plainSignature } from '../../server/wechat/signature.js';
import { parseXmlObject } from '../../server/wechat/xml.js';
import { createPushGuard } from '../../server/wechat/push-guard.js';
import { makeBuild } from './build-fixture.js';
import { AES_KEY, APP_ID, createHarness, openReply, signedRequest, testConfig, textXml, TOKEN, type Harness } from './harness.js';

async function nothingStored(h: Harness) {
  assert.equal((await h.store.log('messages').read()).length, 0);
  assert.equal(await h.store.collection('deskTickets').count(), 0);
}

describe('createWechatRouter', () => {
  describe('GET (server URL verification)', () => {
    it('returns echostr unchanged for the official example', async () => {
      const h = createHarness({ config: testConfig() });
      const app = express().use('/wechat', createWechatRouter({ config: { ...testConfig(), wechat: { token: 'AAAAA', maxClockSkewS: 300 } }, store: h.store, live: h.live }));
      const res = await request(app)
        .get('/wechat')
        .query({ signature: 'f464b24fc39322e44b38aa78f5edd27bd1441696', timestamp: '1714036504', nonce: '1514711492', echostr: '4375120948345356249' })
        .expect(200);
      assert.equal(res.text, '4375120948345356249');
    });

    it('answers 401 and nothing else to a bad signature', async () => {
      const h = createHarness();
      const ts = '1714036504';
      const res = await request(h.app).get('/wechat').query({ signature: plainSignature(TOKEN, ts, '1'), timestamp: ts, nonce: '2', echostr: 'abc' }).expect(401);
      assert.equal(res.text, 'Invalid signature');
    });

    it('decrypts the encrypted echostr variant (V6) when msg_signature is present', async () => {
      const config = testConfig({ token: 'QDG6eK', encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', appId: 'wx5823bf96d3bd56c7' });
      const app = express().use('/wechat', createWechatRouter({ config, store: createMemoryStore(), live: createLiveBuild(makeBuild()) }));
      const echostr = 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==';
      const q = { msg_signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3', timestamp: '1409659589', nonce: '263014780', echostr };
      assert.equal((await request(app).get('/wechat').query(q).expect(200)).text, '1616140317555161061');
      await request(app).get('/wechat').query({ ...q, nonce: '263014781' }).expect(401);
    });
  });

  describe('POST', () => {
    it('answers 401 to a bad signature and stores and logs nothing', async () => {
      const h = createHarness();
      const { query, body } = signedRequest(textXml('我要投诉'), 'plain');
      await request(h.app).post('/wechat').query({ ...query, signature: '0'.repeat(40) }).type('text/xml').send(body).expect(401);
      await request(h.app).post('/wechat').query({ timestamp: query.timestamp }).type('text/xml').send(body).expect(401);
      await nothingStored(h);
    });

    it('answers 401 to a safe-mode push whose msg_signature is wrong, storing nothing', async () => {
      const h = createHarness();
      await h.post(textXml('我要投诉'), 'safe', { msg_signature: 'f'.repeat(40) }).expect(401);
      await nothingStored(h);
    });

    it('rejects XXE and billion-laughs bodies with 400', async () => {
      const h = createHarness();
      const xxe = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&x;</Content><MsgId>1</MsgId></xml>`;
      const lol = `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&lol2;</Content><MsgId>2</MsgId></xml>`;
      for (const body of [xxe, lol]) {
        await h.post(body, 'plain').expect(400);
        await h.post(body, 'safe').expect(400); // the same inside the ciphertext
      }
      await nothingStored(h);
    });

    it('answers a text message whose CDATA holds DOCTYPE and ENTITY (a pasted HTML page) in plain and safe mode', async () => {
      const h = createHarness();
      const pasted = '<!DOCTYPE html><html><!ENTITY x "y"><body>502 Bad Gateway</body></html>';
      for (const mode of ['plain', 'safe'] as const) {
        const res = await h.post(textXml(pasted), mode).expect(200);
        const reply = parseXmlObject(openReply(res.text, mode));
        assert.equal(reply.MsgType, 'text');
      }
    });

    it('answers 413 to a body over 64 kB', async () => {
      const h = createHarness();
      await h.post(textXml('x'.repeat(70 * 1024)), 'plain').expect(413);
      await nothingStored(h);
    });

    it('answers 400 to malformed XML and to an unknown encrypt_type, and success to an unknown MsgType', async () => {
      const h = createHarness();
      await h.post('not xml at all', 'plain').expect(400);
      await h.post('<xml><ToUserName>a</ToUserName></xml>', 'plain').expect(400);
      await h.post(textXml('违章'), 'plain', { encrypt_type: 'rot13' }).expect(400);
      const odd = textXml('x').replace('<MsgType><![CDATA[text]]></MsgType>', '<MsgType><![CDATA[notsure]]></MsgType>');
      assert.equal((await h.post(odd, 'plain').expect(200)).text, 'success');
    });

    it('refuses safe-mode pushes with a clear 400 when no EncodingAESKey is configured', async () => {
      const lines: string[] = [];
      const app = express().use('/wechat', createWechatRouter({ config: testConfig({ encodingAesKey: undefined }), store: createMemoryStore(), live: createLiveBuild(makeBuild()), warn: (l) => lines.push(l) }));
      const { query, body } = signedRequest(textXml('违章'), 'safe');
      const res = await request(app).post('/wechat').query(query).type('text/xml').send(body).expect(400);
      assert.match(res.text, /未配置/);
      assert.ok(lines.some((l) => l.includes('WECHAT_ENCODING_AES_KEY')));
    });

    it('in compat mode trusts the decrypted copy over the plaintext fields', async () => {
      const h = createHarness();
      const crypt = createMsgCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appId: APP_ID });
      const inner = textXml('帮助');
      const encrypt = crypt.encrypt(inner);
      const ts = String(Math.floor(Date.now() / 1000));
      const query = { signature: plainSignature(TOKEN, ts, '9'), timestamp: ts, nonce: '9', encrypt_type: 'aes', msg_signature: msgSignature(TOKEN, ts, '9', encrypt) };
      const body = textXml('违章').replace('</xml>', `<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`);
      const res = await request(h.app).post('/wechat').query(query).type('text/xml').send(body).expect(200);
      const reply = parseXmlObject(openReply(res.text, 'compat'));
      assert.match(String(reply.Content), /可办理的服务主题/);
    });

    it('answers with application/xml and a fresh, verifiable envelope in safe mode', async () => {
      const h = createHarness();
      const a = await h.post(textXml('违章'), 'safe').expect(200).expect('content-type', /application\/xml/);
      const b = await h.post(textXml('违章'), 'safe').expect(200);
      const ea = parseXmlObject(a.text);
      const eb = parseXmlObject(b.text);
      assert.notEqual(ea.Nonce, eb.Nonce);
      assert.equal(parseXmlObject(openReply(a.text, 'safe')).MsgType, 'news');
    });

    it('answers 400 rather than hanging when an app-wide parser already consumed the body', async () => {
      const h = createHarness();
      const app = express().use(express.json()).use('/wechat', createWechatRouter({ config: testConfig(), store: h.store, live: h.live, warn: () => {} }));
      const { query } = signedRequest(textXml('x'), 'plain');
      await request(app).post('/wechat').query(query).send({ not: 'xml' }).expect(400);
    });

    it('keeps a 64-bit MsgId exactly in the desk ticket', async () => {
      const h = createHarness();
      await h.post(textXml('我的快递丢了', 'o-x', '18446744073709551615'), 'plain').expect(200);
      const [ticket] = await h.store.collection<{ id: string; msgId?: string }>('deskTickets').list();
      assert.equal(ticket?.msgId, '18446744073709551615');
    });
  });
});

describe('createWechatRouter replay window', () => {
  it('refuses a correctly signed push whose timestamp is more than 5 minutes old, storing nothing', async () => {
    const h = createHarness();
    const old = String(Math.floor(Date.now() / 1000) - 301);
    const { query, body } = signedRequest(textXml('我要投诉'), 'plain', old);
    const res = await request(h.app).post('/wechat').query(query).type('text/xml').send(body).expect(401);
    assert.equal(res.text, 'Stale timestamp');
    assert.equal((await h.store.collection('deskTickets').list()).length, 0);
    assert.equal((await h.store.log('messages').read()).length, 0);
  });

  it('accepts a push signed within the window', async () => {
    const h = createHarness();
    const recent = String(Math.floor(Date.now() / 1000) - 200);
    const { query, body } = signedRequest(textXml('帮助'), 'plain', recent);
    await request(h.app).post('/wechat').query(query).type('text/xml').send(body).expect(200);
  });

  const signedWith = (timestamp: string, nonce = '42') => ({ signature: plainSignature(TOKEN, timestamp, nonce), timestamp, nonce });

  it('refuses a correctly signed push whose timestamp is not digits', async () => {
    const h = createHarness();
    for (const timestamp of ['abc', '', ' 1714036504', '1714036504.5', '-1', '1e9', '0x1']) {
      const res = await request(h.app).post('/wechat').query(signedWith(timestamp)).type('text/xml').send(textXml('帮助')).expect(401);
      assert.equal(res.text, 'Invalid timestamp', timestamp);
    }
    await nothingStored(h);
  });

  it('takes the window from WECHAT_MAX_CLOCK_SKEW_S', async () => {
    const tenMinutesAgo = String(Math.floor(Date.now() / 1000) - 600);
    const { query, body } = signedRequest(textXml('帮助'), 'plain', tenMinutesAgo);
    await request(createHarness().app).post('/wechat').query(query).type('text/xml').send(body).expect(401);
    const wide = createHarness({ config: { ...testConfig(), wechat: { ...testConfig().wechat, maxClockSkewS: 900 } } });
    await request(wide.app).post('/wechat').query(query).type('text/xml').send(body).expect(200);
  });

  it('counts stale refusals and raises one loud alarm a minute naming the setting', async () => {
    const lines: string[] = [];
    const h = createHarness();
    const guard = createPushGuard({ maxClockSkewS: 300, warn: (l) => lines.push(l) });
    const app = express().use('/wechat', createWechatRouter({ config: testConfig(), store: h.store, live: h.live, pushGuard: guard, warn: () => {} }));
    const old = String(Math.floor(Date.now() / 1000) - 1000);
    for (const nonce of ['1', '2', '3']) await request(app).post('/wechat').query(signedWith(old, nonce)).type('text/xml').send(textXml('帮助')).expect(401);
    assert.equal(guard.stats().refused['stale-timestamp'], 3);
    assert.ok(Math.abs(guard.stats().lastStale!.skewS - 1000) <= 2);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /【告警】.*相差 1\d{3} 秒.*WECHAT_MAX_CLOCK_SKEW_S=300/);
  });

  it('refuses a captured plain-mode URL carrying another body, and answers WeChat\'s retry of the same body once', async () => {
    const h = createHarness();
    const { query, body } = signedRequest(textXml('我要投诉'), 'plain');
    const first = await request(h.app).post('/wechat').query(query).type('text/xml').send(body).expect(200);
    const retry = await request(h.app).post('/wechat').query(query).type('text/xml').send(body).expect(200);
    assert.equal(retry.text.replace(/<CreateTime>\d+/, ''), first.text.replace(/<CreateTime>\d+/, ''));
    for (const other of ['我要投诉二', '帮助']) {
      const res = await request(h.app).post('/wechat').query(query).type('text/xml').send(textXml(other)).expect(401);
      assert.equal(res.text, 'Replayed nonce');
    }
    assert.equal(await h.store.collection('deskTickets').count(), 1);
    assert.equal((await h.store.log('messages').read()).length, 1);
  });

  it('remembers an answered push for as long as its URL stays inside the window', async () => {
    const h = createHarness();
    const { query, body } = signedRequest(textXml('我要投诉'), 'plain');
    await request(h.app).post('/wechat').query(query).type('text/xml').send(body).expect(200);
    const realNow = Date.now;
    Date.now = () => realNow() + 120_000; // two minutes later: past WeChat's retries, inside the window
    try {
      await request(h.app).post('/wechat').query(query).type('text/xml').send(body).expect(200);
    } finally {
      Date.now = realNow;
    }
    assert.equal((await h.store.log('messages').read()).length, 1);
  });
});
