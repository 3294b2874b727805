// The sample city as `npm start` runs it: a real listening server on a temp data dir, the menu
// published to the local WeChat stand-in over HTTP, and a signed message answered from the build.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../server/config.js';
import { createPaymentProvider } from '../../server/loop/payment/create-payment-provider.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { isLoopback, startServer, type RunningServer } from '../../server/main.js';

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

  it('refuses a stale signed push and shows it on /healthz', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000) - 3600);
    const nonce = '777';
    const signature = createHash('sha1').update([TOKEN, timestamp, nonce].sort().join('')).digest('hex');
    const res = await fetch(`${base}/wechat?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`, { method: 'POST', body: textMessage('帮助', '9001') });
    assert.equal(res.status, 401);
    const health = (await (await fetch(`${base}/healthz`)).json()) as { status: string; wechatPushes: { refused: Record<string, number> } };
    assert.equal(health.wechatPushes.refused['stale-timestamp'], 1);
    assert.equal(health.status, 'degraded');
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

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('startServer on PORT without PUBLIC_BASE_URL (local mode)', () => {
  let dataDir: string;
  let running: RunningServer;
  let port: number;
  const lines: string[] = [];

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'onestop-port-'));
    port = await freePort();
    running = await startServer(loadConfig({ DATA_DIR: dataDir, PORT: String(port), WECHAT_TOKEN: TOKEN }), (l) => void lines.push(l));
  });
  after(async () => {
    await running?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only in local mode, without a warning', () => {
    assert.equal((running.server.address() as AddressInfo).address, '127.0.0.1');
    assert.ok(!lines.some((l) => l.includes('警告')), lines.join('\n'));
  });

  it('announces the address on the port it listens on', () => {
    assert.ok(lines.some((l) => l.includes(`http://localhost:${port}（端口 ${port}）`)), lines.join('\n'));
    assert.ok(!lines.some((l) => l.includes('localhost:3000')), lines.join('\n'));
  });

  it('points the published menu view buttons at that port', async () => {
    const base = `http://127.0.0.1:${port}`;
    const token = (await (await fetch(`${base}/_wechat/cgi-bin/token?grant_type=client_credential&appid=wx-local-standin&secret=local`)).json()) as { access_token: string };
    const menu = (await (await fetch(`${base}/_wechat/cgi-bin/menu/get?access_token=${token.access_token}`)).json()) as object;
    // External links the platform allowed (account.json linkHosts, e.g. 12306) keep their own host.
    const urls = (JSON.stringify(menu).match(/"url":"[^"]+"/g) ?? []).filter((u) => !u.includes('"url":"https://www.12306.cn/'));
    assert.ok(urls.length > 0);
    for (const url of urls) assert.ok(url.includes(`http://localhost:${port}/`), url);
  });

  it('links keyword cards to that port', async () => {
    const xml = await (await signed(`http://127.0.0.1:${port}`, textMessage('护照', '7101'))).text();
    const urls = xml.match(/<Url><!\[CDATA\[[^\]]+\]\]><\/Url>/g) ?? [];
    assert.ok(urls.length > 0, xml);
    for (const url of urls) assert.ok(url.includes(`http://localhost:${port}/`), url);
  });

  it('opens the simulated cashier and template links on that port', async () => {
    const config = loadConfig({ PORT: '3917' });
    const order = await createPaymentProvider(config, createMemoryStore()).createOrder({ orderNo: 'SQ20260101000001', description: '工本费', amountFen: 2000, openid: 'o1' });
    assert.equal(order.kind === 'local' && order.cashierUrl, 'http://localhost:3917/pay/local/SQ20260101000001');
    assert.equal(config.publicBaseUrl, 'http://localhost:3917');
  });
});

describe('startServer on PORT=0 without PUBLIC_BASE_URL', () => {
  it('uses the port actually bound in its links', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'onestop-port0-'));
    const lines: string[] = [];
    const running = await startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0', WECHAT_TOKEN: TOKEN }), (l) => void lines.push(l));
    try {
      const xml = await (await signed(`http://127.0.0.1:${running.port}`, textMessage('护照', '7201'))).text();
      assert.match(xml, new RegExp(`http://localhost:${running.port}/`));
    } finally {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('startServer in local mode with HOST set', () => {
  it('listens where HOST says and warns that local mode is open to the network', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'onestop-host-'));
    const lines: string[] = [];
    const running = await startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '0.0.0.0', WECHAT_TOKEN: TOKEN }), (l) => void lines.push(l));
    try {
      assert.equal((running.server.address() as AddressInfo).address, '0.0.0.0');
      assert.ok(lines.some((l) => /^警告：本地模式正在监听 0\.0\.0\.0.*本地测试登录/.test(l)), lines.join('\n'));
      // The menu still reached the stand-in through loopback.
      assert.ok(lines.some((l) => l.startsWith('已发布版本 #1')), lines.join('\n'));
    } finally {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('tells loopback addresses from the others', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', '::1', 'localhost', '::ffff:127.0.0.1']) assert.equal(isLoopback(host), true, host);
    for (const host of [undefined, '0.0.0.0', '::', '192.168.1.20', '127.example.com']) assert.equal(isLoopback(host), false, String(host));
  });
});

describe('startServer with orphan upload files left by a crash', () => {
  it('removes old unreferenced files at start-up, keeps recent ones, and shows the sweep on /healthz', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'onestop-app-sweep-'));
    const uploads = path.join(dataDir, 'uploads');
    await mkdir(uploads, { recursive: true });
    const old = 'a'.repeat(32);
    const recent = 'b'.repeat(32);
    await writeFile(path.join(uploads, old), 'left by a crash');
    await writeFile(path.join(uploads, recent), 'an upload in flight');
    const dayAgo = new Date(Date.now() - 24 * 3600_000);
    await utimes(path.join(uploads, old), dayAgo, dayAgo);
    const running = await startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0', WECHAT_TOKEN: TOKEN }), () => {});
    try {
      let health: { status: string; uploadSweep: { last: { removed: number; recent: number } | null } } | undefined;
      for (let i = 0; i < 100 && !health?.uploadSweep.last; i++) {
        health = (await (await fetch(`http://127.0.0.1:${running.port}/healthz`)).json()) as typeof health;
        if (!health?.uploadSweep.last) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(health && ['ok', 'degraded'].includes(health.status));
      assert.deepEqual(health?.uploadSweep.last && { removed: health.uploadSweep.last.removed, recent: health.uploadSweep.last.recent }, { removed: 1, recent: 1 });
      assert.deepEqual(await readdir(uploads), [recent]);
    } finally {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
