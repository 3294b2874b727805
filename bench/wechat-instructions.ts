// Instructions per push on the whole server, counted by valgrind's callgrind: a figure the load
// of a shared machine does not change, for comparing the sample city with the 20,000-keyword one.
//   npx tsx bench/wechat-instructions.ts [small|large|one-account|three-accounts] [plain|safe] [pushes, default 20000]
// one-account and three-accounts send bench/wechat.ts's accounts-part messages; ACCOUNT=chuxing sends
// them to that account's callback (/wechat/chuxing) of the three-account city.
// The server is bench/wechat.ts's (`--serve <variant>`: as `onestop serve` builds it), run under
// callgrind with instrumentation off; after WARMUP pushes (the JIT settles) counting starts, the
// pushes are sent (CONNECTIONS at a time, each signed with its own nonce and MsgId, hitting a
// keyword), and the dump's total, every thread included (the collector's helpers too), is divided
// by the pushes. Enough pushes that major collections of the live heap take their share.
// Not part of npm test; needs valgrind (apt-get install valgrind). Slow: ~5 ms per push.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds } from './support/child-server.js';
import { accountTexts, keywordTexts, type Mode, requests } from './support/wechat-pushes.js';

const variant = process.argv[2] ?? 'small';
const mode = (process.argv[3] ?? 'plain') as Mode;
const PUSHES = Number(process.argv[4] ?? 20_000);
const WARMUP = Number(process.env.WARMUP ?? 3000);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 8);
/** Seconds after start-up before counting starts (QUIET_S). */
const QUIET_S = Number(process.env.QUIET_S ?? (process.env.VALGRIND === '0' ? 0 : 75));
/** Pushes signed at a time: signed when sent, so a slow run never leaves the replay window. */
const BATCH = 1000;
const WECHAT_BENCH = path.join(path.dirname(fileURLToPath(import.meta.url)), 'wechat.ts');

/** VALGRIND=0: the server runs natively and its CPU time per push is printed instead (NODE_FLAGS=--cpu-prof profiles it). */
const native = process.env.VALGRIND === '0';
const out = path.join(os.tmpdir(), `callgrind-wechat-${variant}-${mode}-${process.pid}.out`);
const server = [process.execPath, ...(process.env.NODE_FLAGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', WECHAT_BENCH, '--serve', variant];
const [command, ...args] = native ? server : ['valgrind', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${out}`, ...server];
const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve, reject) => {
  child.stdout.on('data', (d: Buffer) => {
    const m = /PORT (\d+)/.exec(d.toString());
    if (m) resolve(Number(m[1]));
    else process.stdout.write(d);
  });
  child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
});

const listening = performance.now();
const texts = variant === 'one-account' || variant === 'three-accounts' ? await accountTexts() : await keywordTexts();
const account = process.env.ACCOUNT || undefined;
let agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
let sent = 0;

function post(req: { path: string; body: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: req.path,
        agent,
        headers: { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(req.body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

/** Sends `count` pushes, CONNECTIONS in flight; fails on any answer but 200. */
async function push(count: number) {
  for (let done = 0; done < count; done += BATCH) {
    const batch = requests(texts, mode, Math.min(BATCH, count - done), account, sent);
    sent += batch.length;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < batch.length) {
          const status = await post(batch[next++]!);
          if (status !== 200) throw new Error(`push answered ${status}`);
        }
      }),
    );
  }
}

const callgrind = (...args: string[]) => void (native || execFileSync('callgrind_control', [...args, String(child.pid)], { stdio: 'ignore' }));
let cpu = 0;
try {
  await push(WARMUP);
  // Timers of the first minute (the store's checkpoint of the start-up publish, the stats jobs'
  // first runs) are not per-push work: a native bench round never lasts long enough to see them.
  const quiet = QUIET_S * 1000 - (performance.now() - listening);
  if (quiet > 0) {
    await new Promise((resolve) => setTimeout(resolve, quiet));
    // The server has closed the idle keep-alive connections meanwhile.
    agent.destroy();
    agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  }
  callgrind('-i', 'on');
  const before = cpuSeconds(child.pid!) ?? 0;
  await push(PUSHES);
  cpu = (cpuSeconds(child.pid!) ?? 0) - before;
  callgrind('-d');
  callgrind('-i', 'off');
  if (process.env.HEAP_SNAPSHOT) {
    // NODE_FLAGS=--heapsnapshot-signal=SIGUSR2: what the pushes left live, written to the current directory.
    child.kill('SIGUSR2');
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.HEAP_SNAPSHOT) * 1000));
  }
} finally {
  child.kill('SIGTERM');
  agent.destroy();
}
await new Promise((resolve) => child.once('exit', resolve));
if (native) {
  console.log(
    `${variant} ${mode}: ${((cpu * 1e6) / PUSHES).toFixed(1)} µs server CPU per push (${PUSHES} pushes after ${WARMUP} to warm up, ${CONNECTIONS} connections)`,
  );
  process.exit(0);
}
// The dump after the first (-d) is the measured part; its "totals:" line counts instructions.
const dumps = readFileSync(`${out}.1`, 'utf8');
const total = Number(/^totals:\s+(\d+)/m.exec(dumps)?.[1] ?? /^summary:\s+(\d+)/m.exec(dumps)?.[1]);
console.log(
  `${variant}${account ? ` /wechat/${account}` : ''} ${mode}: ${(total / PUSHES / 1000).toFixed(1)}k instructions per push (${PUSHES} pushes after ${WARMUP} to warm up, ${CONNECTIONS} connections; ${out}.1)`,
);
for (const file of [out, `${out}.1`]) if (!process.env.KEEP) rmSync(file, { force: true });
