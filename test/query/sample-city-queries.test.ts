// The sample city's five queries as `npm start` serves them: a real server on a temp data dir,
// connectors calling the local stand-in of the departments' systems over HTTP with real signing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/main.js';

const TOKEN = 'query-sample-token';
let seq = 0;

async function chat(base: string, content: string, from = 'o-query-sample'): Promise<string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(++seq); // each push its own nonce, as WeChat sends them
  const signature = createHash('sha1').update([TOKEN, timestamp, nonce].sort().join('')).digest('hex');
  const xml =
    `<xml><ToUserName><![CDATA[gh_jiangcheng]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName>` +
    `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${9_000_000 + seq}</MsgId></xml>`;
  const res = await fetch(`${base}/wechat?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: xml });
  const text = await res.text();
  return /<Content><!\[CDATA\[([\s\S]*?)\]\]><\/Content>/.exec(text)?.[1] ?? text;
}

async function query(base: string, ref: string, inputs: Record<string, string>) {
  const res = await fetch(`${base}/api/services/${ref}/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(inputs) });
  return { status: res.status, body: (await res.json()) as { found: boolean; reply: string; data: Record<string, unknown> } };
}

describe('the sample city’s queries', () => {
  let dataDir: string;
  let running: RunningServer;
  let base: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'onestop-queries-'));
    running = await startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0', WECHAT_TOKEN: TOKEN }), () => {});
    base = `http://127.0.0.1:${running.port}`;
  });
  after(async () => {
    await running?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 尾号限行 in the chat from the table', async () => {
    assert.match(await chat(base, '限行 3'), /^尾号 3 (在|)/);
  });

  it('answers 交通违法查询 in the chat through the stand-in, with a result page link', async () => {
    const reply = await chat(base, '违章 鄂a12345 4f2a91');
    assert.match(reply, /鄂A12345 有 2 条未处理的交通违法/);
    assert.match(reply, /<a href="http:\/\/localhost:\d+\/q\/[\w-]+">查看详情<\/a>/);
  });

  it('shows the result page with scene photos served through onestop to the asker only', async () => {
    const reply = await chat(base, '违章 鄂A12345 4F2A91', 'o-photo-owner');
    const pagePath = new URL(/href="([^"]+)"/.exec(reply)![1]!).pathname;
    const signIn = await fetch(`${base}/auth/local`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid: 'o-photo-owner' }), redirect: 'manual' });
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const page = await (await fetch(`${base}${pagePath}`, { headers: { cookie } })).text();
    assert.match(page, /江城大道与建设路交叉口/);
    const photo = /src="(\/q\/[^"]+\/photo\/0\/0)"/.exec(page)![1]!;
    assert.doesNotMatch(page, /_departments/);
    const image = await fetch(`${base}${photo}`, { headers: { cookie } });
    assert.equal(image.headers.get('content-type'), 'image/png');
    assert.equal((await fetch(`${base}${photo}`)).status, 404);
  });

  it('answers 驾驶证记分, 公积金余额 and 社保缴费记录 through the API', async () => {
    const points = await query(base, 'jiaojing/jifen-chaxun', { idNumber: '420102199003071232', fileNumber: '420100123456' });
    assert.match(points.body.reply, /累积记分 3 分/);
    const fund = await query(base, 'gongjijin/yue-chaxun', { idNumber: '420105198511124569', name: '李四' });
    assert.match(fund.body.reply, /余额 56,320.18 元/);
    const social = await query(base, 'renshe/shebao-jiaofei-chaxun', { idNumber: '420111199206187899', name: '王五' });
    assert.match(social.body.reply, /缴费记录 6 条/);
  });

  it('answers not found for a wrong VIN exactly as for an unknown plate', async () => {
    const wrongVin = await query(base, 'jiaojing/weifa-chaxun', { plateNumber: '鄂A12345', vinLast6: '000000' });
    const unknown = await query(base, 'jiaojing/weifa-chaxun', { plateNumber: '鄂A99999', vinLast6: '000000' });
    assert.deepEqual([wrongVin.status, wrongVin.body.found, unknown.body.found], [200, false, false]);
  });

  it('asks for the proof inputs when the keyword comes alone', async () => {
    assert.match(await chat(base, '违法查询'), /需要：号牌号码、车辆识别代号后6位/);
  });

  it('keeps the department’s photo paths out of the API answer', async () => {
    const r = await query(base, 'jiaojing/weifa-chaxun', { plateNumber: '鄂A12345', vinLast6: '4F2A91' });
    assert.doesNotMatch(JSON.stringify(r.body), /photos/);
  });
});
