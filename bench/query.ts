// Instant answers under load: `npx tsx bench/query.ts` (not part of npm test). Through the full
// server (startServer on the sample city, lowdb message log, local mode) at 32 connections:
//   (a) keyword replies, (b) table queries (尾号限行), (c) connector queries to a stand-in of the
//   departments' systems in its own process answering in 50 ms with 1% failures, and (a) again
//   while (c) runs. Targets, each against a baseline from the same run: (b) ≥ 0.9 × (a);
//   (c) p99 < 200 ms; (a) while (c) runs ≥ 0.9 × (a) alone.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { LOCAL_CONNECTOR_SECRET } from '../server/connectors/index.js';
import { loadConfig } from '../server/config.js';
import { createDepartmentStandin } from '../server/http/index.js';
import { startServer } from '../server/main.js';
import { plainSignature } from '../server/wechat/index.js';
import { cpuSeconds, mainThreadCpuSeconds, startChild } from './support/child-server.js';

const SELF = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SELF), '..');
const TOKEN = 'onestop-bench-token';
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = 32;

/** Child: the departments' systems, 50 ms per answer, 1% HTTP 500. */
function serveStandin() {
  const app = express();
  app.use(createDepartmentStandin({ secrets: { jiaojing: LOCAL_CONNECTOR_SECRET, gongjijin: LOCAL_CONNECTOR_SECRET, renshe: LOCAL_CONNECTOR_SECRET }, delayMs: 50, failRate: 0.01 }));
  const server = app.listen(0, '127.0.0.1', () => {
    const a = server.address();
    process.stdout.write(`PORT ${typeof a === 'object' && a ? a.port : 0}\n`);
  });
}

/** Child: the full server on a copy of the sample city whose connectors point at the stand-in. */
async function serveOnestop(standinPort: string) {
  const topics = await mkdtemp(path.join(os.tmpdir(), 'onestop-bench-topics-'));
  const data = await mkdtemp(path.join(os.tmpdir(), 'onestop-bench-data-'));
  await cp(path.join(ROOT, 'topics'), topics, { recursive: true });
  const accountPath = path.join(topics, 'account.json');
  const account = JSON.parse(await readFile(accountPath, 'utf8')) as { connectors: { id: string; baseUrl: string }[]; queries?: object };
  for (const c of account.connectors) c.baseUrl = `http://127.0.0.1:${standinPort}/${c.id.split('-')[0]}`;
  account.queries = { perMinute: 600 }; // the load comes from a few thousand simulated citizens
  await writeFile(accountPath, JSON.stringify(account, null, 2));
  const running = await startServer(loadConfig({ DATA_DIR: data, TOPICS_DIR: topics, PORT: '0', WECHAT_TOKEN: TOKEN }), () => {});
  process.stdout.write(`PORT ${running.port}\n`);
  process.on('SIGTERM', () => void running.close().finally(() => Promise.all([rm(topics, { recursive: true, force: true }), rm(data, { recursive: true, force: true })]).finally(() => process.exit(0))));
}

const start = (args: string[]) => startChild(SELF, args);

let sequence = 0;
/** Signed text pushes, each with its own MsgId and nonce, from a few thousand citizens. */
function pushes(texts: string[], count: number) {
  const ts = String(Math.floor(Date.now() / 1000));
  return Array.from({ length: count }, () => {
    const i = sequence++;
    const nonce = String(30_000_000 + i);
    const xml = `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[o-bench-${i % 4999}]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${texts[i % texts.length]}]]></Content><MsgId>${8_100_000_000_000_000_000n + BigInt(i)}</MsgId></xml>`;
    return { path: `/wechat?signature=${plainSignature(TOKEN, ts, nonce)}&timestamp=${ts}&nonce=${nonce}`, body: xml };
  });
}

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** onestop server CPU (user+system) per answered request: the capacity figure that load on a shared machine distorts least. */
  cpuUsPerReq?: number;
  /** Of which on the main thread (the event loop every reply waits for); the rest is the connector thread, GC and I/O threads. */
  mainUsPerReq?: number;
}


type Autocannon = (opts: object) => Promise<{ requests: { average: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number; timeouts: number }>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

async function load(name: string, port: number, texts: string[], seconds = DURATION_S): Promise<Figures> {
  const reqs = pushes(texts, 60_000);
  let i = 0;
  const setupRequest = (req: Record<string, unknown>) => ({ ...req, ...reqs[i++ % reqs.length] });
  const r = await autocannon({ url: `http://127.0.0.1:${port}`, connections: CONNECTIONS, method: 'POST', headers: { 'content-type': 'text/xml' }, requests: [{ setupRequest }], duration: seconds });
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts };
}

const print = (f: Figures) =>
  console.log(`${f.name.padEnd(40)} ${f.rps.toFixed(0).padStart(6)} req/s  p50 ${f.p50} ms  p99 ${f.p99} ms  errors ${f.errors}${f.cpuUsPerReq === undefined ? '' : `  server CPU ${f.cpuUsPerReq.toFixed(0)} µs/req`}${f.mainUsPerReq === undefined ? '' : ` (main thread ${f.mainUsPerReq.toFixed(0)})`}`);

/** Runs `loads` at once and adds the server's CPU per request (shared out by request count). */
async function measured(pid: number, loads: Array<() => Promise<Figures>>): Promise<Figures[]> {
  const before = cpuSeconds(pid);
  const mainBefore = mainThreadCpuSeconds(pid);
  const results = await Promise.all(loads.map((l) => l()));
  const after = cpuSeconds(pid);
  const mainAfter = mainThreadCpuSeconds(pid);
  const total = results.reduce((n, f) => n + f.rps * DURATION_S, 0);
  if (before !== undefined && after !== undefined) for (const f of results) f.cpuUsPerReq = ((after - before) * 1e6) / total;
  if (mainBefore !== undefined && mainAfter !== undefined) for (const f of results) f.mainUsPerReq = ((mainAfter - mainBefore) * 1e6) / total;
  return results;
}

async function main() {
  const standin = await start(['--standin']);
  const server = await start(['--server', String(standin.port)]);
  try {
    const keywordTexts = ['社保卡补办', '护照', '公积金提取', '年检预约', '个税咨询', '社保卡补办要带什么', '港澳通行证', '发票代开'];
    const tableTexts = Array.from({ length: 10 }, (_, d) => `限行 ${d}`).concat(['尾号8今天限行吗', '明天限行吗', '限行']);
    const connectorTexts = ['违章 鄂A12345 4F2A91', '违章 鄂AD23456 K83210', '记分 420102199003071232 420100123456', '公积金余额 420105198511124569 李四', '社保查询 420111199206187899 王五'];
    console.log(`完整服务器（示例城市，lowdb 消息日志），${CONNECTIONS} 连接，每项 ${DURATION_S} 秒；部门系统替身：每次 50 毫秒，1% 返回 500。`);
    await load('warm-up', server.port, [...keywordTexts, ...tableTexts, ...connectorTexts], 2);
    const pid = server.child.pid!;
    const [a] = (await measured(pid, [() => load('(a) keyword replies', server.port, keywordTexts)])) as [Figures];
    print(a);
    const [b] = (await measured(pid, [() => load('(b) table queries', server.port, tableTexts)])) as [Figures];
    print(b);
    const [c] = (await measured(pid, [() => load('(c) connector queries', server.port, connectorTexts)])) as [Figures];
    print(c);
    const [aDuring, cDuring] = (await measured(pid, [() => load('(a) keyword replies while (c) runs', server.port, keywordTexts), () => load('(c) connector queries, alongside', server.port, connectorTexts)])) as [Figures, Figures];
    print(aDuring);
    print(cDuring);
    console.log(`负载（1 分钟平均）：${os.loadavg()[0]!.toFixed(1)}，CPU 核数 ${os.cpus().length}：负载高于核数时吞吐量比值不可靠，以服务器每请求 CPU 为准。`);
    if (a.cpuUsPerReq !== undefined && b.cpuUsPerReq !== undefined && c.cpuUsPerReq !== undefined) {
      console.log(`Capacity per core (1 / server CPU per request): keyword ${(1e6 / a.cpuUsPerReq).toFixed(0)}, table ${(1e6 / b.cpuUsPerReq).toFixed(0)}, connector ${(1e6 / c.cpuUsPerReq).toFixed(0)} req/s; table/keyword ${(a.cpuUsPerReq / b.cpuUsPerReq).toFixed(2)}`);
    }
    if (a.mainUsPerReq !== undefined && b.mainUsPerReq !== undefined && c.mainUsPerReq !== undefined) {
      console.log(`Main thread (event loop) per request: keyword ${a.mainUsPerReq.toFixed(0)}, table ${b.mainUsPerReq.toFixed(0)}, connector ${c.mainUsPerReq.toFixed(0)} µs — what (c) takes from (a) while both run`);
    }
    const check = (label: string, ok: boolean, figure: string) => {
      console.log(`${ok ? 'PASS' : 'FAIL'}  ${label}: ${figure}`);
      return ok;
    };
    const ok = [
      check('(b) / (a)', b.rps / a.rps >= 0.9, `${(b.rps / a.rps).toFixed(2)} (target ≥ 0.9)`),
      check('(c) p99', c.p99 < 200, `${c.p99} ms (target < 200 ms; the stand-in alone takes 50 ms)`),
      check('(a) while (c) / (a) alone', aDuring.rps / a.rps >= 0.9, `${(aDuring.rps / a.rps).toFixed(2)} (target ≥ 0.9)`),
      check('no failed HTTP requests', [a, b, c, aDuring, cDuring].every((f) => f.errors === 0), 'the 1% stand-in failures are answered with the failed reply, not an error'),
    ].every(Boolean);
    process.exitCode = ok ? 0 : 1;
  } finally {
    server.child.kill('SIGTERM');
    standin.child.kill('SIGTERM');
  }
}

const at = (flag: string) => process.argv.indexOf(flag);
if (at('--standin') >= 0) serveStandin();
else if (at('--server') >= 0) await serveOnestop(process.argv[at('--server') + 1]!);
else await main();
