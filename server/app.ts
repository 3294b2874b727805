// createApp(deps): the express app with every capability mounted. It never listens; main.ts does.
import cors from 'cors';
import express, { type Express } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import { DEVELOPMENT_VAULT, type Config } from './config.js';
import { type BindingsDeps, dueBindings, findBindingRecipients, listBindings, pageBindings, refreshForReminder } from './bindings/index.js';
import { createVault, type Vault } from './vault/index.js';
import type { Publisher } from './publish/index.js';
import { createGateway, type Gateway } from './gateway/index.js';
import { consoleBroadcastDeps, connectorTemplateValues, createAnalyticsStandin, createBroadcastStandin, createApplicationRouter, createAppointmentRouter, createStaffAppointmentRouter, createBindingsApiRouter, createBindingsPagesRouter, createBookingPagesRouter, createHallsPageRouter, createCitizenAuthRouter, createConsoleRouter, createDepartmentStandin, createHealthRouter, createLocalCashierRouter, createLocationRouter, createServicePagesRouter, createQueryApiRouter, createQueryPagesRouter, createServicesRouter, createUploadRouter, answerCallbacksAtEdge, createAccountCallbacks, createSignedLinkRouter, createWechatStandin, createNoticesRouter, createMessagesPagesRouter, errorHandler, notFoundHandler, pageErrorHandler, type RouterDeps } from './http/index.js';
import { createMatterPagesRouter, createMatterRouter } from './http/index.js';
import { matterReturnUrl } from './matters/index.js';
import { createRateLimiter, createResultPages, type QueryDeps } from './query/index.js';
import { createRenderer, type Renderer } from './render.js';
import type { LiveBuild } from './live-build.js';
import { applicationNoFromOrderNo, type LocalPaymentProvider, paymentCreditor, type PaymentProvider, type UploadSweeper } from './loop/index.js';
import type { BlobStore, Store } from './store/index.js';
import { createPushGuard, type WechatClient } from './wechat/index.js';
import { createConnectorCaller, LOCAL_CONNECTOR_SECRET, STANDIN_PATH } from './connectors/index.js';
import { type BroadcastDeps, recordJobEvent } from './broadcasts/index.js';
import { type NoticesDeps, recordDeliveryEvent } from './notices/index.js';
import { accountChannelOf, can, createAccountRegistry, createCityPublisher, localStandinCredentials, scopedStore, signLink, type AccountInfo, type AccountRegistry } from './accounts/index.js';

export interface AppDeps {
  config: Readonly<Config>;
  store: Store;
  /** Uploaded files (BLOB_STORE); absent: config's directory. */
  blobs?: BlobStore;
  live: LiveBuild;
  wechat: WechatClient;
  pay: PaymentProvider;
  publisher: Publisher;
  renderer?: Renderer;
  gateway?: Gateway;
  /** Shown on /healthz; started by main.ts. */
  uploadSweep?: Pick<UploadSweeper, 'status'>;
  /** Information queries: one limiter and one result-page memory for chat, H5 and API. */
  queries?: QueryDeps;
  /** The city's accounts (main.ts); absent = one account made of live, wechat and publisher. */
  accounts?: AccountRegistry;
  /** This server's own origin once it listens, for connectors pointing at the local stand-in. */
  localOrigin?: () => string;
  /** Personal data at rest; made from config.vault when absent. */
  vault?: Vault;
  /** Broadcasts (群发): the console's and the callback's; built from the other deps when absent. */
  broadcasts?: BroadcastDeps;
  /** Department pushes, the outbox and 我的消息; built from the other deps when absent (main.ts shares it with the worker). */
  notices?: NoticesDeps;
  now?: () => Date;
}

export function createApp(deps: AppDeps): Express {
  const { config, store, live, wechat, pay, publisher } = deps;
  const renderer = deps.renderer ?? createRenderer();
  const accounts =
    deps.accounts ??
    createAccountRegistry([{ id: live.current().account.id ?? 'main', live, client: wechat, publisher, credentials: { token: config.wechat.token, appId: config.wechat.appId, secret: config.wechat.secret, encodingAesKey: config.wechat.encodingAesKey } }]);
  // Notices about a record go through the account it came through (records carry `account`).
  const loop: RouterDeps = { config, store, live, wechat, accountOf: accountChannelOf(accounts), renderer, blobs: deps.blobs, now: deps.now };
  const localOrigin = deps.localOrigin ?? (() => `http://127.0.0.1:${config.port}`);
  const queries: QueryDeps = deps.queries ?? {
    limiter: createRateLimiter(),
    pages: createResultPages(),
    connectors: createConnectorCaller({ live, config, localOrigin, now: deps.now }),
    now: deps.now,
  };
  const vault = deps.vault ?? createVault(config.vault ?? DEVELOPMENT_VAULT);
  const bindings: BindingsDeps = { store, vault, live, connectors: queries.connectors, now: deps.now };
  const notices: NoticesDeps = deps.notices ?? noticesDepsFor({ config, store, live, wechat, queries, bindings, accounts: deps.accounts, now: deps.now });
  const app = express();
  app.disable('x-powered-by');

  // The WeChat callback first: it reads its own raw, size-limited body and checks the signature
  // before anything else, and none of the page middleware below (helmet's headers, cookies,
  // sessions, body parsers) runs on WeChat's hottest path; its URLs as WeChat calls them are
  // answered at the edge, before express (answerCallbacksAtEdge below). One gateway for the
  // callback and the health page, which shows its failures.
  const maxClockSkewS = config.wechat.maxClockSkewS;
  // One gateway per account, each over its own build and client; an account without web
  // authorisation (a subscription account) signs the H5 links in its replies for each citizen.
  const gateways = new Map(
    accounts.runtimes().map((r) => {
      const signing = can(r.info, 'web-oauth') ? {} : { signLink: (openid: string, url: string) => signLink({ account: r.id, openid, url, publicBaseUrl: config.publicBaseUrl, secret: config.sessionSecret, now: deps.now?.() ?? new Date() }) };
      const own = r.info.primary && deps.gateway;
      return [r.id, own || createGateway({ store, live: r.live, client: r.client, now: deps.now, openidKey: config.sessionSecret, queries, bindings, maxClockSkewS, ...signing })];
    }),
  );
  const gateway = gateways.get(accounts.primary().id)!;
  // Shared with the health page, which shows the refused pushes (a drifting clock shows there first).
  const pushGuard = createPushGuard({ maxClockSkewS, warn: (line) => console.warn(`[onestop:wechat] ${line}`), shared: store.once });
  const givenBroadcasts = deps.broadcasts ?? consoleBroadcastDeps({ config, store, accounts, blobs: deps.blobs }, deps.now ?? (() => new Date()));
  // Recurring columns filled from a department's system go through the same connectors as queries.
  const broadcasts: BroadcastDeps = givenBroadcasts.templateValues || !queries.connectors ? givenBroadcasts : { ...givenBroadcasts, templateValues: connectorTemplateValues(queries.connectors) };
  const onJobEvent = (raw: Record<string, unknown>, account: string) => recordJobEvent(broadcasts, raw, account);
  const onDeliveryEvent = (msg: Parameters<typeof recordDeliveryEvent>[1]) => recordDeliveryEvent(notices, msg).then(() => undefined);
  const callbacks = createAccountCallbacks({ config, store, accounts, gateways, pushGuard, now: deps.now, onJobEvent, onDeliveryEvent });
  app.use('/wechat', callbacks);
  app.use('/healthz', createHealthRouter({ gateway, pushes: () => pushGuard.stats(), uploadSweep: deps.uploadSweep, now: deps.now }));
  // Local mode: a stand-in for api.weixin.qq.com, so the real client runs over real HTTP; each
  // further account has its own under /_wechat/<id> (its own tokens, menu and outbox).
  if (config.localMode) {
    // Delivery events (TEMPLATESENDJOBFINISH, subscribe_msg_sent_event) come back to each account's callback, as WeChat's do;
    // one warning, not one per send, when this app is not where its own origin points (tests).
    let eventWarned = false;
    const onError = (e: Error) => void (eventWarned || ((eventWarned = true), console.warn(`[onestop:wechat-standin] 推送送达事件失败（此后不再提示）：${e.message}`)));
    const standinOf = (info: AccountInfo) => {
      const runtime = accounts.get(info.id);
      const callback = () => ({ url: `${localOrigin()}${info.primary ? '/wechat' : info.callbackPath}`, token: runtime.credentials.token });
      const events = { url: () => callback().url, token: runtime.credentials.token, onError };
      return info.primary ? wechatStandin(store, runtime.live, callback, events) : wechatStandin(scopedStore(store, `account-${info.id}-`), runtime.live, callback, events, localStandinCredentials(info.id));
    };
    const siblings = new Map(accounts.list().filter((a) => !a.primary).map((a) => [a.id, standinOf(a)]));
    if (siblings.size) app.use('/_wechat/:account', (req, res, next) => (siblings.get(String(req.params.account)) ?? ((_q, _s, n) => n()))(req, res, next));
    app.use('/_wechat', standinOf(accounts.primary()));
  }
  // Local mode: a stand-in for the departments' own systems, behind the sample city's connectors.
  if (config.localMode) {
    const secret = (name: string) => config.connectorSecrets?.[name] ?? LOCAL_CONNECTOR_SECRET;
    const secrets = { jiaojing: secret('CONNECTOR_JIAOJING_SECRET'), gongjijin: secret('CONNECTOR_GONGJIJIN_SECRET'), renshe: secret('CONNECTOR_RENSHE_TOKEN') };
    app.use(STANDIN_PATH, createDepartmentStandin({ secrets }));
  }

  app.use(helmet(pageHeaders(config)));

  // The JSON API, with JSON errors. Payment notifications are verified over the raw bytes, so
  // nothing here parses bodies for every route.
  app.use('/api', cors({ origin: config.corsOrigins.length ? config.corsOrigins : false }));
  const api = express.Router();
  api.use(createApplicationRouter({ ...loop, pay }));
  api.use(createMatterRouter({ ...loop, pay }));
  api.use(createUploadRouter(loop));
  api.use(createServicesRouter(loop));
  api.use(createAppointmentRouter(loop));
  api.use(createStaffAppointmentRouter(loop));
  api.use(createLocationRouter(loop));
  api.use(createQueryApiRouter({ config, live, queries, store }));
  api.use(createBindingsApiRouter({ config, live, renderer, bindings }));
  api.use(createNoticesRouter(notices));
  api.use(notFoundHandler());
  api.use(errorHandler());
  app.use('/api', api);

  // The console renders its own error page (JSON under /console/api).
  // A city of several accounts publishes and rolls back account by account (accounts/publish-city.ts).
  const cityPublisher = accounts.list().length > 1 ? createCityPublisher({ store, accounts, publicBaseUrl: config.publicBaseUrl }) : publisher;
  app.use('/console', createConsoleRouter({ config, store, blobs: deps.blobs, live, client: wechat, renderer, publisher: cityPublisher, bindings, gateway, accounts, gateways, queries, broadcasts, now: deps.now }));

  // Citizen H5 pages (/, /s/..., /me/..., /q/..., /assets/h5/...), the citizen's sign-in (/auth) and the
  // local cashier (/pay/local): a citizen's browser lands on each, so an error is a Chinese page, never JSON.
  const pages = express.Router();
  pages.use('/auth', createCitizenAuthRouter({ ...loop, accounts }));
  if (pay.name === 'local') {
    pages.use(
      '/pay/local',
      createLocalCashierRouter({
        provider: pay as LocalPaymentProvider,
        onPaid: paymentCreditor({ ...loop, pay }),
        renderer,
        sessionSecret: config.sessionSecret,
        allowedOrigins: [config.publicBaseUrl],
        returnUrl: (orderNo) => {
          const no = applicationNoFromOrderNo(orderNo);
          return matterReturnUrl(no) ?? (no ? `/me/applications/${encodeURIComponent(no)}` : undefined);
        },
      }),
    );
  }
  pages.use(createServicePagesRouter(loop));
  pages.use(createBookingPagesRouter(loop));
  pages.use(createHallsPageRouter(loop));
  pages.use(createQueryPagesRouter({ config, live, renderer, queries, now: deps.now }));
  pages.use(createBindingsPagesRouter({ config, live, renderer, bindings }));
  pages.use(createMatterPagesRouter(loop));
  pages.use(createMessagesPagesRouter({ ...notices, renderer, sessionSecret: config.sessionSecret, localMode: config.localMode }));
  pages.use('/auth', createSignedLinkRouter({ config, store, now: deps.now }));
  pages.use(pageErrorHandler(renderer, { localMode: config.localMode, accountName: () => live.current().account.name }));
  app.use('/', pages);

  app.use(notFoundHandler());
  app.use(errorHandler());
  return answerCallbacksAtEdge(app, callbacks);
}

/** The local WeChat stand-in of one account; stand-in routes added later belong in here, so every account has them. */
function wechatStandin(
  store: Store,
  live: LiveBuild,
  callback: () => { url: string; token: string },
  events: { url: () => string; token: string; onError: (e: Error) => void },
  credentials?: { appId: string; secret: string },
): express.RequestHandler {
  return createWechatStandin(store, { ...(credentials ? { credentials } : {}), routes: [createBroadcastStandin({ store, live, callback }), createAnalyticsStandin({ store })], events });
}

/** Security headers for pages and the API (not for the WeChat callback, which WeChat's servers call). */
function pageHeaders(config: Readonly<Config>): HelmetOptions {
  return {
    contentSecurityPolicy: {
      directives: {
        // Page scripts are files served by the app (templates/h5/assets, console/static); page
        // data travels in <script type="application/json"> blocks, which are never executed.
        // No inline script and no third-party origin. Styles keep helmet's default, which
        // allows inline <style> and style="" (the layouts use them).
        'script-src': ["'self'"],
        'script-src-attr': ["'none'"],
        'img-src': ["'self'", 'data:'],
        'form-action': ["'self'"],
        'upgrade-insecure-requests': config.publicBaseUrl.startsWith('https:') ? [] : null,
      },
    },
    // WeChat's in-app browser opens H5 pages from the chat; keep referrers on this origin.
    referrerPolicy: { policy: 'same-origin' },
  };
}

/**
 * The notices room's deps: the same store, build and WeChat client; photos through the departments'
 * connectors; bindings (who holds a key, a citizen's departments, every binding of a kind) from the
 * bindings room, which the notices room itself never imports.
 */
export function noticesDepsFor(d: { config: Readonly<Config>; store: Store; live: LiveBuild; wechat?: WechatClient; queries?: QueryDeps; bindings?: BindingsDeps; accounts?: AccountRegistry; now?: () => Date }): NoticesDeps {
  const photo = d.queries?.connectors?.photo?.bind(d.queries.connectors);
  const connectors = d.queries?.connectors;
  const b = d.bindings ?? { store: d.store, live: d.live, vault: createVault(d.config.vault ?? DEVELOPMENT_VAULT), ...(connectors ? { connectors } : {}), ...(d.now ? { now: d.now } : {}) };
  const hasKind = (department: string, kind: string) => (d.live.current().bindings ?? []).some((k) => k.department === department && k.id === kind);
  return {
    store: d.store,
    live: d.live,
    wechat: d.wechat,
    publicBaseUrl: d.config.publicBaseUrl,
    config: d.config.notices,
    ...(photo ? { photos: photo } : {}),
    bindingHolders: async (q) => (hasKind(q.department, q.kind) ? findBindingRecipients(b, q) : []),
    bindingDepartments: async (openid) => (await listBindings(b, openid)).map((v) => v.department),
    bindingPages: (q) => (hasKind(q.department, q.kind) ? pageBindings(b, q) : emptyPages()),
    dueBindings: (q) => (hasKind(q.department, q.kind) ? dueBindings(b, q) : emptyPages()),
    // follows.refresh: the binding's verifying connector, the same caller (breaker, thread) as queries.
    refreshBinding: (q) => refreshForReminder(b, q),
    // Several accounts: a citizen of another account is sent to through that account (its client, its template ids).
    ...(d.accounts && d.accounts.list().length > 1 ? { accountOf: (id: string) => ({ client: d.accounts!.of(id).client, build: d.accounts!.of(id).live.current() }) } : {}),
    ...(d.now ? { now: d.now } : {}),
  };
}

async function* emptyPages(): AsyncGenerator<never[]> {}

export { createGateway };
