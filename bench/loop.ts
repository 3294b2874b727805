// Loop benchmark: how fast a booking and an application commit as the store grows.
// Run: npx tsx bench/loop.ts            (not part of npm test; about 1-2 minutes)
// For each size (1k, 10k, 100k stored applications, plus as many past appointments) it seeds a
// temp lowdb store directly, then measures sequential write latency (p50/p99) and concurrent
// throughput for bookings (bookAppointment) and applications (submitApplication), with the
// memory store as the baseline in the same run. It ends with the shard-count comparison that
// chose the layout, and PASS/FAIL against "p99 < 20 ms at 100k".
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AccountBuild, BuiltService } from '../server/builder/types.js';
import { loadConfig } from '../server/config.js';
import { createRenderer } from '../server/render.js';
import { createLiveBuild } from '../server/live-build.js';
import { bookAppointment } from '../server/loop/appointment/book-appointment.js';
import type { AppointmentDeps } from '../server/loop/appointment/notify-appointment.js';
import { slotTimes } from '../server/loop/appointment/slots.js';
import { hallsOf } from '../server/loop/catalog.js';
import { submitApplication } from '../server/loop/processing/submit-application.js';
import { createLowdbStore } from '../server/store/lowdb-store.js';
import { createMemoryStore } from '../server/store/memory-store.js';
import { seedCollection } from '../server/store/seed-collection.js';
import type { Doc, Store } from '../server/store/types.js';
import { addDays } from '../server/calendar/working-days.js';
import { APPOINTMENT_SERVICE, makeBuild, NOW, VALID_FIELDS } from '../test/loop/appointment/fixture-build.js';

const SIZES = [1_000, 10_000, 100_000];
const SEQUENTIAL = 500;
const CONCURRENT = 500;
const IN_FLIGHT = 16;
const TARGET_P99_MS = 20;

const APPLY: BuiltService = {
  ...APPOINTMENT_SERVICE,
  ref: 'shebao/shebaoka-shenling',
  id: 'shebaoka-shenling',
  name: '社保卡申领',
  steps: {
    processing: { online: true, timeLimitDays: 5, fields: APPOINTMENT_SERVICE.steps.appointment!.fields!.filter((f) => f.type !== 'file') },
    progress: { online: true, stages: ['submitted', 'accepted', 'completed'] },
  },
};

function benchBuild(): AccountBuild {
  const build = makeBuild();
  const booking = { ...APPOINTMENT_SERVICE, steps: { appointment: { ...APPOINTMENT_SERVICE.steps.appointment!, capacityPerSlot: 100 } } };
  return { ...build, services: [booking, APPLY] };
}

/** A stored application as the processing step writes it (~700 bytes of JSON). */
function application(i: number): Doc {
  const no = `SB-2025${String((i % 12) + 1).padStart(2, '0')}01-${String(i).padStart(6, '0')}`;
  const at = '2025-06-01T02:00:00.000Z';
  return {
    id: no, no, service: APPLY.ref, serviceName: APPLY.name, department: 'shebao', openid: `seed-${i % 5000}`, stage: 'in-progress',
    data: { ...VALID_FIELDS, name: `市民${i}` }, attachments: [], payment: { state: 'none', timing: null, amountFen: null },
    clock: { timeLimitDays: 5, startDate: '2025-06-02', pausedWorkingDays: 0, pausedSince: null }, submittedAt: at, updatedAt: at,
    timeline: [{ at, from: null, to: 'submitted', actor: { kind: 'citizen', name: `seed-${i % 5000}` }, note: '网上申请已提交' }, { at, from: 'submitted', to: 'accepted', actor: { kind: 'staff', name: '窗口1' } }],
  } as Doc;
}

/** A past appointment, so the appointments collection grows with the city too. */
function pastAppointment(i: number): Doc {
  const start = new Date(Date.UTC(2020, 0, 1, 1) + i * 1800_000).toISOString(); // 100k half-hours end in 2025
  return {
    id: `seed-appt-${i}`, number: `YY-20250101-${i}`, openid: `seed-${i % 5000}`, service: APPOINTMENT_SERVICE.ref, serviceName: APPOINTMENT_SERVICE.name,
    department: 'shebao', hall: 'shebao/tianhe', hallName: '天河社保服务厅', hallAddress: '天河社保服务厅地址', date: start.slice(0, 10), start, end: start,
    slotKey: `${APPOINTMENT_SERVICE.ref}|shebao/tianhe|${start}`, fields: VALID_FIELDS, documents: [], cancelNoticeHours: 24, status: 'booked',
    createdAt: start, updatedAt: start, history: [],
  } as Doc;
}

function depsFor(store: Store, dataDir: string): AppointmentDeps {
  const config = { ...loadConfig({ DATA_DIR: dataDir }) };
  return { config, store, live: createLiveBuild(benchBuild()), renderer: createRenderer(), now: () => NOW };
}

/** Every bookable (hall, start) of the week, each repeated to its capacity. */
function seats(build: AccountBuild): Array<{ hall: string; start: string }> {
  const service = build.services[0]!;
  const out: Array<{ hall: string; start: string }> = [];
  for (const hall of hallsOf(build, service))
    for (let d = 0; d <= 7; d++)
      for (const t of slotTimes(build, hall, service.steps.appointment!, addDays('2026-03-02', d), NOW).times) for (let k = 0; k < 100; k++) out.push({ hall: hall.ref, start: t.start });
  return out;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

interface Figures {
  p50: number;
  p99: number;
  perSecond: number;
}

const WARM_UP = 20;

async function measure(op: (i: number) => Promise<unknown>): Promise<Figures> {
  // Warm-up writes (JIT, first files of the counter collections) are not counted.
  for (let i = 0; i < WARM_UP; i++) await op(i);
  const latencies: number[] = [];
  for (let i = WARM_UP; i < WARM_UP + SEQUENTIAL; i++) {
    const t = performance.now();
    await op(i);
    latencies.push(performance.now() - t);
  }
  let next = WARM_UP + SEQUENTIAL;
  const end = next + CONCURRENT;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < end) await op(next++);
  }));
  return { p50: pct(latencies, 50), p99: pct(latencies, 99), perSecond: CONCURRENT / ((performance.now() - t0) / 1000) };
}

async function runSize(kind: 'lowdb' | 'memory', n: number) {
  const dir = await mkdtemp(path.join(tmpdir(), `onestop-bench-${kind}-`));
  let store: Store;
  const t0 = performance.now();
  // The seed arrays go out of scope before measuring, so their garbage does not add GC pauses.
  if (kind === 'lowdb') {
    await seedCollection(path.join(dir, 'db'), 'applications', Array.from({ length: n }, (_, i) => application(i)));
    await seedCollection(path.join(dir, 'db'), 'appointments', Array.from({ length: n }, (_, i) => pastAppointment(i)));
    store = await createLowdbStore(path.join(dir, 'db'));
  } else {
    store = createMemoryStore();
    const a = store.collection('applications');
    const b = store.collection('appointments');
    for (let i = 0; i < n; i++) await a.put(application(i));
    for (let i = 0; i < n; i++) await b.put(pastAppointment(i));
  }
  const ready = performance.now() - t0;
  const deps = depsFor(store, dir);
  const free = seats(deps.live.current());
  const booking = await measure((i) => {
    const seat = free[i % free.length]!;
    return bookAppointment(deps, `bench-citizen-${i}`, APPOINTMENT_SERVICE.ref, { hall: seat.hall, start: seat.start, fields: VALID_FIELDS });
  });
  const applying = await measure((i) => submitApplication(deps, { serviceRef: APPLY.ref, openid: `bench-citizen-${i}`, body: { ...VALID_FIELDS }, files: [] }));
  await store.close();
  await rm(dir, { recursive: true, force: true });
  return { ready, booking, applying };
}

async function shardComparison(n: number) {
  const docs = Array.from({ length: n }, (_, i) => application(i));
  const rows: string[] = [];
  for (const shards of [1, 16, 256]) {
    const dir = await mkdtemp(path.join(tmpdir(), 'onestop-bench-shards-'));
    await seedCollection(dir, 'applications', docs, { shards });
    const t0 = performance.now();
    const store = await createLowdbStore(dir);
    const open = performance.now() - t0;
    const c = store.collection<Doc>('applications');
    const lat: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      await c.put(application(i * 997)); // updates spread over the collection
      lat.push(performance.now() - t);
    }
    const t1 = performance.now();
    await store.close(); // the checkpoint: rewrites every shard those 50 commits touched
    const checkpoint = performance.now() - t1;
    await rm(dir, { recursive: true, force: true });
    rows.push(`  ${String(shards).padStart(4)} shard(s): open ${open.toFixed(0).padStart(5)} ms, commit p50 ${pct(lat, 50).toFixed(1).padStart(5)} ms, checkpoint of 50 updates ${checkpoint.toFixed(0).padStart(5)} ms`);
  }
  return rows;
}

const f = (x: number) => x.toFixed(1).padStart(6);
const row = (label: string, x: Figures) => `${label} p50 ${f(x.p50)} ms  p99 ${f(x.p99)} ms  ${x.perSecond.toFixed(0).padStart(5)}/s (${IN_FLIGHT} in flight)`;

const started = performance.now();
console.log(`machine: ${cpus().length} CPU(s), load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`onestop loop benchmark — ${WARM_UP} warm-up + ${SEQUENTIAL} sequential (latency) + ${CONCURRENT} concurrent (throughput) writes per case, fsync on, node ${process.version}`);
const p99At: Record<string, number> = {};
for (const n of SIZES) {
  for (const kind of ['lowdb', 'memory'] as const) {
    const r = await runSize(kind, n);
    console.log(`\n${kind.padEnd(6)} store, ${n.toLocaleString('en')} applications + ${n.toLocaleString('en')} past appointments stored (ready in ${r.ready.toFixed(0)} ms)`);
    console.log(row('  booking    ', r.booking));
    console.log(row('  application', r.applying));
    p99At[`${kind}:${n}:booking`] = r.booking.p99;
    p99At[`${kind}:${n}:application`] = r.applying.p99;
  }
}
console.log('\nGrowth of one write’s p99 (lowdb), 1k -> 100k:');
for (const op of ['booking', 'application']) {
  const small = p99At[`lowdb:1000:${op}`]!;
  const big = p99At[`lowdb:100000:${op}`]!;
  console.log(`  ${op.padEnd(11)} ${f(small)} ms -> ${f(big)} ms  (x${(big / small).toFixed(1)})`);
}
console.log('\nLayout: 100,000 applications in one collection, 50 updates then the checkpoint that folds them into shard files:');
for (const line of await shardComparison(100_000)) console.log(line);
const worst = Math.max(p99At['lowdb:100000:booking']!, p99At['lowdb:100000:application']!);
console.log(`\n${worst < TARGET_P99_MS ? 'PASS' : 'FAIL'}: at 100k stored applications a write commits in ${worst.toFixed(1)} ms p99 (target < ${TARGET_P99_MS} ms)`);
console.log(`total ${(performance.now() - started) / 1000 | 0} s`);
