// The application half of the six-step loop as a JSON API: processing (online applications with
// attachments), payment, progress (staff moves) and rating (好差评 and rectification cases).
// Mount BEFORE any app-wide body parser: payment notifications are verified over the raw bytes.
import express, { type NextFunction, type Request, type Response } from 'express';
import { appealCase, type ApplicationDeps, applicationsOf, applicationView, attachmentSpecs, blobsOf, citizenCase, clockOf, findOnlineService, inStaffQueue, listCases, loadApplication, moveApplication, parseStage, rateApplication, rateFix, receiveNotification, recordCallback, recordRefund, recordResolution, resubmitApplication, startPayment, submitApplication, type Viewer } from '../../loop/index.js';
import { requireCitizen, requireStaff, type StaffIdentity } from '../identity.js';
import { citizenAccountField, citizenOf, staffOf } from '../locals.js';
import { formBody, multipartUpload, uploadedFiles } from '../multipart-upload.js';
import { sendAttachment } from '../send-attachment.js';
import type { RouterDeps } from '../router-deps.js';

type Handler = (req: Request, res: Response) => Promise<void>;
const run = (h: Handler) => (req: Request, res: Response, next: NextFunction) => void h(req, res).catch(next);
const param = (req: Request, name: string) => String(req.params[name] ?? '');

export function createApplicationRouter(deps: RouterDeps<ApplicationDeps>) {
  const router = express.Router();
  const citizen = requireCitizen(deps.config.sessionSecret);
  const staffOnly = requireStaff(deps.store);
  const json = express.json({ limit: '16kb' });
  // Staff present a bearer token; everyone else is a citizen with a session cookie.
  const anyone = (req: Request, res: Response, next: NextFunction) =>
    /^Bearer\s/i.test(req.headers.authorization ?? '') ? staffOnly(req, res, next) : citizen(req, res, next);
  const viewerOf = (res: Response): Viewer =>
    res.locals.staff ? { kind: 'staff', ...(res.locals.staff as StaffIdentity) } : { kind: 'citizen', openid: res.locals.openid as string };
  const view = (app: Parameters<typeof applicationView>[0], forStaff = false) => applicationView(app, deps.live.current(), clockOf(deps), forStaff);

  // 业务办理: the service's own limits apply before the body is read.
  const serviceUpload = (req: Request, res: Response, next: NextFunction) => {
    try {
      const step = findOnlineService(deps.live.current(), `${param(req, 'dept')}/${param(req, 'service')}`).steps.processing!;
      multipartUpload(attachmentSpecs(step), step.fields?.length ?? 0, deps.config.dataDir)(req, res, next);
    } catch (err) {
      next(err);
    }
  };
  router.post('/services/:dept/:service/applications', citizen, serviceUpload, run(async (req, res) => {
    const app = await submitApplication(deps, {
      serviceRef: `${param(req, 'dept')}/${param(req, 'service')}`,
      openid: citizenOf(res),
      ...citizenAccountField(res),
      body: formBody(req),
      files: uploadedFiles(req),
    });
    res.status(201).location(`/api/applications/${encodeURIComponent(app.no)}`).json(view(app));
  }));

  router.get('/applications', citizen, run(async (_req, res) => {
    const mine = await applicationsOf(deps.store).findBy('openid', citizenOf(res));
    res.json({ applications: mine.sort((a, b) => b.submittedAt.localeCompare(a.submittedAt)).map((a) => view(a)) });
  }));

  router.get('/applications/:no', anyone, run(async (req, res) => {
    const viewer = viewerOf(res);
    const app = await loadApplication(deps.store, param(req, 'no'), viewer);
    const rectification = viewer.kind === 'citizen' ? await citizenCase(deps, app.rating?.caseId, viewer.openid) : undefined;
    res.json({ ...view(app, viewer.kind === 'staff'), ...(rectification ? { case: rectification } : {}) });
  }));

  router.get('/applications/:no/files/:fileId', anyone, run(async (req, res) => {
    const app = await loadApplication(deps.store, param(req, 'no'), viewerOf(res));
    await sendAttachment(res, blobsOf(deps), app, param(req, 'fileId'));
  }));

  router.post('/applications/:no/resubmit', citizen, run(async (req, res) => {
    const app = await loadApplication(deps.store, param(req, 'no'), { kind: 'citizen', openid: citizenOf(res) });
    const step = findOnlineService(deps.live.current(), app.service).steps.processing!;
    await new Promise<void>((resolve, reject) => multipartUpload(attachmentSpecs(step), step.fields?.length ?? 0, deps.config.dataDir)(req, res, (e?: unknown) => (e ? reject(e) : resolve())));
    const moved = await resubmitApplication(deps, { no: app.no, openid: citizenOf(res), body: formBody(req), files: uploadedFiles(req) });
    res.json(view(moved));
  }));

  // 线上支付
  router.post('/applications/:no/payment', citizen, run(async (req, res) => {
    res.status(201).json(await startPayment(deps, param(req, 'no'), citizenOf(res)));
  }));
  router.post('/payments/notify/:provider', express.raw({ type: () => true, limit: '64kb' }), run(async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const outcome = await receiveNotification(deps, param(req, 'provider'), req.headers, raw);
    // WeChat Pay v3 takes any 2xx as "received"; repeats and non-success states are received too.
    res.status(200).json({ code: 'SUCCESS', message: outcome === 'credited' ? '成功' : '已处理' });
  }));

  // 进度 (staff)
  router.get('/staff/applications', staffOnly, run(async (req, res) => {
    const staff = res.locals.staff as StaffIdentity;
    const stage = req.query.stage === undefined || req.query.stage === '' ? undefined : parseStage(req.query.stage);
    const all = await applicationsOf(deps.store).findBy('department', staff.department);
    const listed = all.filter((a) => inStaffQueue(a) && (!stage || a.stage === stage)).sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
    res.json({ applications: listed.map((a) => view(a, true)) });
  }));
  router.post('/applications/:no/transitions', staffOnly, json, run(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const moved = await moveApplication(deps, { no: param(req, 'no'), to: body.to, note: body.note, amountFen: body.amountFen, staff: staffOf(res) });
    res.json(view(moved, true));
  }));

  router.post('/applications/:no/refund', staffOnly, json, run(async (req, res) => {
    const done = await recordRefund(deps, { no: param(req, 'no'), note: req.body?.note, staff: staffOf(res) });
    res.json(view(done, true));
  }));

  // 评价 and 差评整改
  router.post('/applications/:no/rating', citizen, json, run(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const result = await rateApplication(deps, { no: param(req, 'no'), openid: citizenOf(res), level: body.level, comment: body.comment });
    res.status(201).json({ rating: result.application.rating, caseId: result.case?.id ?? null, deadline: result.case?.deadline ?? null });
  }));
  router.get('/staff/cases', staffOnly, run(async (_req, res) => {
    res.json({ cases: await listCases(deps, staffOf(res)) });
  }));
  router.post('/cases/:id/callback', staffOnly, json, run(async (req, res) => {
    res.json(await recordCallback(deps, param(req, 'id'), staffOf(res), req.body?.note));
  }));
  router.post('/cases/:id/resolution', staffOnly, json, run(async (req, res) => {
    res.json(await recordResolution(deps, param(req, 'id'), staffOf(res), req.body?.kind, req.body?.note));
  }));
  router.post('/cases/:id/appeal', staffOnly, json, run(async (req, res) => {
    res.json(await appealCase(deps, param(req, 'id'), staffOf(res), req.body?.reason));
  }));
  router.post('/cases/:id/rating', citizen, json, run(async (req, res) => {
    res.status(201).json(await rateFix(deps, param(req, 'id'), citizenOf(res), req.body?.level, req.body?.comment));
  }));

  return router;
}
