// The evaluation dashboard under /console/stats: a date range in city time and filters by
// department and service; the platform team sees every department, a department's admins and
// staff only their own (a filter outside their departments is a 404, here and on the exports).
// Numbers come from the stats room; this file parses the query, renders and sends CSV.
import { Router, type Request, type Response } from 'express';
import { addDays, cityDate, cityMinutes, hhmm } from '../../calendar/index.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { AccountRegistry } from '../../accounts/index.js';
import type { AccountBuild } from '../../builder/index.js';
import type { LiveBuild } from '../../live-build.js';
import type { SessionUser } from '../../console/index.js';
import type { Store } from '../../store/index.js';
import {
  barChartSvg, computeStats, createReportCache, HEALTH_STATUS_NAMES, type ReportCache, pieChartSvg, statsTables, suppressSmallCounts, TABLE_IDS, tableCsv, workingTime, type StatsQuery, type StatsTable,
} from '../../stats/index.js';
import { requireRole } from './console-auth.js';
import type { PageRenderer } from './page.js';

export interface StatsRouteDeps {
  store: Store;
  live: LiveBuild;
  page: PageRenderer;
  now: () => Date;
  /** The city's accounts; absent = the one account of `live`. */
  accounts?: AccountRegistry;
  /** Reports kept for a minute per query (default: one cache per router). */
  reportCache?: ReportCache;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The longest range one page may ask for. */
export const MAX_RANGE_DAYS = 366;
const DEFAULT_DAYS = 30;

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

export interface KnownAccount {
  id: string;
  name: string;
  primary: boolean;
}

/**
 * The city's accounts the filter offers, each with its live build: from the account registry
 * (account.json = the primary, then accounts/<id>.json by id), or the deployment's one account.
 */
export function knownAccounts(deps: Pick<StatsRouteDeps, 'live' | 'accounts'>): Array<KnownAccount & { build: AccountBuild }> {
  if (deps.accounts) return deps.accounts.runtimes().map((r) => ({ id: r.info.id, name: r.info.name, primary: r.info.primary, build: r.live.current() }));
  const build = deps.live.current();
  return [{ id: build.account.id || 'main', name: build.account.name, primary: true, build }];
}

/** The query of a stats page or export, checked against what the user may see. */
export function parseStatsQuery(
  req: Request, user: SessionUser, today: string, known: { departments: string[]; services: Map<string, string>; topics: string[]; accounts: KnownAccount[] },
): StatsQuery {
  const to = text(req.query.to) || today;
  const from = text(req.query.from) || addDays(to, -(DEFAULT_DAYS - 1));
  if (!DATE.test(from) || !DATE.test(to) || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) throw new ValidationError('日期格式应为 YYYY-MM-DD');
  if (from > to) throw new ValidationError('开始日期不能晚于结束日期');
  if (addDays(from, MAX_RANGE_DAYS - 1) < to) throw new ValidationError(`日期范围最多 ${MAX_RANGE_DAYS} 天`);
  const scope = user.role === 'platform' ? undefined : user.departments;
  const department = text(req.query.department);
  const service = text(req.query.service);
  const visible = (d: string) => known.departments.includes(d) && (scope === undefined || scope.includes(d));
  if (department && !visible(department)) throw new NotFoundError('没有这个部门的统计');
  const serviceDepartment = known.services.get(service);
  if (service && (!serviceDepartment || !visible(serviceDepartment) || (department && serviceDepartment !== department))) throw new NotFoundError('没有这个服务事项的统计');
  // A topic spans departments: a department's users see its figures for their own departments only.
  const topic = text(req.query.topic);
  if (topic && !known.topics.includes(topic)) throw new NotFoundError('没有这个主题的统计');
  const accountId = text(req.query.account);
  const account = known.accounts.find((a) => a.id === accountId);
  if (accountId && !account) throw new NotFoundError('没有这个公众号的统计');
  return {
    from, to, scope, ...(department ? { department } : {}), ...(service ? { service } : {}), ...(topic ? { topic } : {}),
    ...(account ? { account: { id: account.id, primary: account.primary } } : {}),
  };
}

export function createStatsRoutes(deps: StatsRouteDeps): Router {
  const { store, page, now } = deps;
  const cache = deps.reportCache ?? createReportCache();
  const router = Router();
  router.use(requireRole('platform', 'dept-admin', 'staff'));

  async function report(req: Request, res: Response) {
    const user = res.locals.user as SessionUser;
    const accounts = knownAccounts(deps);
    // What a filter may name: anything of any account (a service may live in one account only).
    const builds = accounts.map((a) => a.build);
    const known = {
      departments: [...new Set(builds.flatMap((b) => b.departments.map((d) => d.id)))],
      services: new Map(builds.flatMap((b) => b.services.map((s) => [s.ref, s.department] as const))),
      topics: [...new Set(builds.flatMap((b) => b.topics.map((t) => t.id)))],
      accounts,
    };
    const today = cityDate(now());
    const query = parseStatsQuery(req, user, today, known);
    // One account: its own build (its services, topics, desk hours); all accounts: the primary's.
    const build = (accounts.find((a) => a.id === query.account?.id) ?? accounts.find((a) => a.primary) ?? accounts[0]!).build;
    // Same query (scope included) on the same day and build within a minute: the same report.
    const { report: result, computedAt } = await cache.get(build, JSON.stringify([today, query]), () => computeStats({ store, build, now }, query));
    return { user, build, accounts, query, result, computedAt, tables: statsTables(result) };
  }

  router.get('/', async (req, res) => {
    const { user, build, accounts, query, result, computedAt, tables } = await report(req, res);
    const byId = new Map(tables.map((t) => [t.id, t]));
    const chart = (id: string, svg: string) => ({ table: byId.get(id) as StatsTable, svg });
    const charts = [
      chart('per-day', barChartSvg({ title: '每日消息量', categories: result.perDay.map((d) => d.date.slice(5)), values: result.perDay.map((d) => d.count) })),
      chart('per-hour', barChartSvg({ title: '各时段消息量', categories: result.perHour.map((_n, h) => String(h)), values: result.perHour })),
      chart('answers', pieChartSvg({ title: '答复方式', slices: result.answers.map((a) => ({ name: a.name, value: a.count })) })),
      chart('funnel', barChartSvg({
        title: '服务办理漏斗（合计）',
        categories: ['浏览', '预约', '申请', '已缴费', '已办结', '已评价'],
        values: [
          result.funnel.reduce((s, f) => s + f.views, 0), result.funnel.reduce((s, f) => s + f.appointments, 0), result.funnel.reduce((s, f) => s + f.applications, 0),
          result.funnel.reduce((s, f) => s + (f.paid ?? 0), 0), result.funnel.reduce((s, f) => s + f.completed, 0), result.funnel.reduce((s, f) => s + f.rated, 0),
        ],
      })),
      chart('ratings', pieChartSvg({ title: '评价等级', slices: result.ratings.map((r) => ({ name: r.name, value: r.count })) })),
    ];
    const charted = new Set([...charts.map((c) => c.table.id), 'health']);
    const mine = (d: string) => user.role === 'platform' || user.departments.includes(d);
    const params = new URLSearchParams({
      from: query.from, to: query.to, ...(query.account ? { account: query.account.id } : {}), ...(query.topic ? { topic: query.topic } : {}), ...(query.department ? { department: query.department } : {}), ...(query.service ? { service: query.service } : {}),
    });
    const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
    page(res, 'stats', '综合评估', {
      query,
      params: params.toString(),
      accounts: accounts.map((a) => ({ id: a.id, name: a.name, primary: a.primary, selected: a.id === query.account?.id })),
      topics: [...build.topics].sort((a, b) => a.order - b.order).map((t) => ({ id: t.id, name: t.name, selected: t.id === query.topic })),
      departments: build.departments.filter((d) => mine(d.id)).map((d) => ({ id: d.id, name: d.name, selected: d.id === query.department })),
      services: build.services.filter((s) => mine(s.department)).map((s) => ({ ref: s.ref, name: s.name, selected: s.ref === query.service })),
      charts,
      plainTables: tables.filter((t) => !charted.has(t.id)),
      automaticRate: pct(result.automaticRate),
      satisfactionRate: pct(result.satisfactionRate),
      promiseRate: pct(result.tickets.promise.share),
      replyMedian: workingTime(result.tickets.replyMedianMinutes),
      replyP90: workingTime(result.tickets.replyP90Minutes),
      health: result.health.map((h) => ({ ...h, statusName: HEALTH_STATUS_NAMES[h.status] })),
      totalMessages: result.totalMessages,
      busiestHour: result.busiestHour === null ? null : `${String(result.busiestHour).padStart(2, '0')}:00–${String(result.busiestHour + 1).padStart(2, '0')}:00`,
      tickets: result.tickets,
      cases: result.cases,
      suppressed: user.role !== 'platform',
      computedAt: hhmm(Math.floor(cityMinutes(computedAt))),
    }, '/console/stats');
  });

  router.get('/export/:table', async (req, res) => {
    const id = String(req.params.table ?? '').replace(/\.csv$/, '');
    if (!(TABLE_IDS as readonly string[]).includes(id)) throw new NotFoundError('没有这张统计表');
    const { user, query, tables } = await report(req, res);
    let table = tables.find((t) => t.id === id) as StatsTable;
    // A department's export: small counts could point at a person.
    if (user.role !== 'platform') table = suppressSmallCounts(table);
    res.set('Content-Disposition', `attachment; filename="stats-${id}-${query.from}-${query.to}.csv"`);
    res.type('text/csv; charset=utf-8').send(tableCsv(table));
  });

  return router;
}
