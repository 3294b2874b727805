// WeChat's callback URLs are answered at the edge, before express: no page middleware runs on them,
// every check of the callback still does, and whatever the edge leaves (other methods, other
// spellings, other paths) reaches express and the same callbacks through their mount.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import request from 'supertest';
import { parse } from 'node:querystring';
import { answerCallbacksAtEdge, parseCallbackQuery } from '../../server/http/wechat/callback-edge.js';
import { createWechatRouter, MAX_BODY_BYTES } from '../../server/http/wechat/wechat-router.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { PushGuard } from '../../server/wechat/push-guard.js';
import { plainSignature } from '../../server/wechat/signature.js';
import { parseXmlObject } from '../../server/wechat/xml.js';
import { signedRequest, testConfig, textXml } from '../gateway/harness.js';
import { makeBuild } from '../gateway/build-fixture.js';
import { credentialsFor, createCityApp, type CityApp } from '../accounts/harness.js';
import { sampleCity } from '../accounts/city-fixture.js';

describe('answerCallbacksAtEdge', () => {
  function appWithEdge() {
    const seen: string[] = [];
    const app = express();
    app.use((req, _res, next) => (seen.push(`express ${req.method} ${req.url}`), next()));
    app.use((_req, res) => void res.status(404).send('express'));
    const edge = {
      serveAtEdge(req: IncomingMessage, res: ServerResponse) {
        if (req.url !== '/wechat') return false;
        seen.push(`edge ${req.method}`);
        res.end('edge');
        return true;
      },
    };
    return { app: answerCallbacksAtEdge(app, edge), seen };
  }

  it('answers what the edge takes without entering express, and hands everything else to express', async () => {
    const { app, seen } = appWithEdge();
    await request(app).post('/wechat').expect(200, 'edge');
    await request(app).get('/').expect(404, 'express');
    assert.deepEqual(seen, ['edge POST', 'express GET /']);
  });
});

describe('answerCallbacksAtEdge when a callback fails unexpectedly', () => {
  const quiet = <T>(fn: () => Promise<T>) => async () => {
    const warn = console.warn;
    console.warn = () => {};
    try {
      return await fn();
    } finally {
      console.warn = warn;
    }
  };

  it('answers 500 in plain text when the edge itself throws, and keeps serving', quiet(async () => {
    const app = answerCallbacksAtEdge(express().get('/', (_req, res) => void res.send('ok')), {
      serveAtEdge(req: IncomingMessage) {
        if (req.url === '/wechat') throw new Error('boom');
        return false;
      },
    });
    const res = await request(app).post('/wechat').expect(500);
    assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
    await request(app).get('/').expect(200, 'ok');
  }));

  it('answers success, not an unhandled rejection, when a push fails outside its own error handling', quiet(async () => {
    const guard: PushGuard = {
      checkTimestamp: () => {
        throw new Error('guard broke');
      },
      checkNonce: () => undefined,
      stats: () => ({ refused: { 'invalid-timestamp': 0, 'stale-timestamp': 0, 'replayed-nonce': 0 } }),
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const app = express().use('/wechat', createWechatRouter({ config: testConfig(), store: createMemoryStore(), live: createLiveBuild(makeBuild()), pushGuard: guard, warn: () => {} }));
      const { query, body } = signedRequest(textXml('你好'), 'plain');
      await request(app).post('/wechat').query(query).type('text/xml').send(body).expect(200, 'success');
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  }));
});

describe('parseCallbackQuery', () => {
  it('reads every query exactly as querystring.parse (express’s parser) does', () => {
    const cases = [
      'signature=f464b24f&timestamp=1714036504&nonce=1514711492&openid=o-1',
      'signature=a&signature=b&signature=c',
      'echostr',
      '=x',
      'a=1&&b',
      'a==b',
      '&',
      '',
      'constructor=1&__proto__=2&toString=3',
      'echostr=%E4%BD%A0%E5%A5%BD&nonce=1',
      'echostr=a+b',
      `nonce=${'9'.repeat(2000)}`,
      'timestamp=1&timestamp=',
    ];
    for (const q of cases) assert.deepEqual({ ...parseCallbackQuery(q) }, { ...parse(q) }, q);
    // And on random strings over the characters that matter.
    const alphabet = 'ab=&%2+';
    for (let n = 0; n < 2000; n++) {
      const q = Array.from({ length: Math.floor(Math.random() * 12) }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
      let expected: unknown;
      try {
        expected = { ...parse(q) };
      } catch {
        continue;
      }
      assert.deepEqual({ ...parseCallbackQuery(q) }, expected, q);
    }
  });
});

describe('the WeChat callback at the edge of the whole app', () => {
  let city: CityApp;
  before(async () => {
    city = createCityApp(await sampleCity());
  });
  const messages = async () => (await city.store.log('messages').read()).length;

  it('refuses a bad signature, storing and logging nothing', async () => {
    const before = await messages();
    const res = await request(city.app).post('/wechat').query({ signature: 'f'.repeat(40), timestamp: String(Math.floor(Date.now() / 1000)), nonce: '1' }).type('text/xml').send(textXml('违章')).expect(401);
    assert.equal(res.text, 'Invalid signature');
    assert.equal(await messages(), before);
  });

  it('refuses an unsigned push on every account callback and on the trailing-slash spelling', async () => {
    for (const path of ['/wechat', '/wechat/', '/wechat/chuxing', '/wechat/chuxing/']) {
      await request(city.app).post(path).type('text/xml').send(textXml('违章')).expect(401);
    }
  });

  it('answers a signed push with the reply XML and none of the page headers', async () => {
    const res = await city.push('/wechat', 'jiangcheng', textXml('社保卡补办', 'o-edge')).expect(200);
    assert.equal(res.headers['content-type'], 'application/xml; charset=utf-8');
    assert.equal(parseXmlObject(res.text).MsgType, 'news');
    for (const header of ['content-security-policy', 'x-content-type-options', 'strict-transport-security', 'x-frame-options', 'x-powered-by', 'etag', 'set-cookie', 'access-control-allow-origin']) {
      assert.equal(res.headers[header], undefined, header);
    }
  });

  it('never enters express’s router for a callback URL, and still does for everything else', async () => {
    // Express 5 hands every request it handles to app.router; the edge answers before that.
    const router = (city.app as unknown as { router: { handle: (...args: unknown[]) => void } }).router;
    const handle = router.handle;
    const entered: string[] = [];
    router.handle = function (this: unknown, ...args: unknown[]) {
      entered.push(String((args[0] as IncomingMessage).url));
      return handle.apply(this, args);
    };
    try {
      await city.push('/wechat', 'jiangcheng', textXml('社保卡补办', 'o-router')).expect(200);
      await city.push('/wechat/chuxing', 'chuxing', textXml('出行', 'o-router')).expect(200);
      await request(city.app).post('/wechat').type('text/xml').send(textXml('违章')).expect(401);
      assert.deepEqual(entered, []);
      await request(city.app).get('/healthz').expect(200);
      assert.deepEqual(entered, ['/healthz']);
    } finally {
      router.handle = handle;
    }
  });

  it('keeps helmet’s headers on pages', async () => {
    const res = await request(city.app).get('/').expect(200);
    assert.ok(res.headers['content-security-policy']);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  it('verifies the server URL (echostr) at the edge, per account', async () => {
    const ts = '1714036504';
    const { token } = credentialsFor('chuxing');
    await request(city.app).get('/wechat/chuxing/').query({ signature: plainSignature(token, ts, '7'), timestamp: ts, nonce: '7', echostr: 'edge-echo' }).expect(200, 'edge-echo');
    await request(city.app).get('/wechat/chuxing').query({ signature: plainSignature(token, ts, '7'), timestamp: ts, nonce: '7' }).expect(400, '缺少 echostr');
  });

  it('answers 413 to a body over the limit', async () => {
    await city.push('/wechat', 'jiangcheng', `<xml><Content><![CDATA[${'x'.repeat(MAX_BODY_BYTES)}]]></Content></xml>`).expect(413);
  });

  it('absorbs WeChat’s retry of a push: one reply, one log record', async () => {
    const xml = textXml('社保卡补办', 'o-retry');
    const before = await messages();
    const first = await city.push('/wechat', 'jiangcheng', xml).expect(200);
    const retry = await city.push('/wechat', 'jiangcheng', xml).expect(200);
    assert.deepEqual(parseXmlObject(retry.text).Articles, parseXmlObject(first.text).Articles);
    assert.equal(await messages(), before + 1);
  });

  it('leaves other methods, spellings and paths to express, which answers them as before', async () => {
    const put = await request(city.app).put('/wechat').expect(405);
    assert.equal(put.headers.allow, 'GET, POST');
    await request(city.app).post('/WeChat').type('text/xml').send(textXml('违章')).expect(401);
    await request(city.app).post('/wechat/nope').type('text/xml').send(textXml('违章')).expect(404);
    await request(city.app).post('/wechatx').type('text/xml').send(textXml('违章')).expect(404);
    const health = await request(city.app).get('/healthz').expect(200);
    assert.ok(health.body.wechatPushes);
  });
});
