import assert from 'node:assert/strict';
import { createVerify, type KeyObject } from 'node:crypto';
import nock from 'nock';
import { UnauthorizedError, ValidationError, WechatApiError } from '../../../server/errors.js';
import { assertAmountMatches, type PaymentNotification, type PaymentProvider } from '../../../server/loop/payment/payment-provider.js';
import { createWechatPayProvider, type WechatPayOptions } from '../../../server/loop/payment/wechatpay-provider.js';
import {
  API_V3_KEY,
  APP_ID,
  MCH_ID,
  encryptResource,
  notificationBody,
  platformHeaders,
  rsaKeys,
  transaction,
} from './wechatpay-fakes.js';

const PAY = 'https://api.mch.weixin.qq.com';
const NOW_S = 1_741_000_000;
const merchant = rsaKeys();
const platform = rsaKeys();
const intruder = rsaKeys();

const verify = (key: KeyObject, lines: string[], signature: string) =>
  createVerify('RSA-SHA256').update(lines.map((l) => `${l}\n`).join('')).verify(key, signature, 'base64');

function provider(overrides: Partial<WechatPayOptions> = {}): PaymentProvider {
  return createWechatPayProvider({
    mchId: MCH_ID,
    appId: APP_ID,
    apiV3Key: API_V3_KEY,
    serialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    privateKeyPem: merchant.privatePem,
    platformPublicKeyPem: platform.publicPem,
    platformPublicKeyId: 'PUB_KEY_ID_TEST',
    notifyUrl: 'https://city.example/pay/notify',
    clock: () => NOW_S * 1000,
    ...overrides,
  });
}

const order = { orderNo: 'SQ20250303000001', description: '交警-违章罚款', amountFen: 5000, openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' };

/** Parses the v3 Authorization header into its fields. */
function authFields(header: string): Record<string, string> {
  assert.match(header, /^WECHATPAY2-SHA256-RSA2048 /);
  return Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

async function refusal(p: Promise<unknown>, reason: string): Promise<void> {
  await assert.rejects(p, (err) => {
    assert.ok(err instanceof UnauthorizedError, `expected UnauthorizedError, got ${String(err)}`);
    assert.deepEqual(err.details, { reason });
    assert.match(err.message, /[\u4e00-\u9fa5]/);
    return true;
  });
}

describe('createWechatPayProvider', () => {
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  describe('createOrder', () => {
    it('posts the JSAPI order signed with the merchant key and returns signed pay params', async () => {
      const scope = nock(PAY)
        .post('/v3/pay/transactions/jsapi', (body) => {
          assert.deepEqual(body, {
            appid: APP_ID,
            mchid: MCH_ID,
            description: '交警-违章罚款',
            out_trade_no: 'SQ20250303000001',
            notify_url: 'https://city.example/pay/notify',
            amount: { total: 5000, currency: 'CNY' },
            payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
          });
          return true;
        })
        .matchHeader('user-agent', /.+/)
        .matchHeader('accept', 'application/json')
        .reply(function (_uri, requestBody) {
          const raw = typeof requestBody === 'string' ? requestBody : JSON.stringify(requestBody);
          const a = authFields(String(this.req.headers.authorization));
          assert.equal(a.mchid, MCH_ID);
          assert.equal(a.serial_no, '5157F09EFDC096DE15EBE81A47057A7232F1B8E1');
          assert.equal(a.timestamp, String(NOW_S));
          assert.ok(verify(merchant.publicKey, ['POST', '/v3/pay/transactions/jsapi', a.timestamp!, a.nonce_str!, raw], a.signature!));
          const reply = JSON.stringify({ prepay_id: 'wx201410272009395522657a690389285100' });
          return [200, reply, { 'Content-Type': 'application/json', ...platformHeaders(platform.privateKey, reply, NOW_S) }];
        });
      const created = await provider().createOrder(order);
      assert.ok(scope.isDone());
      assert.equal(created.kind, 'jsapi');
      if (created.kind !== 'jsapi') return;
      const p = created.params;
      assert.equal(p.appId, APP_ID);
      assert.equal(p.timeStamp, String(NOW_S));
      assert.equal(p.package, 'prepay_id=wx201410272009395522657a690389285100');
      assert.equal(p.signType, 'RSA');
      assert.match(p.nonceStr, /^[0-9A-F]{32}$/);
      assert.ok(verify(merchant.publicKey, [p.appId, p.timeStamp, p.nonceStr, p.package], p.paySign));
    });

    it('sends the order to WECHATPAY_API_BASE when set', async () => {
      const reply = JSON.stringify({ prepay_id: 'wx1' });
      const scope = nock('http://pay-proxy.internal:8081')
        .post('/wxpay/v3/pay/transactions/jsapi')
        .reply(200, reply, platformHeaders(platform.privateKey, reply, NOW_S));
      await provider({ apiBase: 'http://pay-proxy.internal:8081/wxpay/' }).createOrder(order);
      assert.ok(scope.isDone());
    });

    it('turns a WeChat Pay error reply into a Chinese WechatApiError', async () => {
      const scope = nock(PAY)
        .post('/v3/pay/transactions/jsapi')
        .reply(400, { code: 'PARAM_ERROR', message: '参数错误' });
      await assert.rejects(provider().createOrder(order), (err) => {
        assert.ok(err instanceof WechatApiError);
        assert.equal(err.message, '微信支付下单失败（PARAM_ERROR）：参数错误');
        assert.equal(err.errcode, 400);
        return true;
      });
      assert.ok(scope.isDone());
    });

    it('refuses a reply not signed by WeChat Pay', async () => {
      const reply = JSON.stringify({ prepay_id: 'wx-spoofed' });
      const scope = nock(PAY)
        .post('/v3/pay/transactions/jsapi')
        .reply(200, reply, platformHeaders(intruder.privateKey, reply, NOW_S));
      await refusal(provider().createOrder(order), 'bad-signature');
      assert.ok(scope.isDone());
    });

    it('checks the order before sending anything', async () => {
      await assert.rejects(provider().createOrder({ ...order, amountFen: 0 }), ValidationError);
      await assert.rejects(provider().createOrder({ ...order, orderNo: '订单1' }), /订单号/);
    });
  });

  describe('parseNotification', () => {
    const deliver = (tx = transaction(), opts: { key?: KeyObject; at?: number; serial?: string } = {}) => {
      const body = notificationBody(encryptResource(JSON.stringify(tx)));
      return { body, headers: platformHeaders(opts.key ?? platform.privateKey, body, opts.at ?? NOW_S - 3, opts.serial) };
    };

    it('verifies, decrypts and returns the transaction', async () => {
      const { body, headers } = deliver();
      const n = await provider().parseNotification(headers, Buffer.from(body));
      assert.deepEqual(n, {
        orderNo: 'SQ20250303000001',
        transactionId: '4200000000202503030000000001',
        amountFen: 5000,
        tradeState: 'SUCCESS',
        successTime: '2025-03-03T10:00:05+08:00',
        openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      } satisfies PaymentNotification);
    });

    it('refuses a forged signature', async () => {
      const { body, headers } = deliver(transaction(), { key: intruder.privateKey });
      await refusal(provider().parseNotification(headers, Buffer.from(body)), 'bad-signature');
    });

    it('refuses a body changed after signing', async () => {
      const { body, headers } = deliver();
      const changed = body.replace('TRANSACTION.SUCCESS', 'TRANSACTION.SUCCESS ');
      await refusal(provider().parseNotification(headers, Buffer.from(changed)), 'bad-signature');
    });

    it('refuses a timestamp more than 5 minutes old', async () => {
      const { body, headers } = deliver(transaction(), { at: NOW_S - 301 });
      await refusal(provider().parseNotification(headers, Buffer.from(body)), 'stale-timestamp');
    });

    it('refuses a tampered ciphertext even when the envelope is re-signed', async () => {
      const resource = encryptResource(JSON.stringify(transaction()));
      const bytes = Buffer.from(resource.ciphertext, 'base64');
      bytes[5] = bytes[5]! ^ 0x01;
      const body = notificationBody({ ...resource, ciphertext: bytes.toString('base64') });
      const headers = platformHeaders(platform.privateKey, body, NOW_S);
      await refusal(provider().parseNotification(headers, Buffer.from(body)), 'decrypt-failed');
    });

    it('refuses a resource encrypted with another APIv3 key', async () => {
      const body = notificationBody(encryptResource(JSON.stringify(transaction()), 'ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ'));
      await refusal(provider().parseNotification(platformHeaders(platform.privateKey, body, NOW_S), Buffer.from(body)), 'decrypt-failed');
    });

    it('refuses a transaction of another merchant', async () => {
      const { body, headers } = deliver(transaction({ mchid: '1230000109' }));
      await refusal(provider().parseNotification(headers, Buffer.from(body)), 'wrong-merchant');
    });

    it('refuses a signature from an unknown platform key id', async () => {
      const { body, headers } = deliver(transaction(), { serial: 'PUB_KEY_ID_OTHER' });
      await refusal(provider().parseNotification(headers, Buffer.from(body)), 'unknown-serial');
    });

    it('lets the loop detect a paid amount that differs from the order', async () => {
      const { body, headers } = deliver(transaction({ amount: { total: 1, payer_total: 1, currency: 'CNY' } }));
      const n = await provider().parseNotification(headers, Buffer.from(body));
      assert.throws(() => assertAmountMatches(n, 5000), /0\.01 元与应付金额 50\.00 元不符/);
      assert.doesNotThrow(() => assertAmountMatches({ ...n, amountFen: 5000 }, 5000));
    });
  });
});
