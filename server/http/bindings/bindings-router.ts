// Citizens' bindings over HTTP: the H5 page /me/bindings (plain forms, no script: add one, remove
// one) and the JSON API /api/bindings. Both act only for the signed-in citizen; state-changing
// requests from another site are refused like every citizen POST. Values are shown masked.
import express, { type Request, type Response } from 'express';
import type { Config } from '../../config.js';
import { AppError, ValidationError } from '../../errors.js';
import type { LiveBuild } from '../../live-build.js';
import { addBinding, listBindings, removeBinding, type BindingsDeps, type BindingView } from '../../bindings/index.js';
import type { Renderer } from '../../render.js';
import { crossSiteReason, optionalCitizen, requireCitizen } from '../identity.js';
import { citizenAccountOf, citizenOf } from '../locals.js';

/** The account the citizen's session came through (a sibling account's signed link); none = the primary. */
const accountOf = (res: Parameters<typeof citizenAccountOf>[0]): { account?: string } => {
  const account = citizenAccountOf(res);
  return account ? { account } : {};
};
import { signInRedirect } from '../sign-in-redirect.js';
import { ForbiddenError } from '../../errors.js';

export interface BindingsRouterDeps {
  config: Readonly<Config>;
  live: LiveBuild;
  renderer: Renderer;
  bindings: BindingsDeps;
}

const INPUT_TYPES: Record<string, string> = { number: 'number', date: 'date', phone: 'tel', idcard: 'text', text: 'text' };
const DONE: Record<string, string> = { bound: '绑定成功。', removed: '已解除绑定，相关信息已删除。' };

/** What a citizen's own page and the API show of a binding: masked values, never the full ones. */
function publicView(b: BindingView) {
  return { id: b.id, department: b.department, kind: b.kind, kindName: b.kindName, label: b.label, masked: b.masked, verifiedBy: b.verifiedBy, createdAt: b.createdAt, ...(b.goneOn ? { goneOn: b.goneOn } : {}) };
}

export function createBindingsApiRouter(deps: BindingsRouterDeps) {
  const router = express.Router();
  const citizen = requireCitizen(deps.config.sessionSecret, { allowedOrigins: [deps.config.publicBaseUrl] });
  const json = express.json({ limit: '16kb' });
  router.get('/bindings', citizen, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json((await listBindings(deps.bindings, citizenOf(res))).map(publicView));
  });
  router.post('/bindings', citizen, json, async (req, res) => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const fields = body.fields && typeof body.fields === 'object' && !Array.isArray(body.fields) ? (body.fields as Record<string, unknown>) : {};
    const view = await addBinding(deps.bindings, { openid: citizenOf(res), ...accountOf(res), department: String(body.department ?? ''), kind: String(body.kind ?? ''), fields });
    res.status(201).json(publicView(view));
  });
  router.delete('/bindings/:id', citizen, async (req, res) => {
    await removeBinding(deps.bindings, { openid: citizenOf(res), id: String(req.params.id) });
    res.status(204).end();
  });
  return router;
}

export function createBindingsPagesRouter(deps: BindingsRouterDeps) {
  const router = express.Router();
  const citizen = optionalCitizen(deps.config.sessionSecret);
  const signedIn = signInRedirect(deps.config.localMode);
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  const sameSite = (req: Request, _res: Response, next: (err?: unknown) => void) => {
    const reason = crossSiteReason(req, { allowedOrigins: [deps.config.publicBaseUrl] });
    next(reason ? new ForbiddenError('拒绝跨站提交：请在本站页面内操作', { reason }) : undefined);
  };

  const render = async (res: Response, options: { done?: string; failed?: { department: string; kind: string; values: Record<string, string>; errors: Map<string, string>; message?: string } } = {}, status = 200) => {
    const build = deps.live.current();
    const own = await listBindings(deps.bindings, citizenOf(res));
    const departmentName = (id: string) => build.departments.find((d) => d.id === id)?.name ?? id;
    const kinds = (build.bindings ?? []).map((k) => {
      const failed = options.failed && options.failed.department === k.department && options.failed.kind === k.id ? options.failed : undefined;
      return {
        ...k,
        departmentName: departmentName(k.department),
        verifies: !!k.verify.connector,
        example: k.chat?.example,
        formError: failed?.message,
        fields: k.fields.map((f) => ({
          ...f,
          isSelect: f.type === 'select',
          inputType: INPUT_TYPES[f.type] ?? 'text',
          value: failed?.values[f.name] ?? '',
          error: failed?.errors.get(f.name),
          options: f.options?.map((o) => ({ ...o, selected: failed?.values[f.name] === o.value })),
        })),
      };
    });
    const bindings = own.map((b) => ({
      ...publicView(b),
      shown: b.label.slice(b.kindName.length).trim(),
      verified: b.verifiedBy === 'connector',
      department: departmentName(b.department),
      since: b.createdAt.slice(0, 10),
    }));
    res
      .status(status)
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(deps.renderer.page('h5/bindings', { title: '我的绑定', backUrl: '/', signedIn: true, localMode: deps.config.localMode, accountName: build.account.name, done: options.done, bindings, kinds }));
  };

  router.get('/me/bindings', citizen, signedIn, async (req, res) => {
    const done = typeof req.query.done === 'string' ? DONE[req.query.done] : undefined;
    await render(res, { done });
  });

  router.post('/me/bindings', sameSite, citizen, signedIn, form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const department = String(body.department ?? '');
    const kind = String(body.kind ?? '');
    const values = Object.fromEntries(Object.entries(body).filter(([k, v]) => k !== 'department' && k !== 'kind' && typeof v === 'string')) as Record<string, string>;
    try {
      await addBinding(deps.bindings, { openid: citizenOf(res), ...accountOf(res), department, kind, fields: values });
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'INTERNAL' || err.code === 'NOT_FOUND') throw err;
      const errors = new Map<string, string>();
      const listed = err instanceof ValidationError && err.message === '绑定信息不完整或有误' && Array.isArray(err.details);
      if (listed) for (const d of err.details as { field: string; message: string }[]) errors.set(d.field, d.message);
      const status = err.code === 'VALIDATION' ? 400 : err.code === 'CONFLICT' ? 409 : 503;
      return render(res, { failed: { department, kind, values, errors, ...(listed ? {} : { message: err.message }) } }, status);
    }
    res.redirect(303, '/me/bindings?done=bound');
  });

  router.post('/me/bindings/:id/delete', sameSite, citizen, signedIn, async (req, res) => {
    await removeBinding(deps.bindings, { openid: citizenOf(res), id: String(req.params.id) });
    res.redirect(303, '/me/bindings?done=removed');
  });
  return router;
}
