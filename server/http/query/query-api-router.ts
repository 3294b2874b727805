// Information queries, JSON API (mounted under /api): the H5 form and department systems post a
// query and get the answer, with { code, message, details } errors. The pages are query-pages-router.ts.
import express, { type Request } from 'express';
import type { Config } from '../../config.js';
import { QuerySourceError, TooManyQueriesError, ValidationError } from '../../errors.js';
import type { LiveBuild } from '../../live-build.js';
import { runQuery, type QueryDeps } from '../../query/index.js';
import { recordQueryRun } from '../../stats/index.js';
import type { Store } from '../../store/index.js';
import { optionalCitizen, sameOriginOnly } from '../identity.js';

export interface QueryApiRouterDeps {
  config: Readonly<Config>;
  live: LiveBuild;
  queries: QueryDeps;
  /** Where the dashboard's query outcomes are logged (service, source, outcome only). */
  store?: Store;
}

export function createQueryApiRouter(deps: QueryApiRouterDeps) {
  const router = express.Router();
  const citizen = optionalCitizen(deps.config.sessionSecret);
  const json = express.json({ limit: '16kb' });
  const ref = (req: Request) => `${String(req.params.dept)}/${String(req.params.service)}`;

  router.post('/services/:dept/:service/query', sameOriginOnly({ allowedOrigins: [deps.config.publicBaseUrl, ...deps.config.corsOrigins] }), citizen, json, async (req, res) => {
    const openid = res.locals.openid;
    const inputs = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
    const asker = openid ? { key: openid, openid } : { key: `ip:${req.ip ?? ''}` };
    const result = await runQuery(deps.queries, { build: deps.live.current(), service: ref(req), inputs, asker });
    if (deps.store) recordQueryRun(deps.store, { service: result.service, department: result.service.split('/')[0]!, source: result.source, outcome: result.outcome }, deps.queries.now?.() ?? new Date());
    if (result.outcome === 'ask' || result.outcome === 'invalid') {
      const service = deps.live.current().services.find((s) => s.ref === result.service);
      const fields = service?.steps.query?.inputs ?? [];
      const details = result.errors ?? fields.filter((f) => f.required && (inputs[f.name] === undefined || String(inputs[f.name]).trim() === '')).map((f) => ({ field: f.name, label: f.label, message: `请填写“${f.label}”` }));
      throw new ValidationError('查询条件不完整或有误', details);
    }
    if (result.outcome === 'limited') throw new TooManyQueriesError(result.text);
    if (result.outcome === 'failed') throw new QuerySourceError(plain(result.text));
    res.json({ found: result.outcome === 'found', reply: result.text, data: result.data ?? null, pageUrl: result.pageUrl ?? null });
  });

  return router;
}

/** The chat text without its WeChat link markup, for an API error message. */
function plain(text: string): string {
  return text.replace(/<a [^>]*>([^<]*)<\/a>/g, '$1');
}
