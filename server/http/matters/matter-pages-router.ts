// The citizen's H5 pages of a matter: its one notice (/m/:id), its one form (/m/:id/apply) and the
// one progress page of a submission (/me/matters/:no) with every part, payment and rating. The page
// script (templates/h5/assets/matters.js) calls the JSON API.
import express, { type Response } from 'express';
import { NotFoundError } from '../../errors.js';
import { cityTime, describeTypes, formatSize, RATING_LEVELS } from '../../loop/index.js';
import { loadMatterApplication, loadSettledMatter, matterApplicationsOf, matterOf, matterView } from '../../matters/index.js';
import { optionalCitizen } from '../identity.js';
import { citizenOf } from '../locals.js';
import { signInRedirect } from '../sign-in-redirect.js';
import { describeMatter } from './describe-matter.js';
import type { RouterDeps } from '../router-deps.js';

const INPUT_TYPES: Record<string, string> = { number: 'number', date: 'date', phone: 'tel', idcard: 'text', text: 'text' };
const ACCEPT: Record<string, string> = { pdf: '.pdf,application/pdf', jpg: '.jpg,.jpeg,image/jpeg', png: '.png,image/png' };

export function createMatterPagesRouter(deps: RouterDeps) {
  const router = express.Router();
  const citizen = optionalCitizen(deps.config.sessionSecret);
  const signedIn = signInRedirect(deps.config.localMode);
  const build = () => deps.live.current();
  const common = (title: string, backUrl?: string) => ({ title, backUrl, localMode: deps.config.localMode, accountName: build().account.name });
  const page = (res: Response, name: string, data: Record<string, unknown>, status = 200) => res.status(status).type('html').send(deps.renderer.page(name, data));
  const notFound = (res: Response, err: unknown) => {
    if (!(err instanceof NotFoundError)) throw err;
    page(res, 'h5/message', { ...common('未找到', '/'), message: err.message }, 404);
  };

  router.get('/m/:id', (req, res) => {
    try {
      const matter = describeMatter(build(), matterOf(build(), String(req.params.id)));
      page(res, 'h5/matter', { ...common(matter.name, '/'), matter });
    } catch (err) {
      notFound(res, err);
    }
  });

  router.get('/m/:id/apply', citizen, signedIn, (req, res) => {
    try {
      const matter = describeMatter(build(), matterOf(build(), String(req.params.id)));
      const sections = matter.sections.map((s) => ({
        ...s,
        fields: s.fields.map((f) => ({ ...f, isSelect: f.type === 'select', inputType: INPUT_TYPES[f.type] ?? 'text' })),
        attachments: s.attachments.map((a) => ({ ...a, accept: a.types.map((t) => ACCEPT[t]).join(','), hint: `${describeTypes(a.types)}，不超过 ${formatSize(a.maxSizeKb)}` })),
        // A conditional member's section shows only when its condition holds (matters.js).
        condition: s.member ? matter.members.find((m) => m.service === s.member)?.when : null,
        dataWhen: s.member ? JSON.stringify(matterOf(build(), matter.id).members.find((m) => m.service === s.member)?.when ?? null) : 'null',
      }));
      page(res, 'h5/matter-apply', { ...common(`一表申请 · ${matter.name}`, `/m/${matter.id}`), matter, sections, action: `/api/matters/${matter.id}/applications` });
    } catch (err) {
      notFound(res, err);
    }
  });

  router.get('/me/matters', citizen, signedIn, async (_req, res) => {
    const viewer = { kind: 'citizen' as const, openid: citizenOf(res) };
    const mine = (await matterApplicationsOf(deps.store).findBy('openid', viewer.openid)).filter((r) => r.state === 'open');
    mine.sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
    const views = await Promise.all(mine.map(async (r) => matterView(await loadMatterApplication(deps.store, r.no, viewer), build(), viewer)));
    page(res, 'h5/my-matters', { ...common('我的一件事', '/'), matters: views, signedIn: true });
  });

  router.get('/me/matters/:no', citizen, signedIn, async (req, res) => {
    try {
      const viewer = { kind: 'citizen' as const, openid: citizenOf(res) };
      const view = matterView(await loadSettledMatter(deps, String(req.params.no), viewer), build(), viewer);
      page(res, 'h5/matter-application', {
        ...common(`一件事 ${view.no}`, '/me/matters'),
        view,
        submitted: req.query.submitted === '1',
        submittedAt: cityTime(new Date(view.submittedAt)),
        levels: RATING_LEVELS,
        ratingLabel: view.rating ? RATING_LEVELS.find((l) => l.value === view.rating!.level)?.label : undefined,
      });
    } catch (err) {
      notFound(res, err);
    }
  });

  return router;
}
