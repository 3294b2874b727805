// The simulator page and its API. Live mode posts real signed XML to this server's own /wechat;
// draft mode (草稿预览) asks the gateway's dry run (Gateway.simulate) with the draft's build,
// because the draft is not live.
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config.js';
import type { LiveBuild } from '../../live-build.js';
import type { Store } from '../../store/index.js';
import { departmentPath, DRAFT_STATUS_NAMES, type DraftService, phonePreview, type SessionUser } from '../../console/index.js';
import type { Publisher } from '../../publish/index.js';
import { type Gateway, parseSimulateInput, parseSince, simulateDraft, simulateLive, simulatorOutbox } from '../../gateway/index.js';
import type { PageRenderer } from './page.js';
import { createRateLimiter, createResultPages, queryIndexOf, runQuery, type QueryDeps } from '../../query/index.js';
import { ValidationError } from '../../errors.js';
import { consoleAccount } from './console-account.js';

export interface SimulatorRouteDeps {
  config: Config;
  store: Store;
  live: LiveBuild;
  drafts: DraftService;
  publisher: Publisher;
  gateway: Pick<Gateway, 'simulate'>;
  page: PageRenderer;
  queries?: QueryDeps;
  now: () => Date;
}

const user = (res: Response) => res.locals.user as SessionUser;

/** Each console user chats as their own simulated citizen; the prefix marks it in the desk queue. */
const simulatedOpenid = (u: SessionUser) => `sim-${u.username}`;

/**
 * This very server, reached over loopback on the port the request came in on. Deliberately not
 * the Host header: a forged Host would make the server send signed pushes somewhere else.
 */
function selfBaseUrl(req: Request): string {
  const raw = req.socket.localAddress ?? '127.0.0.1';
  const address = raw.startsWith('::ffff:') ? raw.slice(7) : raw;
  return `http://${address.includes(':') ? `[${address}]` : address}:${req.socket.localPort}`;
}

export function createSimulatorRoutes(deps: SimulatorRouteDeps): Router {
  const { drafts, page } = deps;
  const router = Router();
  // Test queries run dry (no limit taken, no page kept), against the same systems as the chat.
  const queries: QueryDeps = deps.queries ?? { limiter: createRateLimiter(), pages: createResultPages() };
  const buildFor = async (req: Request, res: Response, draftId: unknown) => {
    const account = consoleAccount(res);
    if (typeof draftId !== 'string' || !draftId) return account.live.current();
    return account.publisher.build(await drafts.mergedFiles(await drafts.get(user(res), draftId)));
  };

  router.get('/simulator', async (req, res) => {
    const draft = typeof req.query.draft === 'string' ? await drafts.get(user(res), req.query.draft) : undefined;
    const account = consoleAccount(res);
    const build = draft ? account.publisher.build(await drafts.mergedFiles(draft)) : account.live.current();
    const queryServices = [...queryIndexOf(build).queries.values()].map(({ service, query }) => ({
      ref: service.ref,
      name: service.name,
      example: JSON.stringify(Object.fromEntries(query.inputs.map((f) => [f.name, '']))),
    }));
    const named = res.locals.consoleAccounts?.length ? ` · ${account.name}` : '';
    page(res, 'simulator', `${draft ? '公众号模拟器（草稿预览）' : '公众号模拟器'}${named}`, {
      preview: phonePreview(build),
      queryServices,
      draftId: draft?.id,
      draftLabel: draft && `${departmentPath(draft.department)} 草稿 #${draft.number}（${DRAFT_STATUS_NAMES[draft.status]}）`,
      encrypted: Boolean(account.wechat.encodingAesKey),
      callbackPath: account.callbackPath,
      // The outbox poll starts here: only pushes after the page opened join the chat. Wall clock,
      // not deps.now(): the stand-in stamps its outbox with the wall clock.
      since: new Date().toISOString(),
    }, '/console/simulator');
  });

  router.post('/api/simulate', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const input = parseSimulateInput(body);
    const openid = simulatedOpenid(user(res));
    if (typeof body.draft === 'string' && body.draft) {
      const draft = await drafts.get(user(res), body.draft);
      const build = consoleAccount(res).publisher.build(await drafts.mergedFiles(draft));
      return res.json(await simulateDraft(consoleAccount(res).gateway, build, openid, input, deps.now()));
    }
    // Signed with the chosen account's token, posted to that account's own callback.
    const account = consoleAccount(res);
    const config = { ...deps.config, wechat: { ...deps.config.wechat, ...account.wechat } };
    res.json(await simulateLive({ config, store: deps.store, gateway: account.gateway, build: account.live.current(), baseUrl: selfBaseUrl(req), callbackPath: account.callbackPath, openid, input, now: deps.now() }));
  });

  // A test query against the live build or a draft: the answer, the data and why, with no side effect.
  router.post('/api/test-query', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const build = await buildFor(req, res, body.draft);
    if (typeof body.service !== 'string') throw new ValidationError('请选择要测试的查询服务');
    const inputs = body.inputs && typeof body.inputs === 'object' && !Array.isArray(body.inputs) ? (body.inputs as Record<string, unknown>) : {};
    const r = await runQuery(queries, { build, service: body.service, inputs, asker: { key: `console:${user(res).username}` }, dryRun: true });
    res.json({ outcome: r.outcome, reply: r.text, data: r.data ?? null, errors: r.errors ?? [], source: r.source, latencyMs: r.latencyMs, reason: r.reason });
  });

  // Only this console user's own simulated citizen: another user's sim- openid is never readable.
  router.get('/api/simulate/outbox', async (req, res) => {
    const since = parseSince(req.query.since);
    const messages = await simulatorOutbox(consoleAccount(res).standinStore, simulatedOpenid(user(res)), since);
    res.json({ messages, since: messages.at(-1)?.at ?? since ?? null });
  });

  return router;
}
