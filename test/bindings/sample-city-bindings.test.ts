// The sample city's bindings as `npm start` serves them: a real server on a temp data dir, 交警's
// vehicle and licence bindings verified by the local stand-in over HTTP with real signing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/main.js';

const TOKEN = 'bindings-sample-token';
let seq = 0;

async function chat(base: string, content: string, from: string): Promise<string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = `b${++seq}`;
  const signature = createHash('sha1').update([TOKEN, timestamp, nonce].sort().join('')).digest('hex');
  const xml =
    `<xml><ToUserName><![CDATA[gh_jiangcheng]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName>` +
    `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${8_000_000 + seq}</MsgId></xml>`;
  const res = await fetch(`${base}/wechat?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: xml });
  const text = await res.text();
  return /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(text)?.[1] ?? text;
}

async function signIn(base: string, openid: string): Promise<string> {
  const res = await fetch(`${base}/auth/local`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid }), redirect: 'manual' });
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

describe('the sample city’s bindings', () => {
  let dataDir: string;
  let running: RunningServer | undefined;
  let base: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'onestop-bindings-'));
    running = await startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0', WECHAT_TOKEN: TOKEN }), () => {});
    base = `http://127.0.0.1:${running.port}`;
  });
  after(async () => {
    await running?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('binds a vehicle by chat after the stand-in verified it, and answers 违章 alone with that car’s violations', async () => {
    const bound = await chat(base, '绑定 鄂a12345 4f2a91', 'o-bind-chat');
    assert.match(bound, /^已绑定机动车 小型汽车（蓝牌） 鄂A1\*\*\*5。/);
    assert.doesNotMatch(bound, /鄂A12345|4F2A91/);
    const reply = await chat(base, '违章', 'o-bind-chat');
    assert.match(reply, /鄂A12345 有 2 条未处理的交通违法/);
    assert.match(reply, /其他相关服务：.*违章停车/);
  });

  it('still asks a citizen without a binding which 违章 service they mean', async () => {
    const reply = await chat(base, '违章', 'o-not-bound');
    assert.doesNotMatch(reply, /未处理的交通违法/);
    assert.match(reply, /交通违法查询/);
  });

  it('refuses by chat a vehicle the department’s system does not know, and binds nothing', async () => {
    const reply = await chat(base, '绑定 鄂A12345 000000', 'o-bind-wrong');
    assert.match(reply, /绑定机动车未成功。核验未通过/);
    assert.match(await chat(base, '解绑', 'o-bind-wrong'), /您还没有绑定任何信息/);
  });

  it('lists bindings on 解绑 and removes the chosen one on 解绑 1', async () => {
    await chat(base, '绑定 鄂A0B789 7C3E55', 'o-unbind');
    assert.match(await chat(base, '解绑', 'o-unbind'), /1\. 机动车 小型汽车（蓝牌） 鄂A0\*\*\*9\n回复“解绑 序号”解除/);
    assert.match(await chat(base, '解绑 1', 'o-unbind'), /已解除绑定：机动车 小型汽车（蓝牌） 鄂A0\*\*\*9，相关信息已删除/);
    assert.match(await chat(base, '违章', 'o-unbind'), /交通违法查询/);
    assert.doesNotMatch(await chat(base, '违章', 'o-unbind'), /未处理的交通违法/);
  });

  it('says what can be bound on 绑定 alone', async () => {
    const reply = await chat(base, '绑定', 'o-help');
    assert.match(reply, /可以绑定：/);
    assert.match(reply, /机动车：发送“绑定 鄂A12345 4F2A91”/);
    assert.match(reply, /\/me\/bindings/);
  });

  it('adds a licence on /me/bindings, shows it masked, and removes it with its data', async () => {
    const cookie = await signIn(base, 'o-h5');
    const add = await fetch(`${base}/me/bindings`, {
      method: 'POST',
      headers: { cookie, origin: base, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ department: 'jiaojing', kind: 'licence', idNumber: '420102199003071232', name: '张三' }),
      redirect: 'manual',
    });
    assert.equal(add.status, 303);
    const page = await (await fetch(`${base}/me/bindings?done=bound`, { headers: { cookie } })).text();
    assert.match(page, /绑定成功/);
    assert.match(page, /420102\*\*\*\*\*\*\*\*1232/);
    assert.doesNotMatch(page, /420102199003071232|张三/);
    const id = /action="\/me\/bindings\/([0-9a-f]+)\/delete"/.exec(page)![1]!;
    const stranger = await signIn(base, 'o-stranger');
    const foreign = await fetch(`${base}/me/bindings/${id}/delete`, { method: 'POST', headers: { cookie: stranger, origin: base }, redirect: 'manual' });
    assert.equal(foreign.status, 404);
    const crossSite = await fetch(`${base}/me/bindings/${id}/delete`, { method: 'POST', headers: { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, redirect: 'manual' });
    assert.equal(crossSite.status, 403);
    const removed = await fetch(`${base}/me/bindings/${id}/delete`, { method: 'POST', headers: { cookie, origin: base }, redirect: 'manual' });
    assert.equal(removed.status, 303);
    const list = (await (await fetch(`${base}/api/bindings`, { headers: { cookie } })).json()) as unknown[];
    assert.deepEqual(list, []);
  });

  it('shows the field errors on the page when a licence number is not a valid ID number', async () => {
    const cookie = await signIn(base, 'o-h5-bad');
    const res = await fetch(`${base}/me/bindings`, {
      method: 'POST',
      headers: { cookie, origin: base, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ department: 'jiaojing', kind: 'licence', idNumber: '420102199003071233', name: '张三' }),
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /驾驶证号（身份证号码）.*格式不正确|身份证/s);
  });

  it('keeps no plate, VIN or licence number in clear in the data directory, nor an application’s phone number', async () => {
    await chat(base, '绑定 鄂AD23456 K83210', 'o-disk');
    await chat(base, '绑定驾驶证 420105198511124569 李四', 'o-disk');
    const cookie = await signIn(base, 'o-disk');
    const form = new FormData();
    for (const [k, v] of Object.entries({ decisionNumber: '420100000000123', plateNumber: '鄂A12345', mobile: '13912345678' })) form.append(k, v);
    const submitted = await fetch(`${base}/api/services/jiaojing/fakuan-jiaona/applications`, { method: 'POST', headers: { cookie, origin: base }, body: form });
    assert.equal(submitted.status, 201);
    const no = ((await submitted.json()) as { no: string }).no;
    const own = (await (await fetch(`${base}/api/applications/${encodeURIComponent(no)}`, { headers: { cookie } })).json()) as { data: Record<string, string> };
    assert.equal(own.data.mobile, '13912345678', 'the citizen reads the phone number back');
    await running!.close();
    running = undefined;
    const bindingFiles = (await filesUnder(path.join(dataDir, 'store'))).filter((f) => f.includes(`${path.sep}bindings${path.sep}`));
    assert.ok(bindingFiles.length > 0, 'the bindings collection is on disk');
    for (const file of await filesUnder(dataDir)) {
      const bytes = await readFile(file);
      for (const secret of ['鄂AD23456', 'K83210', '420105198511124569', '李四', '鄂A0B789', '7C3E55', '13912345678']) {
        assert.equal(bytes.includes(Buffer.from(secret)), false, `${path.relative(dataDir, file)} holds ${secret} in clear`);
      }
    }
  });
});
