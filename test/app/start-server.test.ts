// The sample city as `npm start` runs it: a real listening server on a temp data dir, the menu
// published to the local WeChat stand-in over HTTP, and a signed message answered from the build.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/main.js';

const TOKEN = 'app-test-token';

function signed(base: string, xml: string) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = '12345';
  const signature = createHash('sha1').update([TOKEN, timestamp, nonce].sort().join('')).digest('hex');
  return fetch(`${base}/wechat?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml' },
    body: xml,
  });
}

const textMessage = (content: string, msgId: string) =>
  `<xml><ToUserName><![CDATA[gh_jiangcheng]]></ToUserName><FromUserName><![CDATA[o-app-test]]></FromUserName>` +
  `<CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
  `<Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;

describe('startServer with the sample city', () => {
  let dataDir: string;
  let running: RunningServer;
  let base: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'onestop-app-'));
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', WECHAT_TOKEN: TOKEN });
    running = await startServer(config, () => {});
    base = `http://127.0.0.1:${running.port}`;
  });
  after(async () => {
    await running?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('publishes version 1 to the local stand-in at start', async () => {
    const menu = (await (await fetch(`${base}/_wechat/cgi-bin/menu/get?access_token=x`)).json()) as { errcode?: number };
    // The stand-in checks the token like WeChat does: a made-up one is refused with 40001/42001/40014.
    assert.ok(menu.errcode && menu.errcode !== 0);
    const res = await fetch(`${base}/console/login`);
    assert.equal(res.status, 200);
  });

  it('serves the H5 home page listing the topics', async () => {
    const res = await fetch(`${base}/`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /出行/);
    assert.match(html, /社保就业/);
    assert.ok(res.headers.get('content-security-policy'), 'helmet sets a CSP');
  });

  it('lists the services as JSON with their online steps', async () => {
    const body = (await (await fetch(`${base}/api/services`)).json()) as { services: Array<{ id: string; online: Record<string, boolean> }> };
    assert.ok(body.services.length >= 25);
    const fine = body.services.find((s) => s.id === 'jiaojing/fakuan-jiaona');
    assert.equal(fine?.online.payment, true);
    const detail = await fetch(`${base}/api/services/jiaojing/fakuan-jiaona`);
    assert.equal(detail.status, 200);
    const missing = await fetch(`${base}/api/services/jiaojing/nope`);
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { message: string }).message, /不存在/);
  });

  it('answers a signed keyword message and refuses an unsigned one', async () => {
    const ok = await signed(base, textMessage('违章', '7001'));
    assert.equal(ok.status, 200);
    const xml = await ok.text();
    assert.match(xml, /<ToUserName><!\[CDATA\[o-app-test\]\]><\/ToUserName>/);
    assert.match(xml, /交警|违法/);
    assert.match(xml, /城管|违章停车/);
    const bad = await fetch(`${base}/wechat?signature=bad&timestamp=1&nonce=2`, { method: 'POST', body: textMessage('违章', '7002') });
    assert.equal(bad.status, 401);
  });
});
