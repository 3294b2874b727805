// The whole app for a city of several accounts: one fake WeChat client, publisher and set of
// credentials per account, exactly as main.ts wires them (createApp with an account registry).
import type { Express } from 'express';
import request from 'supertest';
import { createAccountRegistry, type AccountCredentials, type AccountRegistry } from '../../server/accounts/index.js';
import { createApp } from '../../server/app.js';
import { buildCity, type CityFiles } from '../../server/builder/index.js';
import type { Config } from '../../server/config.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createPaymentProvider } from '../../server/loop/payment/create-payment-provider.js';
import { createPublisher } from '../../server/publish/publisher.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { Store } from '../../server/store/types.js';
import { createMsgCrypt, type MsgCrypt } from '../../server/wechat/crypto.js';
import { msgSignature, plainSignature } from '../../server/wechat/signature.js';
import { FakeWechatClient } from '../fakes/fake-wechat-client.js';
import { createWechatClient } from '../../server/wechat/wechat-client.js';
import { createMemoryTokenStore } from '../../server/wechat/token-store.js';
import type { WechatClient } from '../../server/wechat/client-types.js';
import { testConfig } from '../gateway/harness.js';

/** Distinct token, AES key and appid per account. */
export function credentialsFor(id: string): Required<AccountCredentials> {
  const key = (id + 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 43);
  return { token: `token-${id}`, appId: `wx${id.replace(/[^a-z0-9]/g, '')}`.slice(0, 18), secret: `secret-${id}`, encodingAesKey: key };
}

export interface CityApp {
  app: Express;
  store: Store;
  config: Config;
  /** The fake client of each account (empty with `realClients`). */
  clients: Map<string, FakeWechatClient>;
  /** The client each account was given (the fakes, or the real clients with `realClients`). */
  wechat: Map<string, WechatClient>;
  crypts: Map<string, MsgCrypt>;
  accounts: AccountRegistry;
  /** A push to path, signed (and in safe mode encrypted) with the named account's credentials. */
  push(path: string, signer: string, xml: string, mode?: 'plain' | 'safe'): request.Test;
}

/** realClients: each account gets the real client with its own appid and secret against apiBase (for nock). */
export function createCityApp(files: CityFiles, options: { now?: () => Date; config?: Partial<Config>; realClients?: { apiBase: string } } = {}): CityApp {
  const base = { ...testConfig(), ...options.config };
  const city = buildCity(files, { publicBaseUrl: base.publicBaseUrl });
  const primaryId = city.accounts[0]!.account.id!;
  const creds = new Map(city.accounts.map((b) => [b.account.id!, credentialsFor(b.account.id!)]));
  const p = creds.get(primaryId)!;
  const config: Config = { ...base, wechat: { ...base.wechat, token: p.token, appId: p.appId, secret: p.secret, encodingAesKey: p.encodingAesKey } };
  const store = createMemoryStore();
  const clients = new Map<string, FakeWechatClient>();
  const wechat = new Map<string, WechatClient>();
  const runtimes = city.accounts.map((build, i) => {
    const id = build.account.id!;
    const live = createLiveBuild(build);
    const c = creds.get(id)!;
    let client: WechatClient;
    if (options.realClients) client = createWechatClient({ appId: c.appId, secret: c.secret, apiBase: options.realClients.apiBase, tokenStore: createMemoryTokenStore() });
    else {
      const fake = new FakeWechatClient();
      clients.set(id, fake);
      client = fake;
    }
    wechat.set(id, client);
    const publisher = createPublisher({ store, live, client, publicBaseUrl: config.publicBaseUrl, ...(i === 0 ? {} : { account: id }) });
    return { id, live, client, publisher, credentials: creds.get(id)! };
  });
  const primary = runtimes[0]!;
  const accounts = createAccountRegistry(runtimes);
  const app = createApp({
    config,
    store,
    live: primary.live,
    wechat: primary.client,
    publisher: primary.publisher,
    accounts,
    pay: createPaymentProvider({ ...config, pay: { provider: 'local' } }, store),
    now: options.now,
  });
  const crypts = new Map([...creds].map(([id, c]) => [id, createMsgCrypt({ token: c.token, encodingAesKey: c.encodingAesKey, appId: c.appId })]));
  const push = (path: string, signer: string, xml: string, mode: 'plain' | 'safe' = 'plain') => {
    const c = creds.get(signer)!;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(Math.floor(Math.random() * 1e9));
    const query: Record<string, string> = { signature: plainSignature(c.token, timestamp, nonce), timestamp, nonce, openid: 'o-test' };
    let body = xml;
    if (mode === 'safe') {
      const encrypt = crypts.get(signer)!.encrypt(xml);
      query.encrypt_type = 'aes';
      query.msg_signature = msgSignature(c.token, timestamp, nonce, encrypt);
      body = `<xml><ToUserName><![CDATA[gh_x]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
    }
    return request(app).post(path).query(query).type('text/xml').send(body);
  };
  return { app, store, config, clients, wechat, crypts, push, accounts };
}
