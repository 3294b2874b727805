// Every citizen route of the composed app refuses a cross-site state change, and the local
// cashier (as app.ts mounts it) lets only its payer, signed in and on this site, see or pay.
import assert from 'node:assert/strict';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createPublisher } from '../../server/publish/publisher.js';
import { CITIZEN_COOKIE, signCitizenSession } from '../../server/http/identity.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createPaymentProvider } from '../../server/loop/payment/create-payment-provider.js';
import type { LocalPaymentProvider } from '../../server/loop/payment/local-payment-provider.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { FakeWechat, makeBuild, NOW, SERVICE } from '../loop/appointment/fixture-build.js';

describe('citizen routes of the composed app', () => {
  const config = loadConfig({ PUBLIC_BASE_URL: 'https://gov.example.cn', SESSION_SECRET: 'csrf-test-secret', DATA_DIR: '/nonexistent-onestop-csrf', PAY_PROVIDER: 'local' });
  const store = createMemoryStore();
  const live = createLiveBuild(makeBuild());
  const wechat = new FakeWechat();
  const pay = createPaymentProvider(config, store);
  const app = createApp({ config, store, live, wechat, pay, publisher: createPublisher({ store, live, client: wechat, publicBaseUrl: config.publicBaseUrl }), now: () => NOW });
  const cookie = (openid: string) => `${CITIZEN_COOKIE}=${signCitizenSession(openid, config.sessionSecret)}`;
  const EVIL = { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' };

  it('refuses a cross-site multipart application and a body-less payment POST with 403', async () => {
    const submit = await request(app).post(`/api/services/${SERVICE}/applications`).set('Cookie', cookie('alice')).set(EVIL).field('name', '张三').expect(403);
    assert.match(submit.body.message, /跨站/);
    await request(app).post('/api/applications/XX-20261120-0001/payment').set('Cookie', cookie('alice')).set(EVIL).expect(403);
  });

  describe('local cashier', () => {
    const orderNo = 'SB202611200001P1';
    before(async () => {
      assert.equal(pay.name, 'local');
      await (pay as LocalPaymentProvider).createOrder({ orderNo, description: '社保卡工本费', amountFen: 2000, openid: 'alice' });
    });

    it('refuses a cookieless form POST, another citizen and a cross-site POST; the payer alone sees the page', async () => {
      await request(app).post(`/pay/local/${orderNo}`).type('form').send('x=1').expect(401);
      await request(app).get(`/pay/local/${orderNo}`).set('Cookie', cookie('mallory')).expect(404);
      await request(app).post(`/pay/local/${orderNo}`).set('Cookie', cookie('mallory')).expect(404);
      await request(app).post(`/pay/local/${orderNo}`).set('Cookie', cookie('alice')).set(EVIL).expect(403);
      assert.equal((await (pay as LocalPaymentProvider).getOrder(orderNo))?.transactionId, undefined);
      const page = await request(app).get(`/pay/local/${orderNo}`).set('Cookie', cookie('alice')).expect(200);
      assert.match(page.text, /模拟支付/);
    });
  });
});
