// Start-up benchmark: `onestop serve` on the sample city, run from the TypeScript sources through
// tsx (the baseline: how npm start ran before) and from the tsc output in dist/ (npm run build).
// Run: npm run bench:start        (not part of npm test; about a minute; builds dist/ if needed)
// Each round starts both, alternating, on a temp data dir: time from spawn until GET / answers
// 200, RSS once settled, and RSS after 200 page views.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseEntry } from '../bin/choose-entry.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PORT = Number(process.env.BENCH_PORT ?? 3399);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const variants = {
  tsx: ['--import', 'tsx', 'server/cli/index.ts', 'serve'],
  compiled: ['dist/server/cli/index.js', 'serve'],
} as const;
type Variant = keyof typeof variants;

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startOnce(variant: Variant) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'onestop-bench-start-'));
  const started = performance.now();
  const child = spawn(process.execPath, variants[variant], { cwd: root, env: { ...process.env, PORT: String(PORT), DATA_DIR: dataDir }, stdio: 'ignore' });
  let readyMs: number | undefined;
  while (readyMs === undefined) {
    if (child.exitCode !== null) throw new Error(`${variant} exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${PORT}/`);
      await res.text();
      if (res.ok) readyMs = performance.now() - started;
    } catch {
      await sleep(20);
    }
  }
  await sleep(1500);
  const settled = rssMb(child.pid!);
  for (let i = 0; i < 200; i++) await (await fetch(`http://127.0.0.1:${PORT}/s/jiaojing/weifa-chaxun`)).text();
  const busy = rssMb(child.pid!);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
  return { readyMs, settled, busy };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (chooseEntry(root).kind !== 'compiled') {
  console.log('building dist/ (npm run build) ...');
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}
console.log(`${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${ROUNDS} rounds, alternating`);
const results: Record<Variant, Array<Awaited<ReturnType<typeof startOnce>>>> = { tsx: [], compiled: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const v of Object.keys(variants) as Variant[]) {
    const r = await startOnce(v);
    results[v].push(r);
    console.log(`  ${v.padEnd(8)} ready ${r.readyMs.toFixed(0).padStart(5)} ms  RSS ${r.settled.toFixed(0)} MB settled, ${r.busy.toFixed(0)} MB after 200 pages`);
  }
}
const summary = (v: Variant) => ({
  ready: median(results[v].map((r) => r.readyMs)),
  settled: median(results[v].map((r) => r.settled)),
  busy: median(results[v].map((r) => r.busy)),
});
const base = summary('tsx');
const compiled = summary('compiled');
console.log('median            ready     RSS settled  RSS after 200 pages');
for (const [name, s] of [['tsx (baseline)', base], ['compiled', compiled]] as const) {
  console.log(`${name.padEnd(16)} ${s.ready.toFixed(0).padStart(6)} ms  ${s.settled.toFixed(0).padStart(6)} MB  ${s.busy.toFixed(0).padStart(6)} MB`);
}
console.log(`compiled / tsx: ready ×${(compiled.ready / base.ready).toFixed(2)}, RSS ×${(compiled.settled / base.settled).toFixed(2)}`);
console.log(compiled.ready <= base.ready && compiled.settled <= base.settled ? 'PASS  compiled starts no slower and uses less memory' : 'FAIL  compiled is not better');
