// The dashboard's numbers for one date range and scope: interaction from the message rollups,
// desk tickets, the service funnel, and 好差评 (ratings and rectification cases). Every figure is
// a count or a rate; no openid, name or form answer leaves this file.
import type { AccountBuild } from '../builder/index.js';
import { addDays, cityDate } from '../calendar/index.js';
import { ticketTiming } from '../desk/index.js';
import type { Application, Appointment, RectificationCase } from '../loop/index.js';
import type { Store } from '../store/index.js';
import { readRollups, updateMessageRollups } from './message-rollups.js';

export const ANSWER_KINDS = ['keyword', 'menu', 'location', 'query', 'help', 'welcome', 'human', 'none'] as const;
export const ANSWER_NAMES: Record<string, string> = {
  keyword: '关键词', menu: '菜单', location: '位置', query: '信息查询', help: '固定答复', welcome: '关注欢迎', human: '转人工', none: '未答复',
};
/** Answered without a person: everything but the desk and no answer at all. */
const AUTOMATIC = new Set(['keyword', 'menu', 'location', 'query', 'help', 'welcome']);

export const RATING_LEVELS = ['very-satisfied', 'satisfied', 'basically-satisfied', 'dissatisfied', 'very-dissatisfied'] as const;
export const RATING_NAMES: Record<string, string> = {
  'very-satisfied': '非常满意', satisfied: '满意', 'basically-satisfied': '基本满意', dissatisfied: '不满意', 'very-dissatisfied': '非常不满意',
};
const SATISFIED = new Set(['very-satisfied', 'satisfied', 'basically-satisfied']);

export interface StatsQuery {
  /** City dates, inclusive. */
  from: string;
  to: string;
  /** Departments the user may see; undefined for the platform team (all). */
  scope?: readonly string[];
  department?: string;
  service?: string;
}

export interface FunnelRow {
  service: string;
  serviceName: string;
  appointments: number;
  applications: number;
  /** null when no application of the service has a fee. */
  paid: number | null;
  completed: number;
  rated: number;
}

export interface StatsReport {
  query: StatsQuery;
  perDay: Array<{ date: string; count: number }>;
  perHour: number[];
  answers: Array<{ kind: string; name: string; count: number; share: number }>;
  totalMessages: number;
  /** Share of messages answered automatically; null without messages. */
  automaticRate: number | null;
  tickets: { total: number; open: number; overdue: number; answered: number; late: number };
  funnel: FunnelRow[];
  ratings: Array<{ level: string; name: string; count: number }>;
  totalRatings: number;
  satisfactionRate: number | null;
  cases: { total: number; onTime: number; overdue: number; pending: number; appealed: number };
}

export interface StatsDeps {
  store: Store;
  build: AccountBuild;
  now: () => Date;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length < 400; d = addDays(d, 1)) out.push(d);
  return out;
}

export async function computeStats(deps: StatsDeps, query: StatsQuery): Promise<StatsReport> {
  const { store, build, now } = deps;
  const { from, to } = query;
  const inScope = (department: string | undefined) =>
    (query.scope === undefined || (!!department && query.scope.includes(department))) && (!query.department || department === query.department);
  const serviceMatches = (service: string) => !query.service || service === query.service;
  const dayIn = (iso: string | undefined) => {
    if (!iso) return false;
    const d = cityDate(new Date(iso));
    return d >= from && d <= to;
  };

  // Interaction, from the rollups (brought up to date first; only new records are folded in).
  // Messages carry no service, so a service filter leaves them at the department's figures.
  await updateMessageRollups(store);
  const rollups = (await readRollups(store, from, to)).filter((r) => inScope(r.department || undefined));
  const byDay = new Map<string, number>();
  const perHour = Array.from({ length: 24 }, () => 0);
  const byAnswer = new Map<string, number>();
  let totalMessages = 0;
  for (const r of rollups) {
    byDay.set(r.date, (byDay.get(r.date) ?? 0) + r.total);
    r.byHour.forEach((n, h) => { perHour[h]! += n; });
    for (const [k, v] of Object.entries(r.byAnswer)) byAnswer.set(k, (byAnswer.get(k) ?? 0) + v);
    totalMessages += r.total;
  }
  const kinds = [...ANSWER_KINDS, ...[...byAnswer.keys()].filter((k) => !(ANSWER_KINDS as readonly string[]).includes(k))];
  const answers = kinds.map((kind) => {
    const count = byAnswer.get(kind) ?? 0;
    return { kind, name: ANSWER_NAMES[kind] ?? kind, count, share: totalMessages ? count / totalMessages : 0 };
  });
  const automatic = answers.filter((a) => AUTOMATIC.has(a.kind)).reduce((s, a) => s + a.count, 0);

  // Desk tickets that arrived in the range (the simulator's are not real traffic).
  const at = now();
  const tickets = { total: 0, open: 0, overdue: 0, answered: 0, late: 0 };
  type Ticket = Parameters<typeof ticketTiming>[1];
  for (const t of await store.collection<Ticket>('deskTickets').list((t) => !t.simulated && dayIn(t.createdAt) && inScope(t.department))) {
    const timing = ticketTiming(build.account, t, at);
    tickets.total += 1;
    if (t.status === 'open') tickets.open += 1;
    if (timing.overdue) tickets.overdue += 1;
    if (t.answeredAt) tickets.answered += 1;
    if (timing.late) tickets.late += 1;
  }

  // The funnel: applications submitted in the range and how far they got; appointments by slot date.
  const names = new Map(build.services.map((s) => [s.ref, s.name]));
  const rows = new Map<string, FunnelRow & { fee: boolean }>();
  const row = (service: string, serviceName: string) => {
    let r = rows.get(service);
    if (!r) {
      r = { service, serviceName: names.get(service) ?? serviceName, appointments: 0, applications: 0, paid: 0, completed: 0, rated: 0, fee: false };
      rows.set(service, r);
    }
    return r;
  };
  const apps = await store.collection<Application>('applications').list((a) => inScope(a.department) && serviceMatches(a.service));
  for (const a of apps) {
    if (!dayIn(a.submittedAt)) continue;
    const r = row(a.service, a.serviceName);
    r.applications += 1;
    if (a.payment.state !== 'none' && a.payment.state !== 'offline') r.fee = true;
    if (a.payment.state === 'paid') r.paid! += 1;
    if (a.stage === 'completed') r.completed += 1;
    if (a.rating) r.rated += 1;
  }
  const appointments = await store.collection<Appointment & { id: string }>('appointments')
    .list((p) => p.date >= from && p.date <= to && inScope(p.department) && serviceMatches(p.service));
  for (const p of appointments) row(p.service, p.serviceName).appointments += 1;
  const funnel = [...rows.values()]
    .map(({ fee, ...r }) => ({ ...r, paid: fee ? r.paid : null }))
    .sort((a, b) => a.service.localeCompare(b.service));

  // 好差评: ratings given in the range; bad reviews (cases) opened in the range.
  const levels = new Map<string, number>();
  for (const a of apps) if (a.rating && dayIn(a.rating.at)) levels.set(a.rating.level, (levels.get(a.rating.level) ?? 0) + 1);
  const ratings = RATING_LEVELS.map((level) => ({ level, name: RATING_NAMES[level]!, count: levels.get(level) ?? 0 }));
  const totalRatings = ratings.reduce((s, r) => s + r.count, 0);
  const satisfied = ratings.filter((r) => SATISFIED.has(r.level)).reduce((s, r) => s + r.count, 0);

  const today = cityDate(at);
  const cases = { total: 0, onTime: 0, overdue: 0, pending: 0, appealed: 0 };
  for (const c of await store.collection<RectificationCase>('rectificationCases').list((c) => dayIn(c.openedAt) && inScope(c.department) && serviceMatches(c.service))) {
    cases.total += 1;
    if (c.appeal) cases.appealed += 1;
    if (c.resolution) {
      if (cityDate(new Date(c.resolution.at)) <= c.deadline) cases.onTime += 1;
      else cases.overdue += 1;
    } else if (today > c.deadline) cases.overdue += 1;
    else cases.pending += 1;
  }

  return {
    query,
    perDay: datesBetween(from, to).map((date) => ({ date, count: byDay.get(date) ?? 0 })),
    perHour,
    answers,
    totalMessages,
    automaticRate: ratio(automatic, totalMessages),
    tickets,
    funnel,
    ratings,
    totalRatings,
    satisfactionRate: ratio(satisfied, totalRatings),
    cases,
  };
}
