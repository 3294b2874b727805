// The citizen's H5 pages for the application half of the loop: the topic list, a service's six
// steps, the application form, and "我的办件" with timeline, payment and rating. Data comes from
// the same services as the JSON API; the page script (templates/h5/assets/loop.js) calls the API.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response } from 'express';
import { projectRoot } from '../../config.js';
import { NotFoundError } from '../../errors.js';
import { applicationsOf, applicationView, attachmentSpecs, citizenCase, cityTime, clockOf, departmentName, applyNotice, describeSteps, describeTypes, findOnlineService, formatSize, loadApplication, RATING_LEVELS, searchMatters, searchServices, serviceOf } from '../../loop/index.js';
import { recordPageView } from '../../stats/index.js';
import { optionalCitizen } from '../identity.js';
import { citizenOf } from '../locals.js';
import { signInRedirect } from '../sign-in-redirect.js';
import type { RouterDeps } from '../router-deps.js';

const INPUT_TYPES: Record<string, string> = { number: 'number', date: 'date', phone: 'tel', idcard: 'text', text: 'text' };
const ACCEPT: Record<string, string> = { pdf: '.pdf,application/pdf', jpg: '.jpg,.jpeg,image/jpeg', png: '.png,image/png' };
// Page scripts, read once: pages carry no inline script (the CSP allows only 'self' scripts).
const ASSETS_DIR = path.join(projectRoot, 'templates/h5/assets');
const ASSETS = new Map(readdirSync(ASSETS_DIR).filter((f) => f.endsWith('.js')).map((f) => [f, readFileSync(path.join(ASSETS_DIR, f), 'utf8')]));

export function createServicePagesRouter(deps: RouterDeps) {
  const router = express.Router();
  const citizen = optionalCitizen(deps.config.sessionSecret);
  const build = () => deps.live.current();
  const common = (title: string, backUrl?: string) => ({ title, backUrl, localMode: deps.config.localMode, accountName: build().account.name });
  const signedIn = signInRedirect(deps.config.localMode);
  const page = (res: Response, name: string, data: Record<string, unknown>, status = 200) => res.status(status).type('html').send(deps.renderer.page(name, data));
  const notFound = (res: Response, err: unknown) => {
    if (!(err instanceof NotFoundError)) throw err;
    page(res, 'h5/message', { ...common('未找到', '/'), message: err.message }, 404);
  };
  const ref = (req: Request) => `${String(req.params.dept)}/${String(req.params.service)}`;

  router.get('/assets/h5/:file', (req, res, next) => {
    const asset = ASSETS.get(String(req.params.file));
    if (asset === undefined) return next();
    res.type('application/javascript').set('Cache-Control', 'public, max-age=300').send(asset);
  });

  router.get('/', citizen, (req, res) => {
    const b = build();
    const topics = [...b.topics].sort((x, y) => x.order - y.order).map((t) => ({
      ...t,
      services: t.services.map((r) => b.services.find((s) => s.ref === r)).filter(Boolean),
      matters: (b.matters ?? []).filter((m) => m.topic === t.id),
    }));
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 50) : '';
    const found = q ? searchServices(b, q) : undefined;
    const foundMatters = q ? searchMatters(b, q) : undefined;
    const nothing = !!q && !found?.length && !foundMatters?.length;
    page(res, 'h5/home', { ...common(b.account.name), topics, q, found, foundMatters, nothing, signedIn: Boolean(res.locals.openid) });
  });

  router.get('/s/:dept/:service', (req, res) => {
    try {
      const service = serviceOf(build(), ref(req));
      recordPageView(deps.store, { service: service.ref, department: service.department }, clockOf(deps));
      page(res, 'h5/service', { ...common(service.name, '/'), service, department: departmentName(build(), service.department), steps: describeSteps(service) });
    } catch (err) {
      notFound(res, err);
    }
  });

  router.get('/s/:dept/:service/apply', citizen, signedIn, async (req, res) => {
    try {
      const service = findOnlineService(build(), ref(req));
      const step = service.steps.processing!;
      const resubmit = typeof req.query.resubmit === 'string' ? await loadApplication(deps.store, req.query.resubmit, { kind: 'citizen', openid: citizenOf(res) }) : undefined;
      const fields = (step.fields ?? []).filter((f) => f.type !== 'file').map((f) => ({
        ...f,
        isSelect: f.type === 'select',
        inputType: INPUT_TYPES[f.type] ?? 'text',
        value: resubmit?.data[f.name] ?? '',
        options: f.options?.map((o) => ({ ...o, selected: resubmit?.data[f.name] === o.value })),
      }));
      const files = attachmentSpecs(step).map((a) => ({
        ...a,
        accept: a.types.map((t) => ACCEPT[t]).join(','),
        hint: `${describeTypes(a.types)}，不超过 ${formatSize(a.maxSizeKb)}`,
        // On a re-submission, files already on record need not be sent again.
        required: a.required && !resubmit?.attachments.some((x) => x.name === a.name),
      }));
      const action = resubmit ? `/api/applications/${encodeURIComponent(resubmit.no)}/resubmit` : `/api/services/${service.ref}/applications`;
      page(res, 'h5/apply', { ...common(resubmit ? '补正材料' : `在线申请 · ${service.name}`, `/s/${service.ref}`), service, fields, files, action, resubmit: resubmit?.no, notice: applyNotice(service) });
    } catch (err) {
      notFound(res, err);
    }
  });

  router.get('/me/applications', citizen, signedIn, async (_req, res) => {
    const mine = await applicationsOf(deps.store).findBy('openid', citizenOf(res));
    const views = mine.sort((a, b) => b.submittedAt.localeCompare(a.submittedAt)).map((a) => applicationView(a, build(), clockOf(deps)));
    page(res, 'h5/my-applications', { ...common('我的办件', '/'), applications: views, signedIn: true });
  });

  router.get('/me/applications/:no', citizen, signedIn, async (req, res) => {
    try {
      const app = await loadApplication(deps.store, String(req.params.no), { kind: 'citizen', openid: citizenOf(res) });
      const view = applicationView(app, build(), clockOf(deps));
      const rectification = await citizenCase(deps, app.rating?.caseId, citizenOf(res));
      page(res, 'h5/application', {
        ...common(`办件 ${app.no}`, '/me/applications'),
        app: view,
        submitted: submittedNotice(req.query.submitted, view),
        supplement: app.stage === 'supplement',
        resubmitUrl: `/s/${app.service}/apply?resubmit=${encodeURIComponent(app.no)}`,
        levels: RATING_LEVELS,
        ratingLabel: app.rating ? RATING_LEVELS.find((l) => l.value === app.rating!.level)?.label : undefined,
        case: rectification,
        caseRateable: !!rectification && rectification.status === 'resolved',
        timeline: [...view.timeline].reverse().map((t) => ({ ...t, when: cityTime(new Date(t.at)) })),
      });
    } catch (err) {
      notFound(res, err);
    }
  });

  return router;
}

/** The notice a citizen sees right after applying (?submitted=1) or re-submitting (?submitted=resubmit). */
function submittedNotice(flag: unknown, view: ReturnType<typeof applicationView>) {
  if (flag !== '1' && flag !== 'resubmit') return undefined;
  const title = flag === 'resubmit' ? '补正材料已提交' : '申请已提交';
  if (view.payable) return { title, next: '下一步：请在下方完成缴费，缴费后部门开始受理。' };
  if (view.payment.state === 'awaiting-assessment') return { title, next: '下一步：请等待工作人员受理并核定费用，核定后即可在线缴费。' };
  return { title, next: '下一步：请等待工作人员受理，受理结果会在本页“办理进度”中更新。' };
}
