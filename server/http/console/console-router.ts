// The platform console under /console: login, department drafts, review, publish, rollback,
// audit, phone preview and the WeChat simulator. Every page and API below the login checks the
// session, the CSRF token on state changes, and the role and department of the user.
import path from 'node:path';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import multer from 'multer';
import { type Config, projectRoot } from '../../config.js';
import { AppError, NotFoundError } from '../../errors.js';
import type { LiveBuild } from '../../live-build.js';
import type { Renderer } from '../../render.js';
import type { BlobStore, Store } from '../../store/index.js';
import type { WechatClient } from '../../wechat/index.js';
import type { Gateway } from '../../gateway/index.js';
import { audit } from '../../audit/index.js';
import {
  LOGIN_CSRF_COOKIE, SESSION_COOKIE, SESSION_HOURS, cookieOptions, endSession, loadSession, randomToken,
  requireCsrf, requireLogin, startSession, tokensEqual, CSRF_MESSAGE,
} from './console-auth.js';
import { createDraftService, DRAFT_STATUS_NAMES, normalizeUsername, type SessionUser, verifyLogin } from '../../console/index.js';
import type { Publisher } from '../../publish/index.js';
import { createDepartmentRoutes, createUploadRoute } from './department-routes.js';
import { createPageRenderer, type PageRenderer } from './page.js';
import { createAppealRoutes } from './appeal-routes.js';
import { createMatterRoutes } from './matter-routes.js';
import { createUserRoutes } from './user-routes.js';
import { createPlatformRoutes } from './platform-routes.js';
import { createSimulatorRoutes } from './simulator-routes.js';
import { createStatsRoutes } from './stats-routes.js';
import type { QueryDeps } from '../../query/index.js';
import { createWorkRoutes } from './work-routes.js';
import { createBroadcastRoutes, createBroadcastUploadRoutes } from './broadcast-routes.js';
import type { BroadcastDeps } from '../../broadcasts/index.js';
import { consoleBroadcastDeps, singleAccountRegistry } from './broadcast-deps.js';
import { createNoticesRoutes } from './notices-routes.js';
import { createBindingRoutes } from './binding-routes.js';
import type { BindingsDeps } from '../../bindings/index.js';
import { statusOf } from '../error-handler.js';
import { readCookie } from '../identity.js';
import { safeNext } from '../safe-next.js';
import { createStoreRateLimit } from '../store-rate-limit.js';
import type { AccountRegistry } from '../../accounts/index.js';
import { createConsoleAccounts } from './console-account.js';

export interface ConsoleDeps {
  config: Config;
  store: Store;
  /** Uploaded files, for the workbench's attachments; absent: config's directory. */
  blobs?: BlobStore;
  live: LiveBuild;
  client: WechatClient;
  renderer: Renderer;
  publisher: Publisher;
  /** The gateway that answers /wechat: the simulator explains and previews through its front door. */
  gateway: Pick<Gateway, 'simulate'>;
  /** Information queries, for the simulator and the test query against a draft. */
  queries?: QueryDeps;
  /** Broadcasts (群发); built from the other deps when absent. */
  broadcasts?: BroadcastDeps;
  /** A city of several accounts: the switcher and each account's own pages (see console-account.ts). */
  accounts?: AccountRegistry;
  gateways?: ReadonlyMap<string, Pick<Gateway, 'simulate'>>;
  /** Citizens' bindings, shown masked on the workbench (/console/work/bindings). */
  bindings?: BindingsDeps;
  now?: () => Date;
}

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Failed logins per IP and username, and per IP whatever the username (password spraying). */
export const LOGIN_LIMIT = { windowMs: 15 * 60_000, limit: 10 };
export const LOGIN_LIMIT_PER_IP = { windowMs: 15 * 60_000, limit: 20 };

/** Only console-internal redirects after login; anything else falls back to the console home. */
const consoleNext = (next: unknown) => safeNext(next, '/console/');

function createLoginRoutes(deps: ConsoleDeps & { page: PageRenderer; now: () => Date }): Router {
  const { store, config, page, now } = deps;
  const router = Router();

  function showLogin(res: Response, status: number, error?: string, next = '/console/', username = '') {
    const token = randomToken();
    res.cookie(LOGIN_CSRF_COOKIE, token, cookieOptions(config.publicBaseUrl, 30 * 60_000));
    res.locals.csrfToken = token;
    res.status(status);
    page(res, 'login', '登录管理后台', { error, next, username });
  }

  // Both count only failures. The username is keyed exactly as login reads it (NFKC, trimmed; case
  // folded on top), so " plat" or "ＰＬＡＴ" share plat's budget instead of starting a fresh one.
  const limited = (limit: typeof LOGIN_LIMIT, name: string, key: (req: Request) => string) =>
    rateLimit({
      ...limit,
      // Counted in the store, so every server process sharing it counts the same failures.
      store: createStoreRateLimit(store, name, now),
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      skipSuccessfulRequests: true,
      keyGenerator: key,
      handler: (req, res) => showLogin(res, 429, '登录尝试过于频繁，请 15 分钟后再试', consoleNext(req.body?.next)),
    });
  const perIp = limited(LOGIN_LIMIT_PER_IP, 'console-login-ip', (req) => ipKeyGenerator(req.ip ?? ''));
  const perUser = limited(LOGIN_LIMIT, 'console-login', (req) => `${ipKeyGenerator(req.ip ?? '')}|${normalizeUsername((req.body as { username?: unknown })?.username).toLowerCase()}`);

  router.get('/login', (req, res) => {
    if (res.locals.user) return res.redirect(303, consoleNext(req.query.next));
    showLogin(res, 200, undefined, consoleNext(req.query.next));
  });

  router.post('/login', perIp, perUser, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = consoleNext(body.next);
    const username = normalizeUsername(body.username);
    if (!tokensEqual(readCookie(req, LOGIN_CSRF_COOKIE) ?? '', body._csrf)) return showLogin(res, 403, CSRF_MESSAGE, next, username);
    const password = typeof body.password === 'string' ? body.password : '';
    const found = username && password ? await verifyLogin(store, username, password) : undefined;
    if (!found) {
      audit(store, now(), { actor: username || '（空）', action: 'login-failed', target: '管理后台', detail: `IP ${req.ip ?? ''}` });
      return showLogin(res, 401, '用户名或密码错误', next, username);
    }
    const raw = await startSession(store, found.id, now());
    res.clearCookie(LOGIN_CSRF_COOKIE, cookieOptions(config.publicBaseUrl));
    res.cookie(SESSION_COOKIE, raw, cookieOptions(config.publicBaseUrl, SESSION_HOURS * 3600_000));
    audit(store, now(), { actor: found.username, action: 'login', target: '管理后台' });
    res.redirect(303, next);
  });

  return router;
}

/**
 * Where 返回 on the error page leads: the console page the user came from, when the Referer is
 * a console page of this very site (same host); a link from elsewhere must not become our link.
 */
export function backLink(req: Request): string {
  const referer = req.get('referer');
  if (!referer) return '/console/';
  let url: URL;
  try {
    url = new URL(referer);
  } catch {
    return '/console/';
  }
  const sameSite = (url.protocol === 'http:' || url.protocol === 'https:') && url.host === (req.get('host') ?? '').toLowerCase();
  return sameSite && url.pathname.startsWith('/console/') ? `${url.pathname}${url.search}` : '/console/';
}

function consoleErrorHandler(page: PageRenderer) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    let status = statusOf(err);
    let message = err instanceof AppError ? err.message : status < 500 ? '请求格式不正确' : '服务器内部错误，请稍后再试';
    if (err instanceof multer.MulterError) {
      status = err.code === 'LIMIT_FILE_SIZE' ? 413 : 400;
      message = err.code === 'LIMIT_FILE_SIZE' ? '文件过大：最多 512 KB' : `上传失败：${err.code}`;
    }
    if (status >= 500 && !(err instanceof AppError)) console.error('[onestop console] unexpected error', err);
    const code = err instanceof AppError ? err.code : status === 413 ? 'TOO_LARGE' : status < 500 ? 'BAD_REQUEST' : 'INTERNAL';
    if (req.path.startsWith('/api/') || (req.get('accept') ?? '').includes('application/json')) {
      res.status(status).json({ code, message, details: err instanceof AppError ? (err.details ?? null) : null });
      return;
    }
    res.status(status);
    page(res, 'error', '出错了', { message, status, back: backLink(req) });
  };
}

export function createConsoleRouter(deps: ConsoleDeps): Router {
  const now = deps.now ?? (() => new Date());
  const { store, publisher } = deps;
  const page = createPageRenderer(deps.renderer, deps.config.localMode);
  const drafts = createDraftService({ store, publisher, now });
  const router = Router();

  router.use((_req, res, next) => {
    // Console pages hold publish buttons: never framed (clickjacking), never cached.
    // The whole policy, not just frame-ancestors: setting the header replaces helmet's. Console
    // pages load only their own static scripts.
    res.set({ 'X-Frame-Options': 'DENY', 'Content-Security-Policy': CONSOLE_CSP, 'Cache-Control': 'no-store' });
    next();
  });
  router.use('/static', express.static(path.join(projectRoot, 'templates', 'console', 'static'), { index: false, fallthrough: false }));
  router.use(express.urlencoded({ extended: false, limit: '1mb' }), express.json({ limit: '1mb' }));
  router.use(loadSession(store, now));
  router.use(createLoginRoutes({ ...deps, page, now }));
  router.use(requireLogin());
  const accounts = createConsoleAccounts(deps, backLink);
  router.use(accounts.middleware);

  const routeDeps = { store, drafts, publisher, page, live: deps.live, config: deps.config, now };
  router.use(createUploadRoute(routeDeps)); // checks CSRF itself, after parsing the multipart body
  const broadcasts = deps.broadcasts ?? consoleBroadcastDeps({ ...deps, accounts: deps.accounts ?? singleAccountRegistry(deps) }, now);
  const broadcastDeps = { broadcasts, dataDir: deps.config.dataDir, page, now };
  router.use(createBroadcastUploadRoutes(broadcastDeps)); // checks CSRF itself, like the file upload
  router.use(requireCsrf());
  router.use(accounts.router);

  router.post('/logout', async (_req, res) => {
    await endSession(store, res.locals.sessionKey as string);
    audit(store, now(), { actor: (res.locals.user as SessionUser).username, action: 'logout', target: '管理后台' });
    res.clearCookie(SESSION_COOKIE, { ...cookieOptions(deps.config.publicBaseUrl) });
    res.redirect(303, '/console/login');
  });

  router.get('/', async (_req, res) => {
    const user = res.locals.user as SessionUser;
    const version = await publisher.currentVersion();
    const submitted = user.role === 'platform' ? (await drafts.byStatus('submitted')).length : 0;
    const approved = user.role === 'platform' ? (await drafts.byStatus('approved')).length : 0;
    const mine = user.role === 'platform' ? [] : await drafts.departments(user);
    page(res, 'home', '管理后台', { version, submitted, approved, mine, statusNames: DRAFT_STATUS_NAMES }, '/console/');
  });

  router.use(createDepartmentRoutes(routeDeps));
  router.use(createPlatformRoutes({ ...routeDeps, auditFilter: accounts.auditFilter }));
  router.use(createAppealRoutes({ ...routeDeps, renderer: deps.renderer }));
  router.use(createMatterRoutes(routeDeps));
  router.use(createUserRoutes(routeDeps));
  router.use(createSimulatorRoutes({ ...routeDeps, gateway: deps.gateway, queries: deps.queries }));
  router.use('/stats', createStatsRoutes({ ...routeDeps, ...(deps.accounts ? { accounts: deps.accounts } : {}) }));
  router.use(createBroadcastRoutes(broadcastDeps));
  router.use('/work/notices', createNoticesRoutes(routeDeps));
  if (deps.bindings) router.use('/work/bindings', createBindingRoutes({ bindings: deps.bindings, page, now }));
  router.use('/work', createWorkRoutes({ ...routeDeps, client: deps.client, renderer: deps.renderer, ...(deps.accounts ? { accounts: deps.accounts } : {}) }));
  router.use((_req, _res, next) => next(new NotFoundError('页面或接口不存在')));
  router.use(consoleErrorHandler(page));
  return router;
}
