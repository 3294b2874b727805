// The whole app as `onestop serve` composes it (createApp with the account registry), listening on a
// loopback port, in local mode: each account's real WeChat client talks over HTTP to that account's
// own stand-in (/_wechat for the primary, /_wechat/<id> for the others), which pushes completion
// events back to the account's callback (/wechat/<id>). Memory store, images on the temp DATA_DIR's blob store; the sample
// city, whose broadcasts belong to the internal subscription account 江城交警内部通.
import { mkdtempSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { createAccountRegistry, localStandinCredentials, resolveAccountCredentials, scopedStore, type AccountRegistry } from '../../server/accounts/index.js';
import { createApp } from '../../server/app.js';
import { buildCity } from '../../server/builder/index.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import { loadConfig, projectRoot } from '../../server/config.js';
import { createLiveBuild, type LiveBuild } from '../../server/live-build.js';
import { createPaymentProvider } from '../../server/loop/payment/create-payment-provider.js';
import { createPublisher } from '../../server/publish/publisher.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { Store } from '../../server/store/types.js';
import { addUser } from '../../server/console/users.js';
import { createStoreTokenStore, createWechatClient, LOCAL_STANDIN_CREDENTIALS, type WechatClient } from '../../server/wechat/index.js';
import type { BroadcastDeps } from '../../server/broadcasts/index.js';
import { consoleBroadcastDeps } from '../../server/http/index.js';
import type { Account } from '../../server/model/index.js';

export const PASSWORD = 'correct-horse-battery';
/** The account whose file holds the sample broadcasts (topics/accounts/jiaojing-neibu.json). */
export const BROADCAST_ACCOUNT = 'jiaojing-neibu';

/** The chain's people in the sample city (topics/accounts/jiaojing-neibu.json). */
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
  /** The broadcasting account's live build. */
  live: LiveBuild;
  accounts: AccountRegistry;
  /** Where the broadcasting account's own stand-in keeps its outbox (previews and broadcasts it received). */
  standinStore: Store;
  broadcasts: BroadcastDeps;
  clock: { now: Date };
  close(): Promise<void>;
}

/** A client whose target is known only once the server listens. */
function lazyClient(current: () => WechatClient): WechatClient {
  return {
    createMenu: (m) => current().createMenu(m),
    getMenu: () => current().getMenu(),
    sendText: (o, t) => current().sendText(o, t),
    sendNews: (o, a) => current().sendNews(o, a),
    sendTemplate: (o, t, u, d) => current().sendTemplate(o, t, u, d),
    get broadcasts() {
      return current().broadcasts;
    },
  };
}

export async function startBroadcastApp(options: { account?: (a: Account) => void; timeoutMs?: number } = {}): Promise<BroadcastApp> {
  const store = createMemoryStore();
  let base = '';
  const clock = { now: new Date('2026-12-03T01:00:00Z') }; // 09:00 in the city, a Thursday
  const now = () => clock.now;
  const config = loadConfig({ SESSION_SECRET: 'broadcast-test-session-secret-32chars', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'onestop-broadcasts-')), PAY_PROVIDER: 'local', PUBLIC_BASE_URL: 'http://127.0.0.1:1' });
  const topics = path.join(projectRoot, 'topics');
  const city = buildCity(await loadCityFromDir(topics), { publicBaseUrl: config.publicBaseUrl });
  const ids = city.accounts.map((b) => b.account.id!);
  const credentials = resolveAccountCredentials(config, ids.map((id, i) => ({ id, primary: i === 0 })));
  const clients = new Map<string, WechatClient>();
  const runtimes = city.accounts.map((build, i) => {
    const id = ids[i]!;
    const live = createLiveBuild(build);
    const client = lazyClient(() => clients.get(id)!);
    const publisher = createPublisher({ store, live, client, publicBaseUrl: config.publicBaseUrl, ...(i === 0 ? {} : { account: id }) });
    return { id, live, client, publisher, credentials: credentials.get(id)! };
  });
  const accounts = createAccountRegistry(runtimes);
  const connect = () => {
    ids.forEach((id, i) => {
      const creds = i === 0 ? LOCAL_STANDIN_CREDENTIALS : localStandinCredentials(id);
      const apiBase = i === 0 ? `${base}/_wechat` : `${base}/_wechat/${id}`;
      clients.set(id, createWechatClient({ ...creds, apiBase, tokenStore: createStoreTokenStore(store, creds.appId), timeoutMs: options.timeoutMs }));
    });
  };
  base = 'http://127.0.0.1:1';
  connect();
  // Images on the blob store of the temp DATA_DIR, as `onestop serve` keeps them.
  const broadcasts: BroadcastDeps = consoleBroadcastDeps({ config, store, accounts }, now);
  const primary = runtimes[0]!;
  const app = createApp({ config, store, live: primary.live, wechat: primary.client, publisher: primary.publisher, accounts, pay: createPaymentProvider(config, store), broadcasts, localOrigin: () => base, now });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  connect();
  for (const r of runtimes) await r.publisher.bootstrap(topics);
  const live = accounts.get(BROADCAST_ACCOUNT).live;
  // After bootstrap, which swapped in the published build.
  if (options.account) options.account(live.current().account as Account);
  await Promise.all(CHAIN_USERS.map(([username, role]) => addUser(store, { username, role, password: PASSWORD, departments: role === 'platform' ? [] : [username === 'sb-staff' ? 'renshe' : 'jiaojing'] })));
  return { base, store, live, accounts, standinStore: scopedStore(store, `account-${BROADCAST_ACCOUNT}-`), broadcasts, clock, close: () => new Promise<void>((r) => server.close(() => r())) };
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

export async function login(base: string, username: string, account: string | undefined = BROADCAST_ACCOUNT): Promise<Session> {
  const agent = request.agent(base);
  const form = await agent.get('/console/login').expect(200);
  const res = await agent.post('/console/login').type('form').send({ username, password: PASSWORD, _csrf: csrfFrom(form.text), next: '/console/' });
  if (res.status !== 303) throw new Error(`login of ${username} failed: ${res.status}`);
  const home = await agent.get('/console/').expect(200);
  const csrf = csrfFrom(home.text);
  // The console's broadcast pages follow the header's account switcher.
  if (account) await agent.post('/console/account').type('form').send({ account, _csrf: csrf }).expect(303);
  return { agent, csrf };
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
