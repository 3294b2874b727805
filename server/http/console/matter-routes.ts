// 一件事 review: every submitted matter draft a user's departments are involved in, each department's
// own part of the change, and the confirmation each must give before the platform may approve it.
// The lead writes and submits the matter in the editor (/console/departments/matters:<id>).
import { Router, type Request, type Response } from 'express';
import { canEditDepartment, type DraftService, matterPartDiff, type SessionUser } from '../../console/index.js';
import type { PageRenderer } from './page.js';

const user = (res: Response) => res.locals.user as SessionUser;

export function createMatterRoutes(deps: { drafts: DraftService; page: PageRenderer }): Router {
  const router = Router();

  router.get('/matters', async (req: Request, res: Response) => {
    const me = user(res);
    const rows = (await deps.drafts.matterDrafts(me)).map(({ draft, published, missing }) => {
      const lead = (JSON.parse(draft.text) as { lead?: string; name?: string }).lead ?? '';
      const parts = [...new Set([lead, ...missing, ...(draft.confirmations ?? []).map((c) => c.department)])]
        .filter((d) => me.role === 'platform' || me.departments.includes(d))
        .map((department) => ({
          department,
          lines: matterPartDiff(published, draft.text, department),
          confirmed: (draft.confirmations ?? []).find((c) => c.department === department),
          canConfirm: missing.includes(department) && canEditDepartment(me, department) && me.role !== 'platform',
        }));
      return { draft, path: `matters/${draft.department.slice('matters:'.length)}.json`, missing, parts };
    });
    deps.page(res, 'matters', '一件事会签', { rows, flash: req.query.msg === 'confirmed' ? '已确认本部门部分。' : undefined }, '/console/matters');
  });

  router.post('/matters/:draftId/confirm', async (req: Request, res: Response) => {
    await deps.drafts.confirm(user(res), String(req.params.draftId), String((req.body as { department?: unknown }).department ?? ''));
    res.redirect(303, '/console/matters?msg=confirmed');
  });

  return router;
}
