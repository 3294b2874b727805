// The whole app as `onestop serve` composes it (createApp), listening on a loopback port, in local
// mode: the real WeChat client talks over HTTP to the app's own stand-in, which pushes completion
// events back to /wechat. Memory store and memory images; the sample city's broadcasts config.
import { mkdtempSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import { loadConfig, projectRoot } from '../../server/config.js';
import { createLiveBuild, type LiveBuild } from '../../server/live-build.js';
import { createPaymentProvider } from '../../server/loop/payment/create-payment-provider.js';
import { createPublisher } from '../../server/publish/publisher.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { Store } from '../../server/store/types.js';
import { addUser } from '../../server/console/users.js';
import { createStoreTokenStore, createWechatClient, LOCAL_STANDIN_CREDENTIALS, type WechatClient } from '../../server/wechat/index.js';
import { broadcastAccountsOf, type BroadcastDeps, createMemoryImages } from '../../server/broadcasts/index.js';
import { listUsers } from '../../server/console/index.js';
import type { Account } from '../../server/model/index.js';

export const PASSWORD = 'correct-horse-battery';

/** The chain's people in the sample city (topics/account.json). */
export const CHAIN_USERS = [
  ['plat', 'platform'],
  ['jj-writer1', 'staff'],
  ['jj-writer2', 'staff'],
  ['jj-editor', 'dept-admin'],
  ['jj-leader', 'dept-admin'],
  ['jj-preview1', 'staff'],
  ['jj-preview2', 'staff'],
  ['jj-preview3', 'staff'],
  ['sb-staff', 'staff'],
] as const;

export interface BroadcastApp {
  base: string;
  store: Store;
  live: LiveBuild;
  broadcasts: BroadcastDeps;
  clock: { now: Date };
  close(): Promise<void>;
}

export async function startBroadcastApp(options: { account?: (a: Account) => void; timeoutMs?: number } = {}): Promise<BroadcastApp> {
  const store = createMemoryStore();
  let base = '';
  const clock = { now: new Date('2026-12-03T01:00:00Z') }; // 09:00 in the city, a Thursday
  const now = () => clock.now;
  const config = loadConfig({ SESSION_SECRET: 'broadcast-test-session-secret-32chars', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'onestop-broadcasts-')), PAY_PROVIDER: 'local', PUBLIC_BASE_URL: 'http://127.0.0.1:1' });
  const files = await loadCityFromDir(path.join(projectRoot, 'topics'));
  const build = buildAccount(files, { publicBaseUrl: config.publicBaseUrl });
  const live = createLiveBuild(build);
  const wechat = createWechatClient({ ...LOCAL_STANDIN_CREDENTIALS, apiBase: 'http://127.0.0.1:1/_wechat', tokenStore: createStoreTokenStore(store, LOCAL_STANDIN_CREDENTIALS.appId), timeoutMs: options.timeoutMs });
  const lazy = { current: wechat };
  // The client knows the stand-in's port only once the server listens.
  const client: WechatClient = {
    createMenu: (m) => lazy.current.createMenu(m),
    getMenu: () => lazy.current.getMenu(),
    sendText: (o, t) => lazy.current.sendText(o, t),
    sendNews: (o, a) => lazy.current.sendNews(o, a),
    sendTemplate: (o, t, u, d) => lazy.current.sendTemplate(o, t, u, d),
    get broadcasts() {
      return lazy.current.broadcasts;
    },
  };
  const broadcasts: BroadcastDeps = {
    store, accounts: () => broadcastAccountsOf(live.current()), images: createMemoryImages(), users: () => listUsers(store), now,
    wechat: () => lazy.current.broadcasts,
  };
  const publisher = createPublisher({ store, live, client, publicBaseUrl: config.publicBaseUrl });
  const app = createApp({ config, store, live, wechat: client, pay: createPaymentProvider(config, store), publisher, broadcasts, localOrigin: () => base, now });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  lazy.current = createWechatClient({ ...LOCAL_STANDIN_CREDENTIALS, apiBase: `${base}/_wechat`, tokenStore: createStoreTokenStore(store, LOCAL_STANDIN_CREDENTIALS.appId), timeoutMs: options.timeoutMs });
  await publisher.bootstrap(path.join(projectRoot, 'topics'));
  // After bootstrap, which swapped in the published build.
  if (options.account) options.account(live.current().account as Account);
  await Promise.all(CHAIN_USERS.map(([username, role]) => addUser(store, { username, role, password: PASSWORD, departments: role === 'platform' ? [] : [username === 'sb-staff' ? 'renshe' : 'jiaojing'] })));
  return { base, store, live, broadcasts, clock, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface Session {
  agent: ReturnType<typeof request.agent>;
  csrf: string;
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no CSRF token in page');
  return m[1];
}

export async function login(base: string, username: string): Promise<Session> {
  const agent = request.agent(base);
  const form = await agent.get('/console/login').expect(200);
  const res = await agent.post('/console/login').type('form').send({ username, password: PASSWORD, _csrf: csrfFrom(form.text), next: '/console/' });
  if (res.status !== 303) throw new Error(`login of ${username} failed: ${res.status}`);
  const home = await agent.get('/console/').expect(200);
  return { agent, csrf: csrfFrom(home.text) };
}

/** A tiny valid PNG (1×1). */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** A real w×h PNG (a blue-green gradient with a band), for covers that should be seen in screenshots. */
export function makePng(w: number, h: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2; // truecolour
  const rows = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1);
    for (let x = 0; x < w; x++) {
      const band = Math.abs(y - h / 2) < h / 10;
      rows[row + 1 + x * 3] = band ? 255 : 20;
      rows[row + 2 + x * 3] = band ? 255 : Math.round(90 + (120 * x) / w);
      rows[row + 3 + x * 3] = band ? 255 : Math.round(160 + (80 * y) / h);
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}
