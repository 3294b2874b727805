// 消息推送 (/console/work/notices): the delivery log. Department staff and admins see their own
// departments' notices, the platform team every department's, each failure with its reason in
// Chinese; citizens are masked. Read-only: departments push through the staff API.
import { Router, type Request, type Response } from 'express';
import type { SessionUser } from '../../console/index.js';
import { workScope } from '../../desk/index.js';
import type { LiveBuild } from '../../live-build.js';
import { cityTime } from '../../loop/index.js';
import { deliveryCounts, listDeliveries, type NoticeState, STATE_NAMES } from '../../notices/index.js';
import type { Store } from '../../store/index.js';
import { requireRole } from './console-auth.js';
import type { PageRenderer } from './page.js';

export interface NoticesRouteDeps {
  store: Store;
  live: LiveBuild;
  page: PageRenderer;
}

export function createNoticesRoutes(deps: NoticesRouteDeps): Router {
  const router = Router();
  router.use(requireRole('platform', 'dept-admin', 'staff'));
  router.get('/', async (req: Request, res: Response) => {
    const user = res.locals.user as SessionUser;
    const scope = workScope(user.role, user.departments);
    const departments = scope.all ? ('all' as const) : [...scope.departments];
    const state = typeof req.query.state === 'string' && Object.hasOwn(STATE_NAMES, req.query.state) ? (req.query.state as NoticeState) : undefined;
    const notices = { store: deps.store, live: deps.live, publicBaseUrl: '' };
    const names = new Map(deps.live.current().departments.map((d) => [d.id, d.name]));
    const rows = (await listDeliveries(notices, { departments, state })).map((r) => ({
      ...r,
      departmentName: names.get(r.department) ?? r.department,
      when: cityTime(new Date(r.createdAt)),
      sentWhen: r.sentAt ? cityTime(new Date(r.sentAt)) : '',
    }));
    const counts = await deliveryCounts(notices, departments);
    const states = (Object.keys(STATE_NAMES) as NoticeState[]).map((s) => ({ state: s, name: STATE_NAMES[s], count: counts[s], selected: s === state }));
    deps.page(res, 'work-notices', '消息推送', { rows, states, state: state ?? '', all: scope.all, workNav: true });
  });
  return router;
}
