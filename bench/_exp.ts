import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import express from 'express';
const require = createRequire(import.meta.url);
const v = process.argv[2];
if (process.argv[3] === 'serve') {
  const app = express();
  const big = '<xml>' + 'x'.repeat(600) + '</xml>';
  if (v === 'bare') app.post('/wechat', (_q, r) => void r.type('text/plain').send('success'));
  if (v === 'read') app.post('/wechat', (q, r) => { const c: Buffer[] = []; q.on('data', (d) => c.push(d)); q.on('end', () => { Buffer.concat(c).toString(); r.writeHead(200, { 'Content-Type': 'text/plain' }); r.end('success'); }); });
  if (v === 'read-big') app.post('/wechat', (q, r) => { const c: Buffer[] = []; q.on('data', (d) => c.push(d)); q.on('end', () => { Buffer.concat(c).toString(); r.writeHead(200, { 'Content-Type': 'application/xml' }); r.end(big); }); });
  if (v === 'router-read-big') { const rt = express.Router(); rt.post('/', (q, r) => { const c: Buffer[] = []; q.on('data', (d) => c.push(d)); q.on('end', () => { void q.query; Buffer.concat(c).toString(); r.writeHead(200, { 'Content-Type': 'application/xml' }); r.end(big); }); }); app.use('/wechat', rt); }
  const s = app.listen(0, '127.0.0.1', () => console.log('PORT ' + (s.address() as any).port));
} else {
  const autocannon = require('autocannon');
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/_exp.ts', v!, 'serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((r) => child.stdout!.on('data', (d) => r(Number(/PORT (\d+)/.exec(String(d))![1]))));
  const body = '<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[o-1]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[我想问公积金提取]]></Content><MsgId>8000000000000000001</MsgId></xml>';
  const opts = { url: `http://127.0.0.1:${port}`, connections: 32, method: 'POST', headers: { 'content-type': 'text/xml' }, requests: [{ setupRequest: (r: any) => ({ ...r, path: '/wechat?signature=abc&timestamp=1&nonce=2', body }) }] };
  await autocannon({ ...opts, duration: 1 });
  const cpu = () => { const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
  const c0 = cpu(); const t0 = performance.now();
  const res = await autocannon({ ...opts, duration: 5 });
  const secs = (performance.now() - t0) / 1000;
  console.log(v, res.requests.average.toFixed(0), 'req/s', ((cpu() - c0) * 1e6 / (res.requests.average * secs)).toFixed(0), 'µs/req');
  child.kill();
}
