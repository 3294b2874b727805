// Notices at scale: `npx tsx bench/notices.ts` (not part of npm test). The full server
// (startServer, lowdb with fsync, local mode) on a copy of the sample city without quiet hours,
// 200,000 citizens with an inspection date and 10% of them due, WeChat's stand-in in this process
// counting every send. Measured: the scheduler's planning pass at start-up, send throughput at the
// configured rate, the server's peak RSS, and duplicates/losses across three kill -9 during the run.
// Targets: planning < 10 s, peak RSS < 500 MB, 0 duplicates and 0 losses. Planning reads the bindings'
// reminder-day index, so it opens only the bindings due; the index of the seeded bindings is built
// once before the server starts and its time printed.
// BENCH_CITIZENS (default 200000), BENCH_RATE (sends/s, default 300), BENCH_STORE=postgres (the same
// on a throwaway PostgreSQL cluster, fsync on, instead of lowdb).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../server/config.js';
import { startServer } from '../server/main.js';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chooseEntry } from '../bin/choose-entry.js';
import { createPostgresStore } from '../server/store/index.js';
import { findPostgresBin, startCluster } from '../test/support/postgres-cluster.js';
import { cityWithoutQuietHours, countingStandin, indexSeeded, seedBindings, seedBindingsIn } from '../test/notices/support/city-under-test.js';
import { cpuSeconds, startChild } from './support/child-server.js';

const SELF = fileURLToPath(import.meta.url);
const CITIZENS = Number(process.env.BENCH_CITIZENS ?? 200_000);
const RATE = Number(process.env.BENCH_RATE ?? 300);

/**
 * How the server runs: as production does (BENCH_RUNNER=compiled, the default: `npm run build`'s
 * dist/ through bin/onestop.js, built first when stale) or from the TypeScript sources through tsx
 * (BENCH_RUNNER=tsx; tsx's loader adds ~80 MB of its own to the RSS).
 */
const RUNNER = process.env.BENCH_RUNNER === 'tsx' ? 'tsx' : 'compiled';

/** Compiles dist/ when it is older than the sources (as `npm run build` would). */
function ensureCompiled(): string {
  const root = path.resolve(path.dirname(SELF), '..');
  if (chooseEntry(root).kind === 'compiled') return 'dist/ 已是最新';
  const t = performance.now();
  const built = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');
  return `编译 dist/ 用时 ${((performance.now() - t) / 1000).toFixed(0)} s`;
}

/** The compiled server as `onestop serve`, configured through its environment; resolves with its port. */
async function startCompiled(data: string, topics: string, apiBase: string): Promise<{ child: ChildProcess; port: number }> {
  const root = path.resolve(path.dirname(SELF), '..');
  const env = { ...process.env, DATA_DIR: data, TOPICS_DIR: topics, PORT: '0', WECHAT_API_BASE: apiBase, NOTICES_RATE_PER_SECOND: String(RATE), ...(STORE_URL ? { STORE_URL } : {}) };
  const child = spawn(process.execPath, [path.join(root, 'bin/onestop.js'), 'serve'], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /（端口 (\d+)）/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`onestop serve exited with ${code}`)));
  });
  return { child, port };
}

/** Child: the full server; its log lines go to stdout for the parent to read. */
// The child gets the cluster's URL from the parent.
const STORE_URL = process.env.BENCH_STORE_URL || undefined;

async function serve(data: string, topics: string, apiBase: string) {
  const running = await startServer(
    loadConfig({ DATA_DIR: data, TOPICS_DIR: topics, PORT: '0', WECHAT_API_BASE: apiBase, NOTICES_RATE_PER_SECOND: String(RATE), ...(STORE_URL ? { STORE_URL } : {}) }),
    (line) => process.stdout.write(`${line}\n`),
  );
  process.stdout.write(`PORT ${running.port}\n`);
  process.on('SIGTERM', () => void running.close().finally(() => process.exit(0)));
}

/** Peak resident set of a process so far (Linux VmHWM), in MB. */
function peakRssMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function main() {
  if (process.env.BENCH_STORE === 'postgres' && !STORE_URL) {
    const bin = findPostgresBin();
    if (!bin) throw new Error('BENCH_STORE=postgres needs PostgreSQL (initdb) installed');
    const cluster = await startCluster(bin, { durable: true });
    process.env.BENCH_STORE_URL = cluster.url;
    try {
      // Re-run this script with the URL set, so parent and children agree on it.
      const { child } = { child: spawnSync(process.execPath, ['--import', 'tsx', SELF], { stdio: 'inherit', env: process.env }) };
      process.exitCode = child.status ?? 1;
    } finally {
      await cluster.stop();
    }
    return;
  }
  const data = await mkdtemp(path.join(os.tmpdir(), 'onestop-bench-notices-'));
  const topics = await cityWithoutQuietHours();
  const standin = await countingStandin();
  try {
    console.log(`${CITIZENS.toLocaleString()} 位市民（每 10 位 1 位到期），发送速率上限 ${RATE}/s；机器负载 ${os.loadavg()[0]!.toFixed(1)}（${os.cpus().length} 核，与其他进程共用）。`);
    console.log(RUNNER === 'compiled' ? `服务器：编译后的 dist/（与正式运行相同，bin/onestop.js serve；${ensureCompiled()}）` : '服务器：tsx 直接运行 TypeScript 源码（BENCH_RUNNER=tsx）');
    let t = performance.now();
    let due: number;
    let indexMs: number | undefined;
    if (STORE_URL) {
      const store = await createPostgresStore(STORE_URL, { poolSize: 8 });
      ({ due } = await seedBindingsIn(store, topics, CITIZENS, 10));
      indexMs = await indexSeeded(store, topics);
      await store.close();
    } else ({ due, indexMs } = await seedBindings(data, topics, CITIZENS, 10, { indexed: true }));
    console.log(`存储：${STORE_URL ? 'PostgreSQL' : 'lowdb（DATA_DIR，fsync）'}；写入数据：${((performance.now() - t) / 1000).toFixed(1)} s，到期 ${due.toLocaleString()} 条`);
    // Bindings made through the server are indexed as they are written; seeded ones are indexed in one pass (as `onestop bindings reindex` would).
    console.log(`提醒日期索引（一次性重建，读取并解密全部 ${CITIZENS.toLocaleString()} 条绑定）：${((indexMs ?? 0) / 1000).toFixed(1)} s`);

    const plans: number[] = [];
    const planCpu: number[] = [];
    let peak = 0;
    let cpu = 0;
    let sendingMs = 0;
    let sentWhileSending = 0;
    const run = async (stopAt: number | undefined) => {
      const { child, port } = RUNNER === 'compiled' ? await startCompiled(data, topics, standin.base) : await startChild(SELF, ['--serve', data, topics, standin.base]);
      standin.eventsTo.url = `http://127.0.0.1:${port}/wechat`;
      let planned: (v: number) => void;
      const planning = new Promise<number>((r) => (planned = r));
      let out = '';
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (d: string) => {
        out += d;
        const m = /提醒规划：[^\n]*用时 (\d+) ms（CPU (\d+) ms）/.exec(out);
        if (m && plans.length === planCpu.length) planCpu.push(Number(m[2]));
        if (m) planned(Number(m[1]));
      });
      plans.push(await planning);
      const sendingFrom = performance.now();
      const deliveredBefore = (await standin.delivered()).length;
      const watch = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid!) ?? 0)), 200);
      const done = async () => (await standin.delivered()).length >= (stopAt ?? due);
      while (!(await done())) await new Promise((r) => setTimeout(r, 100));
      clearInterval(watch);
      sendingMs += performance.now() - sendingFrom;
      sentWhileSending += (await standin.delivered()).length - deliveredBefore;
      peak = Math.max(peak, peakRssMb(child.pid!) ?? 0);
      cpu += cpuSeconds(child.pid!) ?? 0;
      const exited = new Promise((r) => child.on('exit', r));
      child.kill(stopAt === undefined ? 'SIGTERM' : 'SIGKILL');
      await exited;
    };

    t = performance.now();
    const firstSend = () => standin.attempts.length;
    for (const share of [0.25, 0.5, 0.75]) await run(Math.floor(due * share));
    await run(undefined);
    const seconds = (performance.now() - t) / 1000;
    await new Promise((r) => setTimeout(r, 1000));
    const delivered = await standin.delivered();
    const per = new Map<string, number>();
    for (const d of delivered) per.set(d.touser, (per.get(d.touser) ?? 0) + 1);
    const duplicates = [...per.values()].reduce((n, c) => n + (c - 1), 0);
    const losses = due - per.size;
    const resent = firstSend() - delivered.length;

    console.log(`规划（每次启动的第一次规划，含补发检查）：${plans.map((ms, i) => `${(ms / 1000).toFixed(2)} s（CPU ${((planCpu[i] ?? 0) / 1000).toFixed(2)} s）`).join('、')}`);
    console.log(`发送：${delivered.length.toLocaleString()} 条，全程 ${seconds.toFixed(1)} s（含 4 次启动、3 次 kill -9）；规划完成后的发送阶段 ${(sentWhileSending / (sendingMs / 1000)).toFixed(0)}/s（上限 ${RATE}/s）；服务器 CPU ${cpu.toFixed(1)} s`);
    console.log(`崩溃后以同一 client_msg_id 重发：${resent} 次（替身与微信按 client_msg_id 去重，不会再次送达）`);
    const check = (label: string, ok: boolean, figure: string) => (console.log(`${ok ? 'PASS' : 'FAIL'}  ${label}: ${figure}`), ok);
    const ok = [
      check('planning (fresh start)', plans[0]! < 10_000, `${(plans[0]! / 1000).toFixed(2)} s (target < 10 s)`),
      check('peak RSS', peak < 500, `${peak.toFixed(0)} MB (target < 500 MB)`),
      check('duplicates across 3 kill -9', duplicates === 0, `${duplicates} (target 0)`),
      check('losses across 3 kill -9', losses === 0, `${losses} (target 0)`),
    ].every(Boolean);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await standin.close();
    await Promise.all([rm(data, { recursive: true, force: true }), rm(topics, { recursive: true, force: true })]);
  }
}

const at = process.argv.indexOf('--serve');
if (at >= 0) await serve(process.argv[at + 1]!, process.argv[at + 2]!, process.argv[at + 3]!);
else await main();
