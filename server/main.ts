// The one composition root: loadConfig -> openStore -> build -> createApp -> listen -> publish.
import { createServer, type RequestListener, type Server } from 'node:http';
import path from 'node:path';
import { createApp, noticesDepsFor } from './app.js';
import { startScheduler } from './notices/index.js';
import { createConnectorCaller } from './connectors/index.js';
import { createRateLimiter, createResultPages, type QueryDeps } from './query/index.js';
export { serveLocalStandin } from './http/index.js';
import { buildCity, formatDiagnostic, hasErrors, loadCityFromDir } from './builder/index.js';
import { createAccountRegistry, localStandinCredentials, resolveAccountCredentials, type AccountCredentials, type AccountRuntime } from './accounts/index.js';
import { DEVELOPMENT_VAULT, loadConfig, withListeningPort, type Config } from './config.js';
import { createPublisher, describeTopicsDrift, followLiveVersion } from './publish/index.js';
import { createLiveBuild, type LiveBuild } from './live-build.js';
import { createVault, sealingStore } from './vault/index.js';
import { recoverUnfinishedMatters } from './matters/index.js';
import { createPaymentProvider, createUploadSweeper, personalFieldRules, uploadFilesOf } from './loop/index.js';
import { createRenderer } from './render.js';
import { startArticleReadPulls, startMenuLinkChecks } from './stats/index.js';
import { type BlobStore, createDirBlobStore, createLowdbStore, createPostgresStore, type PostgresStore, type Store } from './store/index.js';
import { consoleBroadcastDeps } from './http/index.js';
import { reconcileSendingIssues, startBroadcastTimer } from './broadcasts/index.js';
import { createStoreTokenStore, createWechatClient, LOCAL_STANDIN_CREDENTIALS, type WechatClient } from './wechat/index.js';

export function openStore(config: Readonly<Config>): Promise<Store> {
  if (config.storeUrl) return createPostgresStore(config.storeUrl);
  return createLowdbStore(path.join(config.dataDir, 'store'));
}

/** Where uploaded files live (BLOB_STORE): config's directory, or the PostgreSQL store's blob tables. */
export function openBlobStore(config: Readonly<Config>, store: Store): BlobStore {
  if (config.blobs.kind === 'dir') return createDirBlobStore(config.blobs.dir);
  const blobs = (store as Partial<PostgresStore>).blobs;
  if (!blobs) throw new Error('BLOB_STORE=postgres needs the PostgreSQL store (STORE_URL)');
  return blobs;
}

/**
 * The WeChat API client. In local mode it is the real wrapper pointed at this server's own
 * stand-in (/_wechat), whose port is known only once the server listens.
 */
export function wechatClientFor(
  config: Readonly<Config>,
  store: Store,
  localBase: () => string,
  /** A further account: its own credentials, and in local mode its own stand-in (/_wechat/<id>). */
  account?: { id: string; credentials: AccountCredentials },
): WechatClient {
  if (!config.localMode) {
    const appId = account ? account.credentials.appId! : config.wechat.appId!;
    const secret = account ? account.credentials.secret! : config.wechat.secret!;
    return createWechatClient({ appId, secret, apiBase: config.wechat.apiBase, tokenStore: createStoreTokenStore(store, appId) });
  }
  const standin = account ? localStandinCredentials(account.id) : LOCAL_STANDIN_CREDENTIALS;
  let client: WechatClient | undefined;
  const get = () =>
    (client ??= createWechatClient({
      ...standin,
      apiBase: config.wechat.apiBase ?? (account ? `${localBase()}/${account.id}` : localBase()),
      tokenStore: createStoreTokenStore(store, standin.appId),
    }));
  return {
    createMenu: (menu) => get().createMenu(menu),
    getMenu: () => get().getMenu(),
    sendText: (openid, text) => get().sendText(openid, text),
    sendNews: (openid, articles) => get().sendNews(openid, articles),
    sendTemplate: (openid, templateId, url, data) => get().sendTemplate(openid, templateId, url, data),
    get broadcasts() {
      return get().broadcasts;
    },
    sendTemplateMessage: (message) => get().sendTemplateMessage!(message),
    sendSubscriptionMessage: (message) => get().sendSubscriptionMessage!(message),
  };
}

export function isLoopback(host: string | undefined): boolean {
  return host !== undefined && (host === 'localhost' || host === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(host));
}

/** How this process reaches itself (the local stand-in): a wildcard address means loopback. */
function hostForSelf(host: string | undefined): string {
  if (host === undefined || host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export interface RunningServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startServer(requested: Readonly<Config> = loadConfig(), log: (line: string) => void = console.log): Promise<RunningServer> {
  const rawStore = await openStore(requested);
  // ID numbers and phones in applications and appointments are sealed at rest (older plain records read as they are).
  let live: LiveBuild | undefined;
  const vault = createVault(requested.vault ?? DEVELOPMENT_VAULT);
  const store = sealingStore(rawStore, vault, personalFieldRules(() => live!.current()));
  // Listen first so a defaulted base URL (local mode) names the port actually bound, e.g. PORT=0;
  // requests before the app is ready get 503.
  let handler: RequestListener | undefined;
  const server = createServer((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      if (requested.host === undefined) server.listen(requested.port, () => resolve());
      else server.listen(requested.port, requested.host, () => resolve());
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : requested.port;
  const config = withListeningPort(requested, port);
  // The build served until the publisher has restored the latest published version.
  const dirFiles = await loadCityFromDir(config.topicsDir);
  const city = buildCity(dirFiles, { publicBaseUrl: config.publicBaseUrl });
  const initial = city.accounts[0]!;
  const published = await store.collection('versions').count();
  const stop = async (err: Error) => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    return err;
  };
  if (hasErrors(city) && published === 0) {
    for (const d of city.diagnostics) log(formatDiagnostic(d));
    throw await stop(new Error(`主题目录 ${config.topicsDir} 有错误，无法启动；请先运行 onestop validate 修正`));
  }
  // Every account's credentials, with every missing variable named at once.
  let credentials: Map<string, AccountCredentials>;
  try {
    credentials = resolveAccountCredentials(config, city.accounts.map((b, i) => ({ id: b.account.id ?? 'main', primary: i === 0 })));
  } catch (err) {
    throw await stop(err as Error);
  }
  const localBase = () => `http://${hostForSelf(config.host)}:${port}/_wechat`;
  live = createLiveBuild(initial);
  const wechat = wechatClientFor(config, store, localBase);
  const publisher = createPublisher({ store, live, client: wechat, publicBaseUrl: config.publicBaseUrl });
  const runtimes: AccountRuntime[] = city.accounts.map((build, i) => {
    const id = build.account.id ?? 'main';
    if (i === 0) return { id, live, client: wechat, publisher, credentials: credentials.get(id)! };
    const own = createLiveBuild(build);
    const client = wechatClientFor(config, store, localBase, { id, credentials: credentials.get(id)! });
    return { id, live: own, client, publisher: createPublisher({ store, live: own, client, publicBaseUrl: config.publicBaseUrl, account: id }), credentials: credentials.get(id)! };
  });
  const accounts = createAccountRegistry(runtimes);
  const pay = createPaymentProvider(config, store);
  const renderer = createRenderer();
  const blobs = openBlobStore(config, store);
  const uploadSweep = createUploadSweeper({ store, files: uploadFilesOf(blobs, config.dataDir) });
  const broadcasts = consoleBroadcastDeps({ config, store, accounts, blobs }, () => new Date());
  const localOrigin = () => `http://127.0.0.1:${port}`;
  // One caller of the departments' systems (one circuit breaker per connector, one connector
  // thread) for queries, bindings and the scheduler's refreshed reminders.
  const queries: QueryDeps = { limiter: createRateLimiter(), pages: createResultPages(), connectors: createConnectorCaller({ live, config, localOrigin }) };
  handler = createApp({ config, store, blobs, live, wechat, pay, publisher, accounts, renderer, uploadSweep, broadcasts, vault, queries, localOrigin });

  // Listening before bootstrap: a publish by another process in between is not missed.
  const stops = await Promise.all(runtimes.map((r) => followLiveVersion(store, r.publisher)));
  const stopFollowing = () => stops.forEach((s) => s());
  // Each account serves start-up's build of the directory when it is what is published (no second build).
  const prepared = (i: number) => ({ files: dirFiles, build: city.accounts[i]! });
  const boot = await publisher.bootstrap(config.topicsDir, prepared(0));
  if (boot.version) log(`已发布版本 #${boot.version.number}（${boot.version.hash.slice(0, 12)}）`);
  if (boot.menuError) log(`微信拒绝了菜单：${boot.menuError}`);
  for (const [i, r] of runtimes.entries()) {
    if (i === 0) continue;
    const b = await r.publisher.bootstrap(config.topicsDir, prepared(i));
    if (b.version) log(`公众号 ${r.id}：已发布版本 #${b.version.number}（${b.version.hash.slice(0, 12)}）`);
    if (b.menuError) log(`公众号 ${r.id}：微信拒绝了菜单：${b.menuError}`);
  }
  // Issues a crash left in `sending`: settled with WeChat, or made retryable with their clientmsgid (never blocks serving).
  const reconciling = reconcileSendingIssues(broadcasts).then(
    (settled) => settled.forEach((i) => log(`群发 ${i.id}：启动时核对中断的发送，现为“${i.state === 'failed' ? '发送失败（可重试）' : i.state}”`)),
    (err: Error) => log(`群发核对失败：${err.message}`),
  );
  const stopBroadcasts = startBroadcastTimer(broadcasts);
  // The scheduler (reminders, appointment reminders; catches up at once) and the outbox worker
  // (department pushes and reminders, at NOTICES_RATE_PER_SECOND).
  const scheduler = startScheduler({ ...noticesDepsFor({ config, store, live, wechat, accounts, queries, bindings: { store, vault, live, connectors: queries.connectors } }), warn: log });
  const sweeping = uploadSweep.start(); // at start-up, then hourly; never blocks serving
  // A matter submission a crash cut short: its parts and record go (never blocks serving).
  const recovering = recoverUnfinishedMatters({ config, store, live, wechat, renderer }).catch((err: Error) => log(`一件事恢复检查失败：${err.message}`));
  const stopLinkChecks = startMenuLinkChecks({ store, build: () => live.current() }); // the dashboard's menu-link watchdog
  // The dashboard's reads per article: WeChat's data API, daily after 08:05, verified accounts only.
  const readAccounts = () => accounts.runtimes().filter((r) => r.info.verified).map((r) => ({ id: r.id, ...(r.client.analytics ? { analytics: r.client.analytics } : {}) }));
  const stopReadPulls = startArticleReadPulls({ store, accounts: readAccounts, warn: log });

  log(`onestop 已启动：${config.publicBaseUrl}（端口 ${port}）`);
  log(`  监听地址       ${config.host ?? '所有网络接口'}`);
  if (config.localMode && !isLoopback(config.host)) {
    log(
      `警告：本地模式正在监听 ${config.host ?? '所有网络接口'}，不只是本机：网络上的任何人都能用“本地测试登录”冒充市民、` +
        '用公开的默认密钥伪造会话和支付通知、从 /_wechat 取得令牌。只在可信网络中这样做；否则去掉 HOST（默认 127.0.0.1）。',
    );
  }
  if (config.vault?.development) log('个人信息加密使用本地开发密钥（dev-local-insecure，仅供本地测试；正式环境须设置 VAULT_KEYS 和 VAULT_INDEX_KEY）');
  log(config.localMode ? '本地模式：未设置 WECHAT_APPID / WECHAT_SECRET，微信接口由本地替身 /_wechat 提供' : `已连接微信公众号 ${config.wechat.appId}`);
  log(`  H5 首页        ${config.publicBaseUrl}/`);
  log(`  管理后台       ${config.publicBaseUrl}/console/`);
  log(`  微信回调地址   ${config.publicBaseUrl}/wechat`);
  if (runtimes.length > 1) {
    for (const info of accounts.list()) log(`  公众号 ${info.id.padEnd(16)} ${info.name}（${info.type === 'service' ? '服务号' : '订阅号'}）回调 ${config.publicBaseUrl}${info.callbackPath}${info.primary ? '（也可用 /wechat）' : ''}`);
  }
  if (boot.version) {
    const drift = describeTopicsDrift(dirFiles, boot.version, { topicsDir: config.topicsDir, consoleUrl: `${config.publicBaseUrl}/console/`, localMode: config.localMode });
    for (const line of drift) log(line);
  }

  return {
    server,
    port,
    async close() {
      stopBroadcasts();
      stopLinkChecks();
      stopReadPulls();
      await scheduler.stop();
      stopFollowing();
      uploadSweep.stop();
      await sweeping;
      await recovering;
      await reconciling;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
