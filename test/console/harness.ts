// A console app over the test city (test/console/fixtures/city): memory store, real builder,
// real /wechat router, and either a recording fake WechatClient or the real client (for nock).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import request from 'supertest';
import { loadConfig, type Config } from '../../server/config.js';
import { createPublisher, type Publisher } from '../../server/publish/publisher.js';
import { addUser } from '../../server/console/users.js';
import { createConsoleRouter } from '../../server/http/console/console-router.js';
import { createRenderer } from '../../server/render.js';
import { createWechatRouter } from '../../server/http/wechat/wechat-router.js';
import { createGateway, type Gateway } from '../../server/gateway/gateway.js';
import { createLiveBuild, type LiveBuild } from '../../server/live-build.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { Store } from '../../server/store/types.js';
import type { WechatClient } from '../../server/wechat/client-types.js';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';

export const cityDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/city');
export const PASSWORD = 'correct-horse-battery';

/** Records menus; fails the next createMenu when `refuse` is set. */
import { FakeWechatClient } from '../fakes/fake-wechat-client.js';
import { createRateLimiter, createResultPages } from '../../server/query/index.js';

export { FakeWechatClient };

export interface Harness {
  app: express.Express;
  store: Store;
  live: LiveBuild;
  publisher: Publisher;
  config: Config;
  client: WechatClient;
}

export interface HarnessOptions {
  client?: WechatClient;
  env?: NodeJS.ProcessEnv;
  /** Wraps the one gateway shared by /wechat and the console (e.g. to record what the simulator asks it). */
  gateway?: (real: Gateway) => Gateway;
  /** Another city directory than the fixture (e.g. a copy with a query table). */
  cityDir?: string;
  /** The console's clock (sessions, the workbench's "today"); the system clock otherwise. */
  now?: () => Date;
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const config = loadConfig({ PUBLIC_BASE_URL: 'http://localhost:3000', WECHAT_TOKEN: 'console-test-token', DATA_DIR: '/nonexistent', SESSION_SECRET: 'console-test-session-secret-32-chars', ...options.env });
  const store = createMemoryStore();
  const client = options.client ?? new FakeWechatClient();
  // Start from the on-disk city, as main.ts does, then let bootstrap store version 1.
  const dir = options.cityDir ?? cityDir;
  const live = createLiveBuild(buildAccount(await loadCityFromDir(dir), { publicBaseUrl: config.publicBaseUrl }));
  const publisher = createPublisher({ store, live, client, publicBaseUrl: config.publicBaseUrl });
  await publisher.bootstrap(dir);
  const app = express();
  app.set('trust proxy', false);
  // One query memory for the chat and the console, as createApp shares it.
  const queries = { limiter: createRateLimiter(), pages: createResultPages() };
  // One gateway for /wechat and the console's simulator, as createApp shares it.
  const real = createGateway({ store, live, client, openidKey: config.sessionSecret, queries, maxClockSkewS: config.wechat.maxClockSkewS });
  const gateway = options.gateway ? options.gateway(real) : real;
  app.use('/wechat', createWechatRouter({ config, store, live, client, queries, gateway }));
  app.use('/console', createConsoleRouter({ config, store, live, client, renderer: createRenderer(), publisher, gateway, queries, ...(options.now ? { now: options.now } : {}) }));
  return { app, store, live, publisher, config, client };
}

export const USERS = {
  platform: { username: 'plat', role: 'platform', departments: [] as string[] },
  jjAdmin: { username: 'jj-admin', role: 'dept-admin', departments: ['jiaojing'] },
  sbAdmin: { username: 'sb-admin', role: 'dept-admin', departments: ['shebao'] },
  jjStaff: { username: 'jj-staff', role: 'staff', departments: ['jiaojing'] },
} as const;
export type Who = keyof typeof USERS;

export async function addTestUsers(store: Store): Promise<void> {
  for (const u of Object.values(USERS)) await addUser(store, { ...u, departments: [...u.departments], password: PASSWORD });
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html) ?? /data-csrf="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no CSRF token in page');
  return m[1];
}

export interface Session {
  agent: ReturnType<typeof request.agent>;
  csrf: string;
}

export async function login(app: express.Express, username: string, password = PASSWORD): Promise<Session> {
  const agent = request.agent(app);
  const form = await agent.get('/console/login').expect(200);
  const res = await agent.post('/console/login').type('form').send({ username, password, _csrf: csrfFrom(form.text), next: '/console/' });
  if (res.status !== 303) throw new Error(`login of ${username} failed: ${res.status}`);
  const home = await agent.get('/console/').expect(200);
  return { agent, csrf: csrfFrom(home.text) };
}

/** The department file with one JSON edit applied, pretty-printed (so lines are predictable). */
export function editedDepartment(harnessFiles: { path: string; text: string }[], department: string, edit: (json: any) => void): string {
  const file = harnessFiles.find((f) => f.path === `departments/${department}.json`);
  if (!file) throw new Error(`no ${department}`);
  const json = JSON.parse(file.text);
  edit(json);
  return `${JSON.stringify(json, null, 2)}\n`;
}
