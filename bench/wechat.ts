// Throughput of the WeChat callback on the whole server: `npx tsx bench/wechat.ts` (not part of
// npm test). Each server runs in its own child process. The onestop servers are started exactly as
// `onestop serve` starts them (startServer: every router and middleware mounted, the message log
// on a real lowdb store in a temp directory), connected to "real" WeChat through a stand-in of the
// API on loopback, with safe mode configured. autocannon (32 connections, loopback only) sends
// signed text messages that hit a keyword, each with a fresh MsgId so dedup cannot short-circuit.
// The bare-express baseline runs in the same run, on the same machine, in interleaved rounds
// (BENCH_ROUNDS, default 3; the median of each counts). BENCH_SECONDS sets each run's length;
// BENCH_ONLY=main|plain|safe|accounts runs a part; BENCH_CPU_PROF=<dir> profiles each server.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { buildAccount } from '../server/builder/build-account.js';
import { loadCityFromDir } from '../server/builder/load-city.js';
import { loadConfig, projectRoot } from '../server/config.js';
import { createWechatStandin } from '../server/http/wechat-standin/wechat-standin.js';
import { startServer } from '../server/main.js';
import { createMemoryStore } from '../server/store/memory-store.js';
import { LOCAL_STANDIN_CREDENTIALS } from '../server/wechat/standin/standin-state.js';
import { cpuSeconds, startChild } from './support/child-server.js';
import { accountTexts, AES_KEY, keywordTexts, APP_ID, type Mode, requests, TOKEN, tokenOf } from './support/wechat-pushes.js';

type Variant = 'bare' | 'small' | 'large' | 'one-account' | 'three-accounts';
const SELF = fileURLToPath(import.meta.url);
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 6);
const LARGE_KEYWORDS = 20_000;

const SAMPLE_CITY = path.join(projectRoot, 'topics');
/** The sample city's further accounts, with their own tokens (the AppID is the stand-in's for all). */
const SIBLINGS = ['chuxing', 'jiaojing-neibu'];

/** The sample city as a single-account city: the same files without accounts/. */
async function singleAccountCity(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'onestop-bench-city-'));
  await cp(SAMPLE_CITY, dir, { recursive: true });
  await rm(path.join(dir, 'accounts'), { recursive: true, force: true });
  return dir;
}

/**
 * The sample city plus `count` keywords in generated departments (25 services × 20 keywords each,
 * the per-service limit): `事项<n>号查询` cannot contain another (号 ends each number), so none
 * conflicts with another or with the city's own.
 */
async function enlargedCity(count: number): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'onestop-bench-city-'));
  await cp(SAMPLE_CITY, dir, { recursive: true });
  const PER_SERVICE = 20;
  const PER_DEPARTMENT = 25;
  let n = 0;
  for (let d = 0; n < count; d++) {
    const services = [];
    for (let s = 0; s < PER_DEPARTMENT && n < count; s++) {
      const keywords = [];
      for (let k = 0; k < PER_SERVICE && n < count; k++, n++) keywords.push({ text: `事项${n.toString(36)}号${n % 7 ? '查询' : '办理'}`, match: n % 3 ? 'contains' : 'exact' });
      services.push({ id: `svc-${s}`, name: `压测事项${d}-${s}`, summary: '压测用的事项。', keywords, steps: { location: { halls: ['main'] } } });
    }
    const department = {
      $schema: '../../schemas/department.schema.json',
      id: `bench-${d}`,
      name: `压测第${d}局`,
      halls: [{ id: 'main', name: '办事大厅', address: `压测路 ${d} 号`, lat: 30, lng: 120, hours: { mon: [{ open: '09:00', close: '17:00' }] } }],
      services,
    };
    await writeFile(path.join(dir, 'departments', `bench-${d}.json`), JSON.stringify(department, null, 1));
  }
  return dir;
}

/** Child process: start one server, print its port, serve until killed. */
async function serve(variant: Variant) {
  if (variant === 'bare') {
    const app = express();
    app.post('/wechat', (_req, res) => void res.type('text/plain').send('success'));
    const server = app.listen(0, '127.0.0.1', () => {
      const address = server.address();
      process.stdout.write(`PORT ${typeof address === 'object' && address ? address.port : 0}\n`);
    });
    process.on('SIGTERM', () => process.exit(0)); // exits normally, so BENCH_CPU_PROF gets its profile
    return;
  }
  // WeChat's API (token, menu/create at start-up) answered by the stand-in, on loopback.
  const api = express().use('/_wechat', createWechatStandin(createMemoryStore()));
  const apiServer = api.listen(0, '127.0.0.1');
  await new Promise((resolve) => apiServer.once('listening', resolve));
  const apiPort = (apiServer.address() as { port: number }).port;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'onestop-bench-'));
  const topicsDir = variant === 'large' ? await enlargedCity(LARGE_KEYWORDS) : variant === 'one-account' ? await singleAccountCity() : SAMPLE_CITY;
  // Every further account's credentials: one stand-in AppID, a token of its own.
  const siblings = Object.fromEntries(
    SIBLINGS.flatMap((id) => {
      const ID = id.toUpperCase().replaceAll('-', '_');
      return [[`WECHAT_${ID}_APPID`, APP_ID], [`WECHAT_${ID}_SECRET`, LOCAL_STANDIN_CREDENTIALS.secret], [`WECHAT_${ID}_TOKEN`, tokenOf(id)], [`WECHAT_${ID}_ENCODING_AES_KEY`, AES_KEY]];
    }),
  );
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    TOPICS_DIR: topicsDir,
    PUBLIC_BASE_URL: 'https://gov.example.cn',
    SESSION_SECRET: 'bench-session-secret-of-at-least-32-chars',
    WECHAT_APPID: APP_ID,
    WECHAT_SECRET: LOCAL_STANDIN_CREDENTIALS.secret,
    WECHAT_API_BASE: `http://127.0.0.1:${apiPort}/_wechat`,
    WECHAT_TOKEN: TOKEN,
    WECHAT_ENCODING_AES_KEY: AES_KEY,
    // The cashier is not on this path; the local one needs no merchant keys.
    PAY_PROVIDER: 'local',
    // A real account needs vault keys; these protect nothing but bench data.
    VAULT_KEYS: `bench:${Buffer.alloc(32, 3).toString('base64')}`,
    VAULT_INDEX_KEY: Buffer.alloc(32, 5).toString('base64'),
    ...(variant === 'one-account' ? {} : siblings),
  });
  const running = await startServer(config, (line) => void (/错误/.test(line) && process.stderr.write(`${line}\n`)));
  process.stdout.write(`PORT ${running.port}\n`);
  process.on('SIGTERM', () =>
    void running
      .close()
      .then(() => rm(dataDir, { recursive: true, force: true }))
      .then(() => (topicsDir === SAMPLE_CITY ? undefined : rm(topicsDir, { recursive: true, force: true })))
      .finally(() => process.exit(0)),
  );
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


const start = (variant: Variant) => startChild(SELF, ['--serve', variant]);

// Interleaved rounds, the median of each: on a shared machine one slow moment must not decide.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The median round by req/s, with the median server CPU per request and every round's errors. */
function median(list: Figures[]): Figures {
  const sorted = [...list].sort((a, b) => a.rps - b.rps);
  const mid = sorted[Math.floor(sorted.length / 2)]!;
  const cpus = list.map((f) => f.cpuUsPerReq).filter((c): c is number => c !== undefined).sort((a, b) => a - b);
  const shares = list.map((f) => f.cpuShare).filter((c): c is number => c !== undefined).sort((a, b) => a - b);
  return { ...mid, errors: list.reduce((n, f) => n + f.errors, 0), ...(cpus.length ? { cpuUsPerReq: cpus[Math.floor(cpus.length / 2)], cpuShare: shares[Math.floor(shares.length / 2)] } : {}) };
}

/** A running bench server and the callback a row drives on it. */
interface Callback {
  name: string;
  port: number;
  pid: number;
  account: string | undefined;
  /** Pushes sent to this callback so far: each slice goes on from here (every push its own MsgId and nonce). */
  sent: number;
}

/** `seconds` of signed pushes on one callback, 32 connections, no push repeated (every row's measurement). */
async function slice(cb: Callback, texts: string[], seconds: number, mode: Mode = 'plain'): Promise<Figures> {
  const require = createRequire(import.meta.url);
  const autocannon = require('autocannon') as (opts: object) => Promise<{ requests: { total: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number; timeouts: number }>;
  const first = cb.sent;
  const reqs = requests(texts, mode, Math.ceil(seconds * 15_000), cb.account, first);
  let i = 0;
  // More pushes than were signed beforehand (a faster machine): signed on the spot, each still its own.
  const setupRequest = (req: Record<string, unknown>) => {
    const push = reqs[i] ?? requests(texts, mode, 1, cb.account, first + i)[0]!;
    i++;
    return { ...req, ...push };
  };
  const cpuBefore = cpuSeconds(cb.pid);
  const started = performance.now();
  const r = await autocannon({ url: `http://127.0.0.1:${cb.port}`, connections: 32, method: 'POST', headers: { 'content-type': 'text/xml' }, requests: [{ setupRequest }], duration: seconds });
  const wall = (performance.now() - started) / 1000;
  const cpuAfter = cpuSeconds(cb.pid);
  cb.sent += i;
  const figures: Figures = { name: cb.name, rps: r.requests.total / wall, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts };
  if (cpuBefore !== undefined && cpuAfter !== undefined && r.requests.total > 0) {
    figures.cpuUsPerReq = ((cpuAfter - cpuBefore) * 1e6) / r.requests.total;
    figures.cpuShare = (cpuAfter - cpuBefore) / wall;
  }
  return figures;
}

const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A fresh server for one row: warmed up for a second, then measured for DURATION_S. */
async function run(name: string, variant: Variant, mode: Mode, texts: string[], account?: string): Promise<Figures> {
  const { child, port } = await start(variant);
  try {
    const cb: Callback = { name, port, pid: child.pid!, account, sent: 0 };
    await slice(cb, texts, 1, mode); // warm up the JIT
    return await slice(cb, texts, DURATION_S, mode);
  } finally {
    child.kill('SIGTERM');
  }
}

/**
 * Several accounts (BENCH_ONLY=accounts runs just this part): the same callback work on the sample city
 * with one account and with its three, per callback, against the single-account baseline of this run.
 * Both servers stay up for the whole part and the three callbacks take turns in short slices
 * (ACCOUNT_SLICES rounds of ACCOUNT_SLICE_S seconds each, the order rotating every round), so a slow
 * moment of a shared machine falls on one round of all three rather than on one row's whole run; the
 * verdict is the median over rounds of each callback's req/s divided by the baseline's in that round.
 */
async function accountsPart(texts: string[]): Promise<boolean> {
  const SLICES = Number(process.env.ACCOUNT_SLICES ?? 15);
  const SLICE_S = Number(process.env.ACCOUNT_SLICE_S ?? 3);
  console.log(
    `Several accounts: one-account city (the sample without accounts/) vs the three-account sample city, per callback, plain mode; ${texts.length} keywords both answer with a service card. ` +
      `Both servers up throughout; ${SLICES} rounds of ${SLICE_S} s per callback, taking turns.`,
  );
  const one = await start('one-account');
  const three = await start('three-accounts');
  try {
    const callbacks: Callback[] = [
      { name: '(d) one account, /wechat', port: one.port, pid: one.child.pid!, account: undefined, sent: 0 },
      { name: '(e) three accounts, /wechat (primary)', port: three.port, pid: three.child.pid!, account: undefined, sent: 0 },
      // Its own nonces and MsgIds, apart from the primary's on the same server.
      { name: '(f) three accounts, /wechat/chuxing', port: three.port, pid: three.child.pid!, account: 'chuxing', sent: 50_000_000 },
    ];
    for (const cb of callbacks) await slice(cb, texts, 2); // warm up the JIT on every callback
    const runs: Figures[][] = callbacks.map(() => []);
    for (let round = 0; round < SLICES; round++) {
      for (let k = 0; k < callbacks.length; k++) {
        const i = (round + k) % callbacks.length; // d e f, e f d, f d e, …
        runs[i]!.push(await slice(callbacks[i]!, texts, SLICE_S));
      }
      const [d, e, f] = runs.map((r) => r[round]!) as [Figures, Figures, Figures];
      const cpu = (x: Figures) => (x.cpuUsPerReq === undefined ? '' : ` (${x.cpuUsPerReq.toFixed(0)} µs)`);
      console.log(`round ${String(round + 1).padStart(2)}: d ${d.rps.toFixed(0).padStart(6)}${cpu(d)}  e ${e.rps.toFixed(0).padStart(6)}${cpu(e)}  f ${f.rps.toFixed(0).padStart(6)}${cpu(f)} req/s   e/d ${(e.rps / d.rps).toFixed(2)}  f/d ${(f.rps / d.rps).toFixed(2)}`);
    }
    const figures = runs.map(median);
    for (const f of figures) console.log(`median ${f.name.padEnd(37)} ${f.rps.toFixed(0).padStart(7)} req/s  p50 ${f.p50} ms  p99 ${f.p99} ms${f.cpuUsPerReq === undefined ? '' : `  server CPU ${f.cpuUsPerReq.toFixed(0)} µs/req`}  errors ${f.errors}`);
    let ok = figures.every((f) => f.errors === 0);
    if (!ok) console.log('FAIL  some requests failed');
    const [base, ...others] = runs as [Figures[], Figures[], Figures[]];
    for (const [label, rounds] of [['primary callback', others[0]], ['chuxing callback', others[1]]] as Array<[string, Figures[]]>) {
      const ratios = rounds.map((f, r) => f.rps / base[r]!.rps);
      const ratio = medianOf(ratios);
      const total = rounds.reduce((n, f) => n + f.rps, 0) / base.reduce((n, f) => n + f.rps, 0);
      console.log(`${ratio >= 0.95 ? 'PASS' : 'FAIL'}  three accounts, ${label} / one account: ${ratio.toFixed(2)} (target ≥ 0.95; median of ${ratios.length} rounds, each against the baseline's slice of the same round; rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; all rounds together ${total.toFixed(2)}; baseline median ${medianOf(base.map((f) => f.rps)).toFixed(0)} req/s)`);
      const cpuRatios = rounds.flatMap((f, r) => (f.cpuUsPerReq && base[r]!.cpuUsPerReq ? [base[r]!.cpuUsPerReq! / f.cpuUsPerReq] : []));
      if (cpuRatios.length) console.log(`      by server CPU per request: ${medianOf(cpuRatios).toFixed(2)}`);
      ok &&= ratio >= 0.95;
    }
    return ok;
  } finally {
    one.child.kill('SIGTERM');
    three.child.kill('SIGTERM');
  }
}

async function main() {
  const small = buildAccount(await loadCityFromDir(SAMPLE_CITY), { publicBaseUrl: 'https://gov.example.cn' });
  const texts = await keywordTexts();
  const chuxingTexts = await accountTexts();
  if (process.env.BENCH_ONLY === 'accounts') {
    process.exitCode = (await accountsPart(chuxingTexts)) ? 0 : 1;
    return;
  }
  // BENCH_ONLY=main skips the accounts part; BENCH_ONLY=plain or safe runs (a) and that mode's (b) only (profiling).
  const only = process.env.BENCH_ONLY;
  console.log(`Whole server as onestop serve builds it. Sample city: ${small.keywords.length} keywords; large: ${small.keywords.length + LARGE_KEYWORDS}. ${DURATION_S} s each, 32 connections.`);
  const rows = (
    [
      ['bare', '(a) bare express', 'bare', 'plain'],
      ['smallPlain', '(b) onestop sample city, plain', 'small', 'plain'],
      ['largePlain', '(c) onestop +20k keywords, plain', 'large', 'plain'],
      ['smallSafe', '(b) onestop sample city, safe', 'small', 'safe'],
      ['largeSafe', '(c) onestop +20k keywords, safe', 'large', 'safe'],
    ] as Array<[string, string, Variant, Mode]>
  ).filter(([, , variant, mode]) => (only === 'plain' || only === 'safe' ? variant === 'bare' || (variant === 'small' && mode === only) : true));
  const runs: Figures[][] = rows.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [, name, variant, mode]] of rows.entries()) {
      const f = await run(name, variant, mode, texts);
      runs[i]!.push(f);
      const cpu = f.cpuUsPerReq === undefined ? '' : `  server CPU ${f.cpuUsPerReq.toFixed(0)} µs/req (${(f.cpuShare! * 100).toFixed(0)}% of a core)`;
      console.log(`${`${f.name} #${round + 1}`.padEnd(38)} ${f.rps.toFixed(0).padStart(7)} req/s  p50 ${f.p50} ms  p99 ${f.p99} ms  errors ${f.errors}${cpu}`);
    }
  }
  const results = runs.map(median);
  const by: Record<string, Figures> = Object.fromEntries(rows.map(([key], i) => [key, results[i]!]));
  if (ROUNDS > 1) for (const f of results) console.log(`median ${f.name.padEnd(31)} ${f.rps.toFixed(0).padStart(7)} req/s${f.cpuUsPerReq === undefined ? '' : `  server CPU ${f.cpuUsPerReq.toFixed(0)} µs/req`}`);
  const { bare, smallPlain, largePlain, smallSafe, largeSafe } = by;
  const check = (label: string, a: Figures | undefined, b: Figures | undefined, target: number) => {
    if (!a || !b) return true;
    const ratio = a.rps / b.rps;
    console.log(`${ratio >= target ? 'PASS' : 'FAIL'}  ${label}: ${ratio.toFixed(2)} (target ≥ ${target})`);
    return ratio >= target;
  };
  const ok = [
    check('plain / bare express', smallPlain, bare, 0.8),
    check('20k keywords / sample city (plain)', largePlain, smallPlain, 0.9),
    check('20k keywords / sample city (safe)', largeSafe, smallSafe, 0.9),
    check('safe / bare express', smallSafe, bare, 0.6),
    results.every((r) => r.errors === 0),
  ].every(Boolean);
  if (results.some((r) => r.errors > 0)) console.log('FAIL  some requests failed');
  // When the load generator, not the server, is the limit, req/s ratios flatter us; CPU per
  // request is the capacity figure that does not depend on the client.
  if (results.every((r) => r.cpuUsPerReq !== undefined)) {
    const capacity = (r: Figures) => 1e6 / r.cpuUsPerReq!;
    const named = (label: string, r: Figures | undefined) => (r ? [`${label} ${capacity(r).toFixed(0)}`] : []);
    const ratio = (label: string, a: Figures | undefined, b: Figures | undefined) => (a && b ? [`${label} ${(capacity(a) / capacity(b)).toFixed(2)}`] : []);
    console.log(`Capacity per core (1 / server CPU per request): ${[...named('bare', bare), ...named('small plain', smallPlain), ...named('20k plain', largePlain), ...named('small safe', smallSafe), ...named('20k safe', largeSafe)].join(', ')} req/s`);
    console.log(`  ratios: ${[...ratio('plain/bare', smallPlain, bare), ...ratio('20k/small', largePlain, smallPlain), ...ratio('safe/bare', smallSafe, bare), ...ratio('20k/small safe', largeSafe, smallSafe)].join(', ')}`);
  }
  if (only === 'main' || only === 'plain' || only === 'safe') {
    process.exitCode = ok ? 0 : 1;
    return;
  }
  const accountsOk = await accountsPart(chuxingTexts);
  process.exitCode = ok && accountsOk ? 0 : 1;
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) void serve(process.argv[serveAt + 1] as Variant);
else await main();
