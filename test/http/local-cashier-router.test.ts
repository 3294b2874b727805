import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { errorHandler } from '../../server/http/error-handler.js';
import { CITIZEN_COOKIE, signCitizenSession } from '../../server/http/identity.js';
import { createLocalCashierRouter } from '../../server/http/cashier/local-cashier-router.js';
import { createLocalPaymentProvider, type LocalPaymentProvider } from '../../server/loop/payment/local-payment-provider.js';
import type { PaymentNotification } from '../../server/loop/payment/payment-provider.js';
import { createMemoryStore } from '../../server/store/memory-store.js';

const payer = { 'x-test-openid': 'oCitizen' };
const order = { orderNo: 'SQ20250303000002', description: '违章罚款 <b>粤A12345</b>', amountFen: 1250, openid: 'oCitizen' };

describe('createLocalCashierRouter', () => {
  let provider: LocalPaymentProvider;
  let paid: PaymentNotification[];
  let app: express.Express;

  beforeEach(async () => {
    provider = createLocalPaymentProvider({ publicBaseUrl: 'http://localhost:3000', secret: 's', store: createMemoryStore() });
    await provider.createOrder(order);
    paid = [];
    const onPaid = async (n: PaymentNotification) => void paid.push(n);
    app = express();
    app.use((req, res, next) => {
      // Stands in for optionalCitizen: the test picks the session's openid per request.
      res.locals.openid = req.get('x-test-openid');
      next();
    });
    app.use('/pay/local', createLocalCashierRouter({ provider, onPaid, returnUrl: (no) => `/h5/applications/${no}` }));
    app.use(errorHandler());
  });

  it('shows a page marked 模拟支付 with the amount, escaped description and a 确认支付 button', async () => {
    const res = await request(app).get('/pay/local/SQ20250303000002').set(payer).expect(200);
    assert.match(res.text, /模拟支付/);
    assert.match(res.text, /¥12\.50/);
    assert.match(res.text, /确认支付/);
    assert.match(res.text, /违章罚款 &lt;b&gt;粤A12345&lt;\/b&gt;/);
    assert.doesNotMatch(res.text, /<b>粤A12345/);
  });

  it('confirms the payment through the verified notification path', async () => {
    const res = await request(app).post('/pay/local/SQ20250303000002').set(payer).expect(200);
    assert.match(res.text, /支付成功/);
    assert.match(res.text, /href="\/h5\/applications\/SQ20250303000002"/);
    assert.equal(paid.length, 1);
    assert.equal(paid[0]?.orderNo, 'SQ20250303000002');
    assert.equal(paid[0]?.amountFen, 1250);
    assert.equal(paid[0]?.tradeState, 'SUCCESS');
    const page = await request(app).get('/pay/local/SQ20250303000002').set(payer).expect(200);
    assert.match(page.text, /已支付/);
  });

  it('answers 404 for an unknown order', async () => {
    const res = await request(app).get('/pay/local/NOPE000001').set(payer).expect(404);
    assert.match(res.body.message, /NOPE000001/);
  });

  it('answers another citizen 404, exactly like a missing order, and pays nothing', async () => {
    const res = await request(app).post('/pay/local/SQ20250303000002').set('x-test-openid', 'oSomeoneElse').expect(404);
    assert.match(res.body.message, /没有找到订单/);
    await request(app).get('/pay/local/SQ20250303000002').set('x-test-openid', 'oSomeoneElse').expect(404);
    assert.deepEqual(paid, []);
    await request(app).post('/pay/local/SQ20250303000002').set(payer).expect(200);
    assert.equal(paid.length, 1);
  });

  it('refuses a caller without a citizen session (a cookieless cross-site form) with 401', async () => {
    await request(app).post('/pay/local/SQ20250303000002').type('form').send('x=1').expect(401);
    await request(app).get('/pay/local/SQ20250303000002').expect(401);
    assert.deepEqual(paid, []);
  });

  it('refuses a cross-site confirmation even from the payer', async () => {
    await request(app).post('/pay/local/SQ20250303000002').set(payer).set('Origin', 'https://evil.example').expect(403);
    await request(app).post('/pay/local/SQ20250303000002').set(payer).set('Sec-Fetch-Site', 'cross-site').expect(403);
    assert.deepEqual(paid, []);
  });

  describe('with the session secret', () => {
    const secret = 'a-cashier-test-secret-of-32-chars!';
    let own: express.Express;
    beforeEach(() => {
      own = express();
      own.use('/pay/local', createLocalCashierRouter({ provider, onPaid: async (n) => void paid.push(n), sessionSecret: secret, allowedOrigins: ['http://localhost:3000'] }));
      own.use(errorHandler());
    });
    const session = (openid: string) => `${CITIZEN_COOKIE}=${signCitizenSession(openid, secret)}`;

    it('checks the session cookie itself', async () => {
      await request(own).post('/pay/local/SQ20250303000002').expect(401);
      await request(own).post('/pay/local/SQ20250303000002').set('Cookie', session('oSomeoneElse')).expect(404);
      await request(own).post('/pay/local/SQ20250303000002').set('Cookie', `${CITIZEN_COOKIE}=forged.value`).expect(401);
      assert.deepEqual(paid, []);
      await request(own).get('/pay/local/SQ20250303000002').set('Cookie', session('oCitizen')).expect(200);
      await request(own)
        .post('/pay/local/SQ20250303000002')
        .set('Cookie', session('oCitizen'))
        .set({ Origin: 'http://localhost:3000', 'Sec-Fetch-Site': 'same-origin' })
        .expect(200);
      assert.equal(paid.length, 1);
    });

    it('refuses a cross-site confirmation', async () => {
      await request(own).post('/pay/local/SQ20250303000002').set('Cookie', session('oCitizen')).set('Origin', 'https://evil.example').expect(403);
      assert.deepEqual(paid, []);
    });
  });
});
