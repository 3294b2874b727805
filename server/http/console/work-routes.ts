// The staff workbench under /console/work: 人工客服 (desk tickets), 办件 (the department's
// applications) and 差评整改 (rectification cases). Department staff and admins act for their own
// departments, the platform team for all; anything outside a user's scope is a 404. The domain
// lives in server/desk and the loop; this file unpacks forms, calls one function and renders.
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config.js';
import { AppError, NotFoundError, WechatApiError } from '../../errors.js';
import { statusOf } from '../error-handler.js';
import { sendAttachment } from '../send-attachment.js';
import type { Renderer } from '../../render.js';
import type { LiveBuild } from '../../live-build.js';
import { blobsOf, departmentName, type LoopDeps, serviceRules, STAGE_LABELS } from '../../loop/index.js';
import type { BlobStore, Store } from '../../store/index.js';
import type { WechatClient } from '../../wechat/index.js';
import { addReplyTemplate, closeHallFromWorkbench, closureRow, dayListRow, deleteReplyTemplate, listHallClosures, listHallDay, listReplyTemplates, loadReplyTemplate, recordAttendance, reopenHallFromWorkbench } from '../../desk/index.js';
import { cityDate } from '../../calendar/index.js';
import { applicationDetail, applicationRow, assignTicket, caseAppeal, caseCallback, caseResolution, caseRow, citizenTickets, closeTicket, lastMessageAt, listDepartmentApplications, listScopedCases, listSimulatedTickets, listTickets, loadScopedApplication, loadScopedCase, loadTicket, MAX_REASON, MAX_REPLY, moveFromWorkbench, refundFromWorkbench, replyToTicket, stageCounts, TICKET_STATUS_NAMES, TICKET_STATUSES, ticketHistory, ticketRow, type TicketStatus, workScope, type WorkScope } from '../../desk/index.js';
import { audit, type AuditRecord } from '../../audit/index.js';
import { requireRole } from './console-auth.js';
import type { SessionUser } from '../../console/index.js';
import type { PageRenderer } from './page.js';
import { accountChannelOf, accountClientOf, type AccountRegistry } from '../../accounts/index.js';

export interface WorkRouteDeps {
  config: Config;
  store: Store;
  /** Uploaded files (attachments shown on the workbench); absent: config's directory. */
  blobs?: BlobStore;
  live: LiveBuild;
  /** The primary account's client. */
  client: WechatClient;
  /** The city's accounts: replies and notices go through the account a ticket or record came through. */
  accounts?: AccountRegistry;
  renderer: Renderer;
  page: PageRenderer;
  now: () => Date;
}

const FLASH: Record<string, string> = {
  replied: '回复已发送给市民，工单已标记为已回复。',
  closed: '工单已关闭。',
  assigned: '工单已转派。',
  moved: '办理状态已变更，已通知申请人。',
  refunded: '退费已记录。',
  callback: '回访记录已保存。',
  resolution: '整改结果已提交，市民可对整改结果评价。',
  appeal: '申诉复核已提交。',
  'checked-in': '已登记签到。',
  'template-added': '常用回复已保存。',
  'template-deleted': '常用回复已删除。',
  'no-show': '已登记未到。',
  'hall-closed': '已闭厅：相关时段已停止预约，已预约的市民已收到改约通知。',
  'hall-reopened': '已撤销闭厅：相关时段恢复预约，尚未改约的市民已收到“照常办理”通知。',
};

const WECHAT_WINDOW_MS = 48 * 3600_000;
/** The desk tab listing the simulator's tickets, kept out of the real queue. */
const SIMULATED_TAB = 'simulated';
const user = (res: Response) => res.locals.user as SessionUser;
const scopeOf = (res: Response): WorkScope => workScope(user(res).role, user(res).departments);
const param = (req: Request, name: string) => String(req.params[name] ?? '');
const field = (req: Request, name: string): unknown => (req.body as Record<string, unknown> | undefined)?.[name];
const flash = (req: Request) => FLASH[String(req.query.msg ?? '')];

/** A refusal the user can fix on the same page (bad input, wrong state, WeChat said no); the rest propagates. */
function shownOnPage(err: unknown): number | undefined {
  if (err instanceof WechatApiError) return 502;
  if (!(err instanceof AppError) || err instanceof NotFoundError) return undefined;
  const status = statusOf(err);
  return status === 400 || status === 409 || status === 422 ? status : undefined;
}

export function createWorkRoutes(deps: WorkRouteDeps): Router {
  const { store, live, now } = deps;
  // Every workbench page lights the 工作台 link the layout adds to the navigation.
  const page: PageRenderer = (res, name, title, data = {}) => deps.page(res, name, title, { ...data, workNav: true });
  const loop: LoopDeps = { config: deps.config, store, live, wechat: deps.client, ...(deps.accounts ? { accountOf: accountChannelOf(deps.accounts) } : {}), renderer: deps.renderer, blobs: deps.blobs, now };
  const clientFor = deps.accounts ? accountClientOf(deps.accounts) : () => deps.client;
  // Which account a ticket came through, shown in a city of several accounts.
  const accountNameOf = (account: string | undefined): string | undefined => {
    if (!deps.accounts || deps.accounts.list().length < 2) return undefined;
    return deps.accounts.has(account ?? deps.accounts.primary().id) ? deps.accounts.of(account).info.name : `公众号 ${account}（已不在本市配置中）`;
  };
  const ticketRowOf = (t: Parameters<typeof ticketRow>[0], build: Parameters<typeof ticketRow>[1]) => {
    const accountName = accountNameOf(t.account);
    return { ...ticketRow(t, build, now()), ...(accountName ? { accountName } : {}) };
  };
  const router = Router();
  router.use(requireRole('platform', 'dept-admin', 'staff'));

  /**
   * Runs a form action; a refusal re-renders the page with the message, success is written to the
   * audit log (who did what to which ticket, application or case) and redirects.
   */
  async function act<T>(
    res: Response,
    action: () => Promise<T>,
    done: string,
    again: (error: string, status: number) => Promise<void>,
    logged: (result: T) => Omit<AuditRecord, 'at' | 'actor'>,
  ) {
    let result: T;
    try {
      result = await action();
    } catch (err) {
      const status = shownOnPage(err);
      if (status === undefined) throw err;
      return again((err as Error).message, status);
    }
    audit(store, now(), { actor: user(res).username, ...logged(result) });
    res.redirect(303, done);
  }

  router.get('/', async (_req, res) => {
    const scope = scopeOf(res);
    const build = live.current();
    const tickets = (await listTickets(store, scope)).map((t) => ticketRowOf(t, build));
    const apps = await listDepartmentApplications(store, scope);
    const cases = await listScopedCases(loop, scope);
    page(res, 'work-home', '工作台', {
      openTickets: tickets.length,
      overdueTickets: tickets.filter((t) => t.timing.overdue).length,
      stages: stageCounts(apps, '').filter((s) => s.count > 0),
      overdueApps: apps.map((a) => applicationRow(a, build, now())).filter((a) => a.clock.overdue).length,
      openCases: cases.filter((c) => c.status === 'open').length,
      todayAppointments: (await listHallDay(store, scope, { date: cityDate(now()) })).length,
      overdueCases: cases.filter((c) => c.overdue).length,
    });
  });

  // 人工客服
  router.get('/desk', async (req, res) => {
    const simulated = req.query.status === SIMULATED_TAB;
    const status = TICKET_STATUSES.includes(req.query.status as TicketStatus) ? (req.query.status as TicketStatus) : 'open';
    const build = live.current();
    const found = simulated ? await listSimulatedTickets(store, scopeOf(res)) : await listTickets(store, scopeOf(res), status);
    const tickets = found.map((t) => ticketRowOf(t, build));
    const tabs = [
      ...TICKET_STATUSES.map((s) => ({ status: s, label: TICKET_STATUS_NAMES[s], active: !simulated && s === status })),
      { status: SIMULATED_TAB, label: '模拟器消息', active: simulated },
    ];
    page(res, 'work-desk', '人工客服', { tickets, tabs, status, simulated, statusName: simulated ? '来自模拟器' : TICKET_STATUS_NAMES[status] });
  });

  // 常用回复: saved answers; a ticket page lists those of its department and fills the reply with one.
  async function renderTemplates(_req: Request, res: Response, extra: Record<string, unknown> = {}) {
    const scope = scopeOf(res);
    const build = live.current();
    const templates = (await listReplyTemplates(store, scope)).map((t) => ({ ...t, departmentName: t.department ? departmentName(build, t.department) : '全部部门（通用）' }));
    const departments = build.departments.filter((d) => scope.all || scope.departments.includes(d.id));
    page(res, 'work-templates', '常用回复', { templates, departments, shared: scope.all, maxReply: MAX_REPLY, ...extra });
  }

  router.get('/desk/templates', (req, res) => renderTemplates(req, res, { flash: flash(req) }));

  router.post('/desk/templates', async (req, res) => {
    await act(res, () => addReplyTemplate(store, scopeOf(res), { department: field(req, 'department'), title: field(req, 'title'), text: field(req, 'text') }, { actor: user(res).username, now: now() }),
      '/console/work/desk/templates?msg=template-added', (error, status) => (res.status(status), renderTemplates(req, res, { error, draft: { title: field(req, 'title'), text: field(req, 'text') } })),
      (t) => ({ action: 'desk.template-add', target: `常用回复“${t.title}”` }));
  });

  router.post('/desk/templates/:id/delete', async (req, res) => {
    await act(res, () => deleteReplyTemplate(store, scopeOf(res), param(req, 'id')),
      '/console/work/desk/templates?msg=template-deleted', (error, status) => (res.status(status), renderTemplates(req, res, { error })),
      (t) => ({ action: 'desk.template-delete', target: `常用回复“${t.title}”` }));
  });

  async function renderTicket(req: Request, res: Response, extra: Record<string, unknown> = {}) {
    const scope = scopeOf(res);
    const ticket = await loadTicket(store, param(req, 'id'), scope);
    const templates = await listReplyTemplates(store, scope, ticket.department);
    // ?template=<id> fills the reply box (no script needed); staff edit it before sending.
    const chosen = typeof req.query.template === 'string' ? await loadReplyTemplate(store, scope, req.query.template) : undefined;
    const build = live.current();
    const last = await lastMessageAt(store, ticket.openid);
    page(res, 'work-ticket', `工单 ${ticket.id}`, {
      ticket: ticketRowOf(ticket, build),
      history: ticketHistory(ticket, build),
      others: (await citizenTickets(store, ticket, scope)).map((t) => ticketRowOf(t, build)),
      outOfWindow: !!last && now().getTime() - new Date(last).getTime() > WECHAT_WINDOW_MS,
      hotline: build.account.desk.hotline,
      canReply: ticket.status !== 'closed',
      canChange: ticket.status === 'open',
      departments: build.departments.filter((d) => d.id !== ticket.department),
      maxReply: MAX_REPLY,
      maxReason: MAX_REASON,
      flash: flash(req),
      templates,
      ...(chosen ? { draft: chosen.text } : {}),
      ...extra,
    });
  }

  router.get('/desk/:id', (req, res) => renderTicket(req, res));

  router.post('/desk/:id/reply', async (req, res) => {
    const id = param(req, 'id');
    await act(res, () => replyToTicket({ store, clientFor, now }, id, scopeOf(res), user(res).username, field(req, 'text')),
      `/console/work/desk/${encodeURIComponent(id)}?msg=replied`,
      (error, status) => (res.status(status), renderTicket(req, res, { error, draft: field(req, 'text') })),
      () => ({ action: 'desk.reply', target: `工单 ${id}` }));
  });

  router.post('/desk/:id/close', async (req, res) => {
    const id = param(req, 'id');
    await act(res, () => closeTicket(store, id, scopeOf(res), field(req, 'reason'), { actor: user(res).username, now: now() }),
      `/console/work/desk/${encodeURIComponent(id)}?msg=closed`, (error, status) => (res.status(status), renderTicket(req, res, { error })),
      (ticket) => ({ action: 'desk.close', target: `工单 ${id}`, detail: ticket.events?.at(-1)?.reason }));
  });

  router.post('/desk/:id/assign', async (req, res) => {
    const id = param(req, 'id');
    const known = live.current().departments.map((d) => d.id);
    // After passing a ticket on, the sender may no longer see it: back to the queue.
    await act(res, () => assignTicket(store, id, scopeOf(res), field(req, 'department'), known, { actor: user(res).username, now: now() }),
      '/console/work/desk?msg=assigned', (error, status) => (res.status(status), renderTicket(req, res, { error })),
      (ticket) => ({ action: 'desk.assign', target: `工单 ${id}`, detail: `转派至${departmentName(live.current(), ticket.department ?? '')}` }));
  });

  // 预约: a hall's day list with the pre-check answers; 签到 and 未到 on the day.
  const dayQuery = (req: Request) => {
    const raw = (name: string) => (typeof req.query[name] === 'string' ? String(req.query[name]) : typeof field(req, name) === 'string' ? String(field(req, name)) : '');
    const date = /^\d{4}-\d{2}-\d{2}$/.test(raw('date')) ? raw('date') : cityDate(now());
    return { date, hall: raw('hall') || undefined, service: raw('service') || undefined };
  };
  const dayUrl = (q: { date: string; hall?: string; service?: string }, msg?: string) =>
    `/console/work/appointments?${new URLSearchParams({ date: q.date, ...(q.hall ? { hall: q.hall } : {}), ...(q.service ? { service: q.service } : {}), ...(msg ? { msg } : {}) })}`;

  async function renderDay(req: Request, res: Response, extra: Record<string, unknown> = {}) {
    const scope = scopeOf(res);
    const build = live.current();
    const q = dayQuery(req);
    const rows = (await listHallDay(store, scope, q)).map((a) => dayListRow(a, build, now()));
    const closures = (await listHallClosures(store, scope, q.date)).filter((c) => !q.hall || c.hall === q.hall).map((c) => closureRow(c, build));
    const mine = (d: string) => scope.all || scope.departments.includes(d);
    const halls = build.halls.filter((h) => mine(h.department)).map((h) => ({ ref: h.ref, name: h.name, selected: h.ref === q.hall }));
    const services = build.services.filter((s) => mine(s.department) && s.steps.appointment?.online).map((s) => ({ ref: s.ref, name: s.name, selected: s.ref === q.service }));
    const canClose = q.date >= cityDate(now());
    page(res, 'work-appointments', '预约', { rows, closures, canClose, halls, services, date: q.date, hidden: { hall: q.hall ?? '', service: q.service ?? '' }, count: rows.length, flash: flash(req), ...extra });
  }

  router.get('/appointments', (req, res) => renderDay(req, res));

  for (const kind of ['checked-in', 'no-show'] as const) {
    router.post(`/appointments/:id/${kind}`, async (req, res) => {
      const id = param(req, 'id');
      await act(res, () => recordAttendance(store, id, scopeOf(res), kind, { actor: user(res).username, now: now() }),
        dayUrl(dayQuery(req), kind), (error, status) => (res.status(status), renderDay(req, res, { error })),
        (a) => ({ action: `appointment.${kind}`, target: `预约 ${a.number}` }));
    });
  }

  // 闭厅: the hall's slots in the span stop taking bookings; booked citizens get a 改约 notice.
  router.post('/appointments/closures', async (req, res) => {
    const input = { hall: field(req, 'closeHall'), date: field(req, 'date'), from: field(req, 'from'), to: field(req, 'to'), reason: field(req, 'reason') };
    await act(res, () => closeHallFromWorkbench(loop, scopeOf(res), input, user(res).username),
      dayUrl(dayQuery(req), 'hall-closed'), (error, status) => (res.status(status), renderDay(req, res, { error, closeForm: input })),
      ({ closure, affected }) => ({
        action: 'hall.closed',
        target: `大厅 ${live.current().halls.find((h) => h.ref === closure.hall)?.name ?? closure.hall}`,
        detail: `${closure.date} ${closure.from ? `${closure.from}—${closure.to}` : '全天'}；原因：${closure.reason}；已通知改约 ${affected.length} 人${affected.length ? `（${affected.map((a) => a.number).join('、')}）` : ''}`,
      }));
  });

  // 撤销闭厅: the slots take bookings again; citizens who have not moved keep their slot and are told.
  router.post('/appointments/closures/:id/reopen', async (req, res) => {
    await act(res, () => reopenHallFromWorkbench(loop, scopeOf(res), param(req, 'id')),
      dayUrl(dayQuery(req), 'hall-reopened'), (error, status) => (res.status(status), renderDay(req, res, { error })),
      ({ closure, restored }) => ({
        action: 'hall.reopened',
        target: `大厅 ${live.current().halls.find((h) => h.ref === closure.hall)?.name ?? closure.hall}`,
        detail: `${closure.date} ${closure.from ? `${closure.from}—${closure.to}` : '全天'}；原闭厅原因：${closure.reason}；恢复原预约 ${restored.length} 人${restored.length ? `（${restored.map((a) => a.number).join('、')}）` : ''}`,
      }));
  });

  // 办件
  router.get('/applications', async (req, res) => {
    const build = live.current();
    const all = await listDepartmentApplications(store, scopeOf(res));
    const stage = typeof req.query.stage === 'string' && Object.hasOwn(STAGE_LABELS, req.query.stage) ? req.query.stage : '';
    const rows = all.filter((a) => !stage || a.stage === stage).map((a) => applicationRow(a, build, now()));
    page(res, 'work-applications', '办件', { rows, stages: stageCounts(all, stage), stage, total: all.length });
  });

  async function renderApplication(req: Request, res: Response, extra: Record<string, unknown> = {}) {
    const app = await loadScopedApplication(store, param(req, 'no'), scopeOf(res));
    const accountName = accountNameOf(app.account);
    page(res, 'work-application', `办件 ${app.no}`, {
      app: { ...applicationDetail(app, live.current(), now(), serviceRules(loop, app).maxFen), ...(accountName ? { accountName } : {}) },
      flash: flash(req),
      ...extra,
    });
  }

  router.get('/applications/:no', (req, res) => renderApplication(req, res));

  router.get('/applications/:no/files/:fileId', async (req, res) => {
    const app = await loadScopedApplication(store, param(req, 'no'), scopeOf(res));
    await sendAttachment(res, blobsOf(loop), app, param(req, 'fileId'));
  });

  router.get('/applications/:no/files/:fileId/preview', async (req, res) => {
    const app = await loadScopedApplication(store, param(req, 'no'), scopeOf(res));
    await sendAttachment(res, blobsOf(loop), app, param(req, 'fileId'), 'preview');
  });

  router.post('/applications/:no/move', async (req, res) => {
    const no = param(req, 'no');
    await act(res, () => moveFromWorkbench(loop, no, scopeOf(res), user(res).username, { to: field(req, 'to'), note: field(req, 'note'), amount: field(req, 'amount') }),
      `/console/work/applications/${encodeURIComponent(no)}?msg=moved`,
      (error, status) => (res.status(status), renderApplication(req, res, { error, note: field(req, 'note'), amount: field(req, 'amount') })),
      (app) => ({ action: 'application.move', target: `办件 ${no}`, detail: `变更为“${STAGE_LABELS[app.stage]}”` }));
  });

  router.post('/applications/:no/refund', async (req, res) => {
    const no = param(req, 'no');
    await act(res, () => refundFromWorkbench(loop, no, scopeOf(res), user(res).username, field(req, 'note')),
      `/console/work/applications/${encodeURIComponent(no)}?msg=refunded`,
      (error, status) => (res.status(status), renderApplication(req, res, { error, refundNote: field(req, 'note') })),
      (app) => ({ action: 'application.refund', target: `办件 ${no}`, detail: `已退还 ${((app.payment.refund?.amountFen ?? 0) / 100).toFixed(2)} 元` }));
  });

  // 差评整改
  router.get('/cases', async (_req, res) => {
    const build = live.current();
    const cases = (await listScopedCases(loop, scopeOf(res))).map((c) => caseRow(c, build));
    page(res, 'work-cases', '差评整改', { cases });
  });

  async function renderCase(req: Request, res: Response, extra: Record<string, unknown> = {}) {
    const c = await loadScopedCase(loop, param(req, 'id'), scopeOf(res));
    page(res, 'work-case', `整改件 ${c.id}`, { c: caseRow(c, live.current()), flash: flash(req), ...extra });
  }

  router.get('/cases/:id', (req, res) => renderCase(req, res));

  const caseAction = (name: 'callback' | 'resolution' | 'appeal', run: (req: Request, res: Response, id: string) => Promise<unknown>) =>
    router.post(`/cases/:id/${name}`, async (req, res) => {
      const id = param(req, 'id');
      await act(res, () => run(req, res, id), `/console/work/cases/${encodeURIComponent(id)}?msg=${name}`,
        (error, status) => (res.status(status), renderCase(req, res, { error })),
        () => ({ action: `case.${name}`, target: `整改件 ${id}` }));
    });
  caseAction('callback', (req, res, id) => caseCallback(loop, id, scopeOf(res), user(res).username, field(req, 'note')));
  caseAction('resolution', (req, res, id) => caseResolution(loop, id, scopeOf(res), user(res).username, field(req, 'kind'), field(req, 'note')));
  caseAction('appeal', (req, res, id) => caseAppeal(loop, id, scopeOf(res), user(res).username, field(req, 'reason')));

  return router;
}
