import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { createApplicationRouter } from '../../server/http/applications/application-router.js';
import { errorHandler } from '../../server/http/error-handler.js';
import { paymentLog } from '../../server/loop/payment/payment-orders.js';
import { createWechatPayProvider } from '../../server/loop/payment/wechatpay-provider.js';
import { createTestApp, type TestApp } from '../loop/applications/test-app.js';
import { API_V3_KEY, APP_ID, MCH_ID, encryptResource, notificationBody, platformHeaders, rsaKeys, transaction } from '../loop/payment/wechatpay-fakes.js';

// The route WeChat Pay posts to (WECHATPAY_NOTIFY_URL): the signature covers the exact bytes,
// so the router must hand them over untouched by any body parser.
describe('POST /api/payments/notify/wechatpay', () => {
  const merchant = rsaKeys();
  const platform = rsaKeys();
  let t: TestApp;
  let app: express.Express;

  beforeEach(() => {
    t = createTestApp();
    const pay = createWechatPayProvider({
      mchId: MCH_ID,
      appId: APP_ID,
      apiV3Key: API_V3_KEY,
      serialNo: 'SERIAL',
      privateKeyPem: merchant.privatePem,
      platformPublicKeyPem: platform.publicPem,
      notifyUrl: 'https://city.example/api/payments/notify/wechatpay',
    });
    app = express().use('/api', createApplicationRouter({ ...t.deps, pay })).use(errorHandler());
  });
  afterEach(() => t.cleanup());

  const deliver = (tx: ReturnType<typeof transaction>) => {
    const body = notificationBody(encryptResource(JSON.stringify(tx)));
    return { body, headers: { ...platformHeaders(platform.privateKey, body, Math.floor(Date.now() / 1000)), 'Content-Type': 'application/json' } };
  };

  it('verifies a notification exactly as sent and acknowledges it', async () => {
    const { body, headers } = deliver(transaction({ trade_state: 'CLOSED' }));
    const res = await request(app).post('/api/payments/notify/wechatpay').set(headers).send(body).expect(200);
    assert.equal(res.body.code, 'SUCCESS');
    const log = await paymentLog(t.deps.store).read();
    assert.deepEqual(log.map((r) => [r.event, r.orderNo]), [['not-success', 'SQ20250303000001']]);
  });

  it('refuses a notification whose bytes changed after signing, and logs it', async () => {
    const { body, headers } = deliver(transaction({ trade_state: 'CLOSED' }));
    await request(app).post('/api/payments/notify/wechatpay').set(headers).send(body.replace('"summary":"支付成功"', '"summary":"支付成功 "')).expect(401);
    assert.deepEqual((await paymentLog(t.deps.store).read()).map((r) => r.event), ['forged']);
  });
});
