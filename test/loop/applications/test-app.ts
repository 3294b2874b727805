// An express app with the application routers over a memory store, a temp data dir, the real
// local payment provider and an adjustable clock.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import type { AccountBuild } from '../../../server/builder/types.js';
import { loadConfig, type Config } from '../../../server/config.js';
import { createApplicationRouter } from '../../../server/http/applications/application-router.js';
import { createServicePagesRouter } from '../../../server/http/pages/service-pages-router.js';
import { errorHandler } from '../../../server/http/error-handler.js';
import { CITIZEN_COOKIE, signCitizenSession } from '../../../server/http/identity.js';
import { createStaffToken } from '../../../server/desk/staff-tokens.js';
import { createRenderer } from '../../../server/render.js';
import { createLiveBuild } from '../../../server/live-build.js';
import type { ApplicationDeps } from '../../../server/loop/payment/payment-deps.js';
import type { RouterDeps } from '../../../server/http/router-deps.js';
import { createLocalPaymentProvider, LOCAL_PAY_HEADERS, type LocalPaymentProvider } from '../../../server/loop/payment/local-payment-provider.js';
import { createMemoryStore } from '../../../server/store/memory-store.js';
import type { Store } from '../../../server/store/types.js';
import type { BlobStore } from '../../../server/store/blob-store.js';
import type { WechatClient } from '../../../server/wechat/client-types.js';
import { buildFixture } from './build-fixture.js';

export const PAY_SECRET = 'test-pay-secret';

export interface TestApp {
  app: express.Express;
  deps: RouterDeps<ApplicationDeps>;
  dataDir: string;
  clock: { now: Date };
  cookie(openid: string): string;
  staff(department: string, label?: string): Promise<string>;
  /** A notification signed like the local cashier's, for any body. */
  signedNotification(body: unknown): { headers: Record<string, string>; raw: string };
  cleanup(): void;
}

export function createTestApp(opts: { build?: AccountBuild; now?: string; wechat?: WechatClient; config?: Partial<Config>; store?: Store; blobs?: BlobStore } = {}): TestApp {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'onestop-apps-'));
  const config = { ...loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: 'test-secret' }), ...opts.config };
  const store = opts.store ?? createMemoryStore();
  const clock = { now: new Date(opts.now ?? '2026-11-20T02:00:00Z') };
  const pay = createLocalPaymentProvider({ publicBaseUrl: config.publicBaseUrl, secret: PAY_SECRET, store });
  const deps: RouterDeps<ApplicationDeps> = {
    config,
    store,
    live: createLiveBuild(opts.build ?? buildFixture()),
    renderer: createRenderer(),
    now: () => clock.now,
    pay,
    ...(opts.wechat ? { wechat: opts.wechat } : {}),
    ...(opts.blobs ? { blobs: opts.blobs } : {}),
  };
  const app = express();
  app.use('/api', createApplicationRouter(deps));
  app.use(createServicePagesRouter(deps));
  app.use(errorHandler());
  return {
    app,
    deps,
    dataDir,
    clock,
    cookie: (openid) => `${CITIZEN_COOKIE}=${signCitizenSession(openid, config.sessionSecret)}`,
    staff: (department, label = '窗口1') => createStaffToken(store, department, label),
    signedNotification(body) {
      const raw = JSON.stringify(body);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = randomBytes(8).toString('hex');
      const signature = createHmac('sha256', PAY_SECRET).update(`${timestamp}\n${nonce}\n${raw}\n`).digest('base64');
      return {
        raw,
        headers: {
          [LOCAL_PAY_HEADERS.timestamp]: timestamp,
          [LOCAL_PAY_HEADERS.nonce]: nonce,
          [LOCAL_PAY_HEADERS.signature]: signature,
          'Content-Type': 'application/json',
        },
      };
    },
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** Minimal real file headers, so sniffing sees genuine types. */
export const FILES = {
  pdf: Buffer.concat([Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'), Buffer.alloc(64, 32)]),
  png: Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'), Buffer.alloc(64)]),
  // JFIF header, a 1×1 SOF0 frame header (what image-size reads) and the end marker.
  jpg: Buffer.from('ffd8ffe000104a46494600010100000100010000ffc00011080001000103011100021101031101ffd9', 'hex'),
  exe: Buffer.concat([Buffer.from('4d5a90000300000004000000ffff0000b800000000000000400000000000000000', 'hex'), Buffer.alloc(200)]),
};

/** Submits 驾驶证换证 (fixed 10 元 before acceptance) as the given citizen; returns the number. */
export async function submitLicence(t: TestApp, openid = 'citizen-a'): Promise<string> {
  const res = await request(t.app)
    .post('/api/services/jiaojing/huanzheng/applications')
    .set('Cookie', t.cookie(openid))
    .field('name', '张三')
    .field('phone', '13800138000')
    .field('kind', 'C1')
    .attach('photo', FILES.png, 'photo.png')
    .attach('medical', FILES.pdf, '体检证明.pdf');
  if (res.status !== 201) throw new Error(`submit failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.no;
}

/** Submits a service with only text fields. */
export async function submitFields(t: TestApp, ref: string, fields: Record<string, string>, openid = 'citizen-a'): Promise<string> {
  let req = request(t.app).post(`/api/services/${ref}/applications`).set('Cookie', t.cookie(openid));
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  const res = await req;
  if (res.status !== 201) throw new Error(`submit failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.no;
}

/** Pays an application through the local cashier and delivers its notification. */
export async function payThroughCashier(t: TestApp, no: string, openid = 'citizen-a') {
  const started = await request(t.app).post(`/api/applications/${no}/payment`).set('Cookie', t.cookie(openid)).expect(201);
  const pay = t.deps.pay as LocalPaymentProvider;
  const signed = await pay.pay(started.body.orderNo);
  const res = await request(t.app).post('/api/payments/notify/local').set(signed.headers).send(signed.rawBody.toString('utf8'));
  return { started: started.body, signed, res };
}

export function move(t: TestApp, token: string, no: string, to: string, extra: Record<string, unknown> = {}) {
  return request(t.app).post(`/api/applications/${no}/transitions`).set('Authorization', `Bearer ${token}`).send({ to, ...extra });
}
