// An express app with the WeChat router, and helpers that sign pushes the way WeChat does
// in each of the three modes (plain, compat, safe).
import express from 'express';
import request from 'supertest';
import type { AccountBuild } from '../../server/builder/types.js';
import type { Config } from '../../server/config.js';
import { createWechatRouter } from '../../server/http/wechat/wechat-router.js';
import { createLiveBuild, type LiveBuild } from '../../server/live-build.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { Store } from '../../server/store/types.js';
import type { WechatClient } from '../../server/wechat/client-types.js';
import { createMsgCrypt } from '../../server/wechat/crypto.js';
import { msgSignature, plainSignature } from '../../server/wechat/signature.js';
import { parseXmlObject } from '../../server/wechat/xml.js';
import { makeBuild } from './build-fixture.js';

export const TOKEN = 'onestop-test-token';
export const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const APP_ID = 'wxb11529c136998cb6';
export type Mode = 'plain' | 'compat' | 'safe';

export function testConfig(overrides: Partial<Config['wechat']> = {}): Config {
  return {
    port: 0,
    topicsDir: '/nonexistent',
    dataDir: '/nonexistent',
    publicBaseUrl: 'https://gov.example.cn',
    publicBaseUrlFollowsPort: false,
    wechat: { token: TOKEN, appId: APP_ID, secret: 'secret', encodingAesKey: AES_KEY, maxClockSkewS: 300, ...overrides },
    localMode: false,
    sessionSecret: 'test-session-secret',
    corsOrigins: [],
    uploadQuota: { filesPerDay: 50, bytesPerDay: 100 * 1024 * 1024 },
    blobs: { kind: 'dir', dir: '/nonexistent/uploads' },
    pay: { provider: 'local' },
  };
}

import { FakeWechatClient } from '../fakes/fake-wechat-client.js';

export { FakeWechatClient };

export interface Harness {
  app: express.Express;
  store: Store;
  live: LiveBuild;
  client: FakeWechatClient;
  post(xml: string, mode?: Mode, query?: Record<string, string>): request.Test;
}

export function createHarness(options: { build?: AccountBuild; budgetMs?: number; now?: () => Date; config?: Config; store?: Store; client?: WechatClient } = {}): Harness {
  const store = options.store ?? createMemoryStore();
  const live = createLiveBuild(options.build ?? makeBuild());
  const client = new FakeWechatClient();
  const config = options.config ?? testConfig();
  const app = express();
  app.use('/wechat', createWechatRouter({ config, store, live, client: options.client ?? client, budgetMs: options.budgetMs, now: options.now, warn: () => {} }));
  return { app, store, live, client, post: (xml, mode = 'plain', query = {}) => signedPost(app, xml, mode, query) };
}

const crypt = createMsgCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appId: APP_ID });

/** The body and query WeChat would send for this plaintext push in the given mode. */
export function signedRequest(xml: string, mode: Mode, timestamp = String(Math.floor(Date.now() / 1000)), nonce = String(Math.floor(Math.random() * 1e9))) {
  const query: Record<string, string> = { signature: plainSignature(TOKEN, timestamp, nonce), timestamp, nonce, openid: 'o-test' };
  if (mode === 'plain') return { query, body: xml };
  const encrypt = crypt.encrypt(xml);
  query.encrypt_type = 'aes';
  query.msg_signature = msgSignature(TOKEN, timestamp, nonce, encrypt);
  const to = /<ToUserName><!\[CDATA\[([^\]]*)\]\]>/.exec(xml)?.[1] ?? 'gh_test';
  // Compat mode keeps the plaintext fields beside <Encrypt> (official Sample.py from_xml).
  const body = mode === 'safe' ? `<xml><ToUserName><![CDATA[${to}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` : xml.replace('</xml>', `<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`);
  return { query, body };
}

export function signedPost(app: express.Express, xml: string, mode: Mode, extraQuery: Record<string, string> = {}): request.Test {
  const { query, body } = signedRequest(xml, mode);
  return request(app).post('/wechat').query({ ...query, ...extraQuery }).type('text/xml').send(body);
}

/** The plaintext reply: decrypted and signature-checked when the reply is an encrypted envelope. */
export function openReply(text: string, mode: Mode): string {
  if (mode === 'plain' || text === 'success' || text === '') return text;
  const env = parseXmlObject(text);
  const encrypt = String(env.Encrypt);
  const expected = msgSignature(TOKEN, String(env.TimeStamp), String(env.Nonce), encrypt);
  if (expected !== env.MsgSignature) throw new Error('reply MsgSignature does not verify');
  return crypt.decrypt(encrypt).message;
}

let seq = 0;
/** A text message with a fresh MsgId. */
export function textXml(content: string, from = 'o-citizen-1', msgId = String(7_000_000_000_000_000_000n + BigInt(++seq))): string {
  return `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
}

export function eventXml(event: string, eventKey?: string, from = 'o-citizen-1', extra = ''): string {
  const key = eventKey === undefined ? '' : `<EventKey><![CDATA[${eventKey}]]></EventKey>`;
  return `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000) + ++seq}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${event}]]></Event>${key}${extra}</xml>`;
}
