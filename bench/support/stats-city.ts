// Generated traffic for the dashboard over the sample city: message-log records, applications,
// desk tickets, appointments, bad-review cases and page views over a window of days, written
// straight into a closed lowdb store dir. Used by bench/stats.ts (at city scale) and by
// scripts/stats-screenshots.ts (a small month). Deterministic: the same scale gives the same data.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import { projectRoot } from '../../server/config.js';
import { addUser } from '../../server/console/index.js';
import { createLowdbStore } from '../../server/store/lowdb-store.js';
import { seedCollection } from '../../server/store/seed-collection.js';

export interface TrafficWindow {
  /** The last instant of the window. */
  end: Date;
  days: number;
}

let seed = 42;
const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
// Citizens write mostly in the morning, after lunch and in the evening (city hours 0..23).
const HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 14, 12, 9, 10, 12, 12, 11, 10, 9, 11, 12, 9, 5, 2];
const HOURS = HOUR_WEIGHTS.flatMap((w, h) => Array.from({ length: w }, () => h));

function instant(w: TrafficWindow): string {
  const day = Math.floor(rand() * w.days);
  const cityMidnight = Math.floor((w.end.getTime() + 8 * 3_600_000) / 86_400_000) * 86_400_000 - 8 * 3_600_000;
  return new Date(cityMidnight - day * 86_400_000 + pick(HOURS) * 3_600_000 + rand() * 3_600_000).toISOString();
}

const ANSWERS = ['keyword', 'keyword', 'keyword', 'keyword', 'menu', 'menu', 'menu', 'location', 'query', 'query', 'help', 'welcome', 'human', 'none'];
const SOURCES = ['table:jiaojing/xianxing.csv', 'connector:jiaojing-jgpt', 'connector:gongjijin-gjj', 'connector:renshe-sb'];
const OUTCOMES = ['found', 'found', 'found', 'found', 'not-found', 'failed', 'ask'];

export function messageLine(departments: string[], w: TrafficWindow): string {
  const answeredBy = pick(ANSWERS);
  const department = answeredBy === 'welcome' || answeredBy === 'help' || answeredBy === 'none' ? undefined : pick(departments);
  const q = answeredBy === 'query' ? { outcome: pick(OUTCOMES), source: pick(SOURCES) } : {};
  const record = { at: instant(w), type: 'text', answeredBy, ...(department ? { department } : {}), rule: 'x', latencyMs: Math.round(rand() * 40), ...q, openid: `h${Math.floor(rand() * 1e6)}` };
  return `${JSON.stringify(record)}\n`;
}

/** Writes n message records straight into the JSON Lines log of a closed store dir. */
export async function writeMessages(dir: string, n: number, departments: string[], w: TrafficWindow): Promise<void> {
  await mkdir(path.join(dir, 'logs'), { recursive: true });
  const chunks: string[] = [];
  for (let i = 0; i < n; i++) chunks.push(messageLine(departments, w));
  await writeFile(path.join(dir, 'logs', 'messages.jsonl'), chunks.join(''));
}

export function sampleDepartments(): Promise<string[]> {
  return loadCityFromDir(path.join(projectRoot, 'topics')).then((files) => buildAccount(files, { publicBaseUrl: 'http://127.0.0.1' }).departments.map((d) => d.id));
}

export interface CityTraffic {
  messages: number;
  applications: number;
  tickets: number;
  appointments: number;
  cases: number;
  pageViews: number;
  /** A platform user to sign in with. */
  user: { username: string; password: string };
}

/** Seeds a lowdb store dir (closed) with the traffic. */
export async function seedStatsCity(dir: string, t: CityTraffic, w: TrafficWindow): Promise<void> {
  const build = buildAccount(await loadCityFromDir(path.join(projectRoot, 'topics')), { publicBaseUrl: 'http://127.0.0.1' });
  const services = build.services.filter((s) => s.online.processing);
  const departments = build.departments.map((d) => d.id);
  await writeMessages(dir, t.messages, departments, w);
  const stages = ['submitted', 'accepted', 'in-progress', 'completed', 'completed', 'completed', 'completed', 'supplement'] as const;
  const levels = ['very-satisfied', 'very-satisfied', 'satisfied', 'satisfied', 'satisfied', 'basically-satisfied', 'dissatisfied', 'very-dissatisfied'] as const;
  const apps = Array.from({ length: t.applications }, (_x, i) => {
    const s = pick(services);
    const submittedAt = instant(w);
    const stage = pick(stages);
    const done = new Date(Math.min(Date.parse(submittedAt) + rand() * 8 * 86_400_000, w.end.getTime())).toISOString();
    const level = stage === 'completed' && rand() < 0.4 ? pick(levels) : undefined;
    const no = `B-${i}`;
    const bad = level === 'dissatisfied' || level === 'very-dissatisfied';
    return {
      id: no, no, service: s.ref, serviceName: s.name, department: s.department, openid: `o-${i % 50_000}`, stage, data: {}, attachments: [],
      payment: s.online.payment && rand() < 0.8 ? { state: 'paid', timing: 'before-acceptance', amountFen: 1000 } : { state: 'none', timing: null, amountFen: null },
      clock: { timeLimitDays: 5, startDate: submittedAt.slice(0, 10), pausedWorkingDays: 0, pausedSince: null },
      submittedAt, updatedAt: done,
      timeline: [
        { at: submittedAt, from: null, to: 'submitted', actor: { kind: 'citizen', name: 'x' } },
        ...(stage === 'completed' ? [{ at: done, from: 'in-progress', to: 'completed', actor: { kind: 'staff', name: 'x' } }] : []),
      ],
      ...(level ? { rating: { level, at: done, ...(bad ? { caseId: `${no}-ZG` } : {}) } } : {}),
    };
  });
  await seedCollection(dir, 'applications', apps);
  const cases = apps.filter((a) => a.rating && 'caseId' in a.rating).slice(0, t.cases).map((a) => {
    const openedAt = a.rating!.at;
    const deadline = new Date(Date.parse(openedAt) + 7 * 86_400_000).toISOString().slice(0, 10);
    const resolution = rand() < 0.7 ? { at: new Date(Date.parse(openedAt) + rand() * 9 * 86_400_000).toISOString(), actor: { kind: 'staff', name: 'x' }, note: '已整改', kind: 'fixed' } : undefined;
    const resolved = resolution ? { resolution } : {};
    const again = resolution && rand() < 0.5 ? { citizenRating: { level: pick(levels), at: resolution.at } } : {};
    return {
      id: `${a.no}-ZG`, applicationNo: a.no, service: a.service, serviceName: a.serviceName, department: a.department, handlingDepartment: a.department,
      openid: a.openid, level: a.rating!.level, contact: [], openedAt, deadline, callbacks: [], ...resolved, ...again,
    };
  });
  await seedCollection(dir, 'rectificationCases', cases);
  await seedCollection(dir, 'deskTickets', Array.from({ length: t.tickets }, (_x, i) => {
    const createdAt = instant(w);
    const answered = rand() < 0.92;
    const answeredAt = new Date(Math.min(Date.parse(createdAt) + rand() * rand() * 2 * 86_400_000, w.end.getTime())).toISOString();
    return { id: `dt-${i}`, openid: `o-${i}`, text: '请问', msgType: 'text', department: pick(departments), createdAt, status: answered ? 'answered' : 'open', ...(answered ? { answeredAt } : {}) };
  }));
  const booking = build.services.filter((s) => s.online.appointment);
  await seedCollection(dir, 'appointments', Array.from({ length: booking.length ? t.appointments : 0 }, (_x, i) => {
    const s = pick(booking);
    const date = new Date(Date.parse(instant(w)) + 8 * 3_600_000).toISOString().slice(0, 10);
    return { id: `yy-${i}`, service: s.ref, serviceName: s.name, department: s.department, date, status: 'booked', openid: `o-${i}` };
  }));
  const views: string[] = [];
  for (let i = 0; i < t.pageViews; i++) {
    const s = pick(build.services);
    views.push(`${JSON.stringify({ at: instant(w), service: s.ref, department: s.department })}\n`);
  }
  await writeFile(path.join(dir, 'logs', 'pageViews.jsonl'), views.join(''));
  const store = await createLowdbStore(dir);
  await addUser(store, { username: t.user.username, password: t.user.password, role: 'platform' });
  await store.close();
}
