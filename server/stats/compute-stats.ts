// The dashboard's numbers for one date range and scope: interaction from the message rollups,
// the desk, the service funnel and online-ability matrix, completion on time, query outcomes per
// source, 好差评, and the inspection watchdogs. Every figure is a count or a rate; no openid,
// name or form answer leaves this room.
import type { AccountBuild } from '../builder/index.js';
import { addDays, cityDate, cityInstant } from '../calendar/index.js';
import type { ticketTiming } from '../desk/index.js';
import type { Application, Appointment, RectificationCase } from '../loop/index.js';
import type { Store } from '../store/index.js';
import { articleReadsBetween, type ArticleReads } from './article-reads.js';
import { broadcastFigures, type BroadcastRow } from './broadcast-figures.js';
import { deskFigures, type DeskFigures } from './desk-figures.js';
import { healthChecks, type HealthCheck } from './health-figures.js';
import { lastMenuLinkCheck } from './menu-links.js';
import { readRollups, updateMessageRollups } from './message-rollups.js';
import { pageViewsBetween } from './page-views.js';
import { queryRunsBetween } from './query-runs.js';
import { ratingFigures, type RatingFigures } from './rating-figures.js';
import { instantsBetween, scan } from './scan.js';
import { matterRows, type MatterRow } from './matter-figures.js';
import { abilityMatrix, funnelRows, onTimeRows, type AbilityRow, type FunnelRow, type OnTimeRow } from './service-figures.js';

export const ANSWER_KINDS = ['keyword', 'menu', 'location', 'query', 'help', 'welcome', 'human', 'none'] as const;
export const ANSWER_NAMES: Record<string, string> = {
  keyword: '关键词', menu: '菜单', location: '位置', query: '信息查询', help: '固定答复', welcome: '关注欢迎', human: '转人工', none: '未答复',
};
/** Answered without a person: everything but the desk and no answer at all. */
const AUTOMATIC = new Set(['keyword', 'menu', 'location', 'query', 'help', 'welcome']);
export const QUERY_OUTCOMES = ['found', 'not-found', 'failed', 'ask', 'invalid', 'limited'] as const;

export interface StatsQuery {
  /** City dates, inclusive. */
  from: string;
  to: string;
  /** Departments the user may see; undefined for the platform team (all). */
  scope?: readonly string[];
  department?: string;
  service?: string;
  /** A topic: its services, and for messages and tickets its lead and cooperating departments. */
  topic?: string;
  /**
   * One account of the city: its messages (records without an account are the primary's) and the
   * services of its build (computeStats is then given that account's build).
   */
  account?: { id: string; primary: boolean };
}

export interface QuerySourceRow {
  source: string;
  /** chat: asked in WeChat (message log); web: the H5 form or the query API. */
  channel: 'chat' | 'web';
  counts: Record<(typeof QUERY_OUTCOMES)[number], number>;
  total: number;
}

export interface StatsReport extends RatingFigures {
  query: StatsQuery;
  perDay: Array<{ date: string; count: number }>;
  perHour: number[];
  answers: Array<{ kind: string; name: string; count: number; share: number }>;
  totalMessages: number;
  /** Share of messages answered automatically; null without messages. */
  automaticRate: number | null;
  /** Messages nothing answered and no ticket took (answeredBy none). */
  unanswered: number;
  /** Gateway decisions of 5 s or more in the range. */
  slowReplies: number;
  /**
   * The hour of day (city time) followers wrote most in the range: when to publish, by their
   * habits rather than office hours; null under 20 messages.
   */
  busiestHour: number | null;
  tickets: DeskFigures;
  funnel: FunnelRow[];
  /** 一件事: matter applications submitted in the range (a department sees those with a part of theirs). */
  matters: MatterRow[];
  abilities: AbilityRow[];
  onTime: OnTimeRow[];
  querySources: QuerySourceRow[];
  /** Successful broadcasts in the range with their reach; null when nothing records broadcasts. */
  broadcasts: BroadcastRow[] | null;
  /** Articles published in the range with WeChat's reads and shares (daily pull), newest first. */
  articleReads: ArticleReads[];
  health: HealthCheck[];
}

export interface StatsDeps {
  store: Store;
  build: AccountBuild;
  now: () => Date;
}

type Ticket = Parameters<typeof ticketTiming>[1];

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length < 400; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Which departments and services the query lets through. */
function scopeOf(build: AccountBuild, query: StatsQuery) {
  const topic = query.topic ? build.topics.find((t) => t.id === query.topic) : undefined;
  const topicDepartments = topic ? new Set([topic.lead, ...topic.cooperating, ...topic.services.map((s) => s.split('/')[0]!)]) : undefined;
  const topicServices = topic ? new Set(topic.services) : undefined;
  const visible = (d: string | undefined) => (query.scope === undefined || (!!d && query.scope.includes(d))) && (!query.department || d === query.department);
  const department = (d: string | undefined) => visible(d) && (!topicDepartments || (!!d && topicDepartments.has(d)));
  const accountServices = query.account ? new Set(build.services.map((s) => s.ref)) : undefined;
  const service = (ref: string, d: string) =>
    department(d) && (!query.service || ref === query.service) && (!topicServices || topicServices.has(ref)) && (!accountServices || accountServices.has(ref));
  const account = (id: string) => !query.account || id === query.account.id || (id === '' && query.account.primary);
  // A ticket names its topic when the gateway could guess it.
  const ticket = (t: { department?: string; topic?: string; account?: string }) => visible(t.department) && (!topic || t.topic === topic.id) && account(t.account ?? '');
  return { department, service, ticket, account };
}

export async function computeStats(deps: StatsDeps, query: StatsQuery): Promise<StatsReport> {
  const { store, build, now } = deps;
  const { from, to } = query;
  const at = now();
  const today = cityDate(at);
  const weekFrom = addDays(today, -6);
  const { department: inScope, service: serviceMatches, ticket: ticketMatches, account: accountMatches } = scopeOf(build, query);
  const dayBetween = (a: string, b: string) => instantsBetween(cityInstant(a, '00:00'), cityInstant(addDays(b, 1), '00:00'));
  const dayIn = dayBetween(from, to);
  const inWeek = dayBetween(weekFrom, today);

  // Interaction, from the rollups (brought up to date first; only new records are folded in).
  // Messages carry no service, so a service filter leaves them at the department's figures.
  await updateMessageRollups(store);
  const all = (await readRollups(store, from < weekFrom ? from : weekFrom, to > today ? to : today)).filter((r) => inScope(r.department || undefined) && accountMatches(r.account ?? ''));
  const rollups = all.filter((r) => r.date >= from && r.date <= to);
  const byDay = new Map<string, number>();
  const perHour = Array.from({ length: 24 }, () => 0);
  const byAnswer = new Map<string, number>();
  const bySource = new Map<string, QuerySourceRow>();
  const countQuery = (channel: QuerySourceRow['channel'], key: string, n: number) => {
    const [source = '', outcome = ''] = key.split('|');
    let row = bySource.get(`${channel}|${source}`);
    if (!row) bySource.set(`${channel}|${source}`, (row = { source, channel, counts: Object.fromEntries(QUERY_OUTCOMES.map((o) => [o, 0])) as QuerySourceRow['counts'], total: 0 }));
    if (outcome in row.counts) row.counts[outcome as keyof QuerySourceRow['counts']] += n;
    row.total += n;
  };
  let totalMessages = 0;
  let slowReplies = 0;
  for (const r of rollups) {
    byDay.set(r.date, (byDay.get(r.date) ?? 0) + r.total);
    r.byHour.forEach((n, h) => { perHour[h]! += n; });
    for (const [k, v] of Object.entries(r.byAnswer)) byAnswer.set(k, (byAnswer.get(k) ?? 0) + v);
    for (const [k, v] of Object.entries(r.byQuery ?? {})) countQuery('chat', k, v);
    totalMessages += r.total;
    slowReplies += r.slow ?? 0;
  }
  const kinds = [...ANSWER_KINDS, ...[...byAnswer.keys()].filter((k) => !(ANSWER_KINDS as readonly string[]).includes(k))];
  const answers = kinds.map((kind) => {
    const count = byAnswer.get(kind) ?? 0;
    return { kind, name: ANSWER_NAMES[kind] ?? kind, count, share: totalMessages ? count / totalMessages : 0 };
  });
  const automatic = answers.filter((a) => AUTOMATIC.has(a.kind)).reduce((s, a) => s + a.count, 0);
  const week = all.filter((r) => r.date >= weekFrom && r.date <= today);
  // Queries from the H5 form and the API count per department (they name no account: the primary's).
  if (!query.account || query.account.primary) {
    for (const r of await queryRunsBetween(store, from, to)) if (inScope(r.department)) for (const [k, v] of Object.entries(r.byQuery)) countQuery('web', k, v);
  }

  // Desk tickets (the simulator's are not real traffic): those that arrived in the range, and in the last week.
  const tickets = await scan(store.collection<Ticket>('deskTickets'), (t) => !t.simulated && (dayIn(t.createdAt) || inWeek(t.createdAt)) && ticketMatches(t));
  const desk = deskFigures(build, tickets.filter((t) => dayIn(t.createdAt)), at);
  const deskWeek = deskFigures(build, tickets.filter((t) => inWeek(t.createdAt)), at);

  // Services: the funnel of applications submitted in the range, appointments by slot date, page views.
  const services = build.services.filter((s) => serviceMatches(s.ref, s.department));
  const rangeStart = cityInstant(from, '00:00').toISOString();
  // Applications that count somewhere in the range: submitted, rated or last changed (completed) in it.
  const apps = await scan(store.collection<Application>('applications'), (a) =>
    (dayIn(a.submittedAt) || dayIn(a.rating?.at) || (a.stage === 'completed' && a.updatedAt >= rangeStart)) && serviceMatches(a.service, a.department));
  const appointments = await scan(store.collection<Appointment & { id: string }>('appointments'), (p) => p.date >= from && p.date <= to && serviceMatches(p.service, p.department));
  const views = await pageViewsBetween(store, from, to);
  const funnel = funnelRows({ build, applications: apps.filter((a) => dayIn(a.submittedAt)), appointments, views, services });

  const cases = await scan(store.collection<RectificationCase>('rectificationCases'), (c) => serviceMatches(c.service, c.department));
  const ratings = ratingFigures({ applications: apps, cases, dayIn, today });
  const linkCheck = await lastMenuLinkCheck(store);
  const broadcasts = await broadcastFigures(store, { from, to, today, ...(query.account ? { account: query.account } : {}) });
  const articleReads = await articleReadsBetween(store, { from, to, ...(query.account ? { account: query.account.id } : {}) });
  const readsOf = (row: BroadcastRow): BroadcastRow => {
    const mine = row.msgDataId ? articleReads.filter((a) => a.msgid.startsWith(`${row.msgDataId}_`)) : [];
    return mine.length ? { ...row, reads: mine.reduce((n, a) => n + a.reads, 0), shares: mine.reduce((n, a) => n + a.shares, 0) } : row;
  };

  return {
    query,
    perDay: datesBetween(from, to).map((date) => ({ date, count: byDay.get(date) ?? 0 })),
    perHour,
    answers,
    totalMessages,
    automaticRate: ratio(automatic, totalMessages),
    unanswered: byAnswer.get('none') ?? 0,
    busiestHour: totalMessages >= 20 ? perHour.indexOf(Math.max(...perHour)) : null,
    slowReplies,
    tickets: desk,
    funnel,
    matters: await matterRows(store, (submittedAt, departments) => dayIn(submittedAt) && departments.some((d) => inScope(d))),
    abilities: abilityMatrix(services),
    onTime: onTimeRows(build, apps, dayIn),
    querySources: [...bySource.values()].sort((a, b) => a.source.localeCompare(b.source) || a.channel.localeCompare(b.channel)),
    broadcasts: broadcasts?.rows.map(readsOf) ?? null,
    articleReads,
    ...ratings,
    health: healthChecks({
      deskWeek,
      deskHasHours: Object.values(build.account.desk.hours).some((ranges) => (ranges ?? []).length > 0),
      slowWeek: week.reduce((s, r) => s + (r.slow ?? 0), 0),
      messagesWeek: week.reduce((s, r) => s + r.total, 0),
      ...(broadcasts ? { updates: broadcasts.updates } : {}),
      ...(linkCheck ? { links: { checked: linkCheck.links.length, failing: linkCheck.links.filter((l) => !l.ok).map((l) => `${l.name}（${l.detail}）`), checkedAt: linkCheck.checkedAt } } : {}),
    }),
  };
}
