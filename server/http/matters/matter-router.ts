// 一件事 as a JSON API: the matters a city offers, one submission creating every applicable part,
// the matter application as the citizen sees it (every part) or a department's staff see it
// (their own parts only), one payment and one rating.
import express, { type NextFunction, type Request, type Response } from 'express';
import { passCase, type ApplicationDeps, type Viewer } from '../../loop/index.js';
import { loadMatterApplication, loadSettledMatter, matterApplicationsOf, matterOf, matterUploadSpecs, matterView, payMatter, rateMatter, submitMatter } from '../../matters/index.js';
import { requireCitizen, requireStaff, type StaffIdentity } from '../identity.js';
import { citizenAccountField, citizenOf, staffOf } from '../locals.js';
import { formBody, multipartUpload, uploadedFiles } from '../multipart-upload.js';
import { describeMatter } from './describe-matter.js';
import type { RouterDeps } from '../router-deps.js';

type Handler = (req: Request, res: Response) => Promise<void>;
const run = (h: Handler) => (req: Request, res: Response, next: NextFunction) => void h(req, res).catch(next);
const param = (req: Request, name: string) => String(req.params[name] ?? '');

export function createMatterRouter(deps: RouterDeps<ApplicationDeps>) {
  const router = express.Router();
  const citizen = requireCitizen(deps.config.sessionSecret);
  const staffOnly = requireStaff(deps.store);
  const anyone = (req: Request, res: Response, next: NextFunction) =>
    /^Bearer\s/i.test(req.headers.authorization ?? '') ? staffOnly(req, res, next) : citizen(req, res, next);
  const viewerOf = (res: Response): Viewer =>
    res.locals.staff ? { kind: 'staff', ...(res.locals.staff as StaffIdentity) } : { kind: 'citizen', openid: res.locals.openid as string };
  const build = () => deps.live.current();

  router.get('/matters', (_req, res) => {
    res.json({ matters: (build().matters ?? []).map((m) => ({ id: m.id, name: m.name, summary: m.summary, url: m.url, lead: m.lead, cooperating: m.cooperating, topic: m.topic ?? null })) });
  });
  router.get('/matters/:id', (req, res) => {
    res.json(describeMatter(build(), matterOf(build(), param(req, 'id'))));
  });

  // 一表申请: the multipart limits follow the matter's one set of documents.
  const matterUpload = (req: Request, res: Response, next: NextFunction) => {
    try {
      const matter = matterOf(build(), param(req, 'id'));
      multipartUpload(matterUploadSpecs(matter), matter.fields.length + matter.questions.length, deps.config.dataDir)(req, res, next);
    } catch (err) {
      next(err);
    }
  };
  router.post('/matters/:id/applications', citizen, matterUpload, run(async (req, res) => {
    const record = await submitMatter(deps, { matter: param(req, 'id'), openid: citizenOf(res), ...citizenAccountField(res), body: formBody(req), files: uploadedFiles(req) });
    const loaded = await loadMatterApplication(deps.store, record.no, { kind: 'citizen', openid: citizenOf(res) });
    res.status(201).location(`/api/matter-applications/${encodeURIComponent(record.no)}`).json(matterView(loaded, build(), { kind: 'citizen', openid: citizenOf(res) }));
  }));

  router.get('/matter-applications', citizen, run(async (_req, res) => {
    const viewer: Viewer = { kind: 'citizen', openid: citizenOf(res) };
    const mine = (await matterApplicationsOf(deps.store).findBy('openid', viewer.openid)).filter((r) => r.state === 'open');
    mine.sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
    const views = await Promise.all(mine.map(async (r) => matterView(await loadMatterApplication(deps.store, r.no, viewer), build(), viewer)));
    res.json({ matterApplications: views });
  }));
  router.get('/matter-applications/:no', anyone, run(async (req, res) => {
    const viewer = viewerOf(res);
    res.json(matterView(await loadSettledMatter(deps, param(req, 'no'), viewer), build(), viewer));
  }));

  // 一次缴费, 一次评价, and the lead department passing a bad review on to the part that caused it.
  const json = express.json({ limit: '16kb' });
  router.post('/matter-applications/:no/payment', citizen, run(async (req, res) => {
    res.status(201).json(await payMatter(deps, param(req, 'no'), citizenOf(res)));
  }));
  router.post('/matter-applications/:no/rating', citizen, json, run(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { record, caseId } = await rateMatter(deps, { no: param(req, 'no'), openid: citizenOf(res), level: body.level, comment: body.comment });
    res.status(201).json({ rating: record.rating, caseId });
  }));
  router.post('/cases/:id/pass', staffOnly, json, run(async (req, res) => {
    res.json(await passCase(deps, param(req, 'id'), staffOf(res), req.body?.department, req.body?.reason));
  }));

  return router;
}
