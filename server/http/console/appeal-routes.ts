// The platform team's 申诉复核 page: departments' appeals against bad reviews, decided with a
// reason the department reads on its case; the 好差评 statistics without upheld ratings.
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config.js';
import type { LiveBuild } from '../../live-build.js';
import { decideAppeal, listAppeals, type LoopDeps, RATING_LEVELS, ratingStatistics } from '../../loop/index.js';
import type { Renderer } from '../../render.js';
import type { Store } from '../../store/index.js';
import { caseRow } from '../../desk/index.js';
import { audit } from '../../audit/index.js';
import type { SessionUser } from '../../console/index.js';
import { requireRole } from './console-auth.js';
import type { PageRenderer } from './page.js';

export interface AppealRouteDeps {
  config: Readonly<Config>;
  store: Store;
  live: LiveBuild;
  renderer: Renderer;
  page: PageRenderer;
  now: () => Date;
}

const FLASH: Record<string, string> = {
  upheld: '已裁定申诉成立：该整改件结案，这条差评不再计入好差评统计。',
  rejected: '已裁定申诉不成立：部门需继续整改，复核理由已告知部门。',
};

export function createAppealRoutes(deps: AppealRouteDeps): Router {
  const { store, live, page, now } = deps;
  const loop: LoopDeps = { config: deps.config, store, live, renderer: deps.renderer, now };
  const router = Router();
  const platform = requireRole('platform');

  router.get('/appeals', platform, async (req: Request, res: Response) => {
    const build = live.current();
    const rows = (await listAppeals(loop)).map((c) => caseRow(c, build));
    const stats = await ratingStatistics({ store });
    page(res, 'appeals', '申诉复核', {
      pending: rows.filter((c) => c.appeal?.status === 'pending'),
      decided: rows.filter((c) => c.appeal?.status !== 'pending'),
      stats: {
        ...stats,
        levels: RATING_LEVELS.map((l) => ({ label: l.label, count: stats.byLevel[l.value] })),
        percent: stats.satisfaction === undefined ? undefined : `${(stats.satisfaction * 100).toFixed(1)}%`,
      },
      flash: FLASH[String(req.query.msg ?? '')],
    }, '/console/appeals');
  });

  router.post('/appeals/:id/decision', platform, async (req: Request, res: Response) => {
    const body = req.body as { decision?: unknown; reason?: unknown };
    const user = res.locals.user as SessionUser;
    const decided = await decideAppeal(loop, String(req.params.id ?? ''), user.username, body.decision, body.reason);
    audit(store, now(), {
      actor: user.username, action: 'case.appeal-decide', target: `整改件 ${decided.id}`,
      detail: `${decided.appeal?.status === 'upheld' ? '申诉成立' : '申诉不成立'}：${decided.appeal?.decision?.note ?? ''}`,
    });
    res.redirect(303, `/console/appeals?msg=${decided.appeal?.status}`);
  });

  return router;
}
