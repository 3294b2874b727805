// Throughput of the WeChat callback: `npx tsx bench/wechat.ts` (not part of npm test).
// Each server runs in its own child process; autocannon (32 connections, loopback only) sends
// signed text messages that hit a keyword, each with a fresh MsgId so dedup cannot short-circuit,
// with the message log on a real lowdb store in a temp directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { AccountBuild } from '../server/builder/types.js';
import { createWechatRouter } from '../server/http/wechat/wechat-router.js';
import { createLiveBuild } from '../server/live-build.js';
import { createMsgCrypt } from '../server/wechat/crypto.js';
import { msgSignature, plainSignature } from '../server/wechat/signature.js';
import { testConfig, TOKEN, AES_KEY, APP_ID } from '../test/gateway/harness.js';
import { keyword, makeBuild } from '../test/gateway/build-fixture.js';

type Variant = 'bare' | 'small' | 'large';
type Mode = 'plain' | 'safe';
const SELF = fileURLToPath(import.meta.url);
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 6);
const LARGE_KEYWORDS = 20_000;

async function cityBuild(): Promise<AccountBuild> {
  try {
    const { buildAccount } = await import('../server/builder/build-account.js');
    const { loadCityFromDir } = await import('../server/builder/load-city.js');
    const build = buildAccount(await loadCityFromDir(path.join(path.dirname(SELF), '..', 'topics')), { publicBaseUrl: 'https://gov.example.cn' });
    if (build.keywords.some((k) => k.target.kind === 'service')) return build;
  } catch {
    // the builder or topics/ are not there yet: fall back to the test fixture
  }
  return makeBuild();
}

function enlarge(build: AccountBuild, count: number): AccountBuild {
  const owners = build.services.map((s) => s.ref);
  const extra = Array.from({ length: count }, (_, i) =>
    keyword(`事项${i.toString(36)}号${i % 7 ? '查询' : '办理'}`, build.services[i % owners.length]!.department, { kind: 'service', service: owners[i % owners.length]! }, { match: i % 3 ? 'contains' : 'exact', priority: i % 5 }),
  );
  return { ...build, hash: `${build.hash}-large`, keywords: [...build.keywords, ...extra] };
}

/** Child process: start one server, print its port, serve until killed. */
async function serve(variant: Variant) {
  const app = express();
  if (variant === 'bare') {
    app.post('/wechat', (_req, res) => void res.type('text/plain').send('success'));
  } else {
    const { createLowdbStore } = await import('../server/store/lowdb-store.js');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'onestop-bench-'));
    const store = await createLowdbStore(dir);
    const small = await cityBuild();
    const live = createLiveBuild(variant === 'large' ? enlarge(small, LARGE_KEYWORDS) : small);
    app.use('/wechat', createWechatRouter({ config: testConfig(), store, live }));
    process.on('SIGTERM', () => void store.close().then(() => rm(dir, { recursive: true, force: true })).finally(() => process.exit(0)));
  }
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`PORT ${typeof address === 'object' && address ? address.port : 0}\n`);
  });
}

/** Pre-built signed requests, each with its own MsgId and nonce (safe mode: its own Encrypt and msg_signature). */
function requests(texts: string[], mode: Mode, count: number) {
  const crypt = createMsgCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appId: APP_ID });
  const ts = String(Math.floor(Date.now() / 1000));
  return Array.from({ length: count }, (_, i) => {
    // Each push its own nonce, as WeChat sends them: the gateway refuses a nonce reused with another body.
    const nonce = String(20251122 + i);
    const signature = plainSignature(TOKEN, ts, nonce);
    const xml = `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[o-bench-${i % 997}]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${texts[i % texts.length]}]]></Content><MsgId>${8_000_000_000_000_000_000n + BigInt(i)}</MsgId></xml>`;
    if (mode === 'plain') return { path: `/wechat?signature=${signature}&timestamp=${ts}&nonce=${nonce}`, body: xml };
    const encrypt = crypt.encrypt(xml);
    const ms = msgSignature(TOKEN, ts, nonce, encrypt);
    return { path: `/wechat?signature=${signature}&timestamp=${ts}&nonce=${nonce}&encrypt_type=aes&msg_signature=${ms}`, body: `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` };
  });
}

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Server CPU per request (user+system), and the share of one core the server used. */
  cpuUsPerReq?: number;
  cpuShare?: number;
}

/** CPU seconds a child has used so far (Linux /proc; undefined elsewhere). */
function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return undefined;
  }
}

async function start(variant: Variant): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--serve', variant], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /PORT (\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`server ${variant} exited with ${code}`)));
  });
  return { child, port };
}

async function run(name: string, variant: Variant, mode: Mode, texts: string[]): Promise<Figures> {
  const require = createRequire(import.meta.url);
  const autocannon = require('autocannon') as (opts: object) => Promise<{ requests: { average: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number; timeouts: number }>;
  const reqs = requests(texts, mode, 120_000);
  const { child, port } = await start(variant);
  try {
    let i = 0;
    const setupRequest = (req: Record<string, unknown>) => ({ ...req, ...reqs[i++ % reqs.length] });
    const base = { url: `http://127.0.0.1:${port}`, connections: 32, method: 'POST', headers: { 'content-type': 'text/xml' }, requests: [{ setupRequest }] };
    await autocannon({ ...base, duration: 1 }); // warm up the JIT
    const cpuBefore = cpuSeconds(child.pid!);
    const started = performance.now();
    const r = await autocannon({ ...base, duration: DURATION_S });
    const wall = (performance.now() - started) / 1000;
    const cpuAfter = cpuSeconds(child.pid!);
    const figures: Figures = { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts };
    if (cpuBefore !== undefined && cpuAfter !== undefined) {
      figures.cpuUsPerReq = ((cpuAfter - cpuBefore) * 1e6) / (r.requests.average * wall);
      figures.cpuShare = (cpuAfter - cpuBefore) / wall;
    }
    return figures;
  } finally {
    child.kill('SIGTERM');
  }
}

async function main() {
  const small = await cityBuild();
  const texts = small.keywords.filter((k) => k.target.kind === 'service' && k.match === 'contains').slice(0, 20).map((k) => `我想问${k.text}`);
  console.log(`城市构建：${small.keywords.length} 条关键词；大构建：${small.keywords.length + LARGE_KEYWORDS} 条。每项 ${DURATION_S} 秒，32 连接。`);
  const results: Figures[] = [];
  for (const [name, variant, mode] of [
    ['(a) bare express', 'bare', 'plain'],
    ['(b) onestop small, plain', 'small', 'plain'],
    ['(c) onestop 20k keywords, plain', 'large', 'plain'],
    ['(b) onestop small, safe', 'small', 'safe'],
    ['(c) onestop 20k keywords, safe', 'large', 'safe'],
  ] as Array<[string, Variant, Mode]>) {
    const f = await run(name, variant, mode, texts);
    results.push(f);
    const cpu = f.cpuUsPerReq === undefined ? '' : `  server CPU ${f.cpuUsPerReq.toFixed(0)} µs/req (${(f.cpuShare! * 100).toFixed(0)}% of a core)`;
    console.log(`${f.name.padEnd(34)} ${f.rps.toFixed(0).padStart(7)} req/s  p50 ${f.p50} ms  p99 ${f.p99} ms  errors ${f.errors}${cpu}`);
  }
  const [bare, smallPlain, largePlain, smallSafe, largeSafe] = results as [Figures, Figures, Figures, Figures, Figures];
  const check = (label: string, ratio: number, target: number) => {
    console.log(`${ratio >= target ? 'PASS' : 'FAIL'}  ${label}: ${ratio.toFixed(2)} (target ≥ ${target})`);
    return ratio >= target;
  };
  const ok = [
    check('plain / bare', smallPlain.rps / bare.rps, 0.7),
    check('20k keywords / small (plain)', largePlain.rps / smallPlain.rps, 0.9),
    check('20k keywords / small (safe)', largeSafe.rps / smallSafe.rps, 0.9),
    check('safe / bare', smallSafe.rps / bare.rps, 0.5),
    results.every((r) => r.errors === 0),
  ].every(Boolean);
  if (results.some((r) => r.errors > 0)) console.log('FAIL  some requests failed');
  // When the load generator, not the server, is the limit, req/s ratios flatter us; CPU per
  // request is the capacity figure that does not depend on the client.
  if (results.every((r) => r.cpuUsPerReq !== undefined)) {
    const capacity = (r: Figures) => 1e6 / r.cpuUsPerReq!;
    console.log(`Capacity per core (1 / server CPU per request): bare ${capacity(bare).toFixed(0)}, small plain ${capacity(smallPlain).toFixed(0)}, 20k plain ${capacity(largePlain).toFixed(0)}, small safe ${capacity(smallSafe).toFixed(0)}, 20k safe ${capacity(largeSafe).toFixed(0)} req/s`);
    console.log(`  ratios: plain/bare ${(capacity(smallPlain) / capacity(bare)).toFixed(2)}, 20k/small ${(capacity(largePlain) / capacity(smallPlain)).toFixed(2)}, safe/bare ${(capacity(smallSafe) / capacity(bare)).toFixed(2)}`);
  }
  process.exitCode = ok ? 0 : 1;
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) void serve(process.argv[serveAt + 1] as Variant);
else await main();
