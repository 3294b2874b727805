// Information queries, citizen pages: the H5 query form, and result pages that answer only the
// citizen who asked, until they expire. Photos on a result page come through onestop, so the
// department's URLs never reach the citizen. The JSON API is query-api-router.ts under /api.
import express, { type Request, type Response } from 'express';
import type { Config } from '../../config.js';
import { NotFoundError } from '../../errors.js';
import type { LiveBuild } from '../../live-build.js';
import { hasQuery, type QueryDeps } from '../../query/index.js';
import type { Renderer } from '../../render.js';
import { optionalCitizen } from '../identity.js';
import { signInRedirect } from '../sign-in-redirect.js';

export interface QueryPagesRouterDeps {
  config: Readonly<Config>;
  live: LiveBuild;
  renderer: Renderer;
  queries: QueryDeps;
  now?: () => Date;
}

const INPUT_TYPES: Record<string, string> = { number: 'number', date: 'date', phone: 'tel', idcard: 'text', text: 'text' };

export function createQueryPagesRouter(deps: QueryPagesRouterDeps) {
  const router = express.Router();
  const citizen = optionalCitizen(deps.config.sessionSecret);
  const now = () => (deps.now ? deps.now() : new Date());
  const ref = (req: Request) => `${String(req.params.dept)}/${String(req.params.service)}`;
  const page = (res: Response, name: string, data: Record<string, unknown>, status = 200) =>
    res.status(status).type('html').send(deps.renderer.page(name, { localMode: deps.config.localMode, accountName: deps.live.current().account.name, ...data }));

  const signIn = signInRedirect(deps.config.localMode);
  router.get('/s/:dept/:service/query', citizen, (req, res, next) => {
    const build = deps.live.current();
    const service = build.services.find((s) => s.ref === ref(req));
    if (!service || !hasQuery(build, service.ref)) {
      return page(res, 'h5/message', { title: '未找到', backUrl: '/', message: '该事项不提供在线查询' }, 404);
    }
    const query = service.steps.query!;
    // A public lookup (a published table, no proof of ownership) is open to anyone, like the
    // API; a personal one or a department system's answer is asked for as a signed-in citizen.
    const personal = (query.proof?.length ?? 0) > 0 || query.source.connector !== undefined;
    if (personal && !res.locals.openid) return signIn(req, res, next);
    const fields = query.inputs.map((f) => ({ ...f, isSelect: f.type === 'select', inputType: INPUT_TYPES[f.type] ?? 'text' }));
    page(res, 'h5/query', { title: `在线查询 · ${service.name}`, backUrl: `/s/${service.ref}`, service, fields, example: query.chat?.example, action: `/api/services/${service.ref}/query` });
  });

  router.get('/q/:token', citizen, signInRedirect(deps.config.localMode), (req, res) => {
    const result = deps.queries.pages.get(String(req.params.token), res.locals.openid, now().getTime());
    res.set('Cache-Control', 'no-store');
    if (!result) return page(res, 'h5/message', { title: '查询结果', backUrl: '/', message: '查询结果不存在或已过期，请重新查询。' }, 404);
    const token = String(req.params.token);
    const items = result.items.map((fields, i) => ({ fields, photos: (result.photos[i] ?? []).map((_p, j) => `/q/${token}/photo/${i}/${j}`) }));
    const minutes = Math.max(1, Math.round((result.expiresAt - now().getTime()) / 60_000));
    page(res, 'h5/query-result', { title: result.title, backUrl: `/s/${result.service}`, summary: result.summary, items, minutes, empty: items.length === 0 });
  });

  router.get('/q/:token/photo/:item/:n', citizen, async (req, res) => {
    const result = deps.queries.pages.get(String(req.params.token), res.locals.openid, now().getTime());
    const path = result?.photos[Number(req.params.item)]?.[Number(req.params.n)];
    const connector = result && deps.live.current().services.find((s) => s.ref === result.service)?.steps.query?.source.connector?.connector;
    const photo = path && connector && deps.queries.connectors?.photo ? await deps.queries.connectors.photo(connector, path) : undefined;
    if (!photo) throw new NotFoundError('照片不存在或已过期');
    res.set('Cache-Control', 'private, no-store').type(photo.type).send(photo.body);
  });

  return router;
}
