import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../server/config.js';
import { ConfigError } from '../../../server/errors.js';
import { createPaymentProvider } from '../../../server/loop/payment/create-payment-provider.js';
import { createMemoryStore } from '../../../server/store/memory-store.js';
import { TEST_VAULT_ENV } from '../../support/vault-env.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/wechatpay/${name}`, import.meta.url));
const wechatpayEnv = {
  PAY_PROVIDER: 'wechatpay',
  WECHAT_APPID: 'wxd678efh567hg6787',
  WECHAT_SECRET: 'secret',
  WECHAT_TOKEN: 'pay-test-token',
  PUBLIC_BASE_URL: 'https://city.example',
  SESSION_SECRET: 'a-test-session-secret-of-32-chars!',
  WECHATPAY_MCHID: '1900009191',
  WECHATPAY_APIV3_KEY: 'abcdefghijABCDEFGHIJ0123456789xy',
  WECHATPAY_SERIAL_NO: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  WECHATPAY_PRIVATE_KEY: fixture('merchant-key.pem'),
  WECHATPAY_PLATFORM_CERT: fixture('platform-cert.pem'),
  WECHATPAY_NOTIFY_URL: 'https://city.example/pay/notify',
  ...TEST_VAULT_ENV,
};

describe('createPaymentProvider', () => {
  it('uses the local cashier by default', () => {
    assert.equal(createPaymentProvider(loadConfig({}), createMemoryStore()).name, 'local');
  });

  it('loads WeChat Pay with the merchant key and platform certificate files', () => {
    assert.equal(createPaymentProvider(loadConfig(wechatpayEnv), createMemoryStore()).name, 'wechatpay');
  });

  it('names every missing WeChat Pay setting', () => {
    assert.throws(
      () => createPaymentProvider(loadConfig({ PAY_PROVIDER: 'wechatpay' }), createMemoryStore()),
      (err) => err instanceof ConfigError && /WECHAT_APPID、WECHATPAY_MCHID、.*WECHATPAY_NOTIFY_URL/.test(err.message),
    );
  });

  it('names an unreadable key file', () => {
    const env = { ...wechatpayEnv, WECHATPAY_PRIVATE_KEY: '/nonexistent/apiclient_key.pem' };
    assert.throws(() => createPaymentProvider(loadConfig(env), createMemoryStore()), /WECHATPAY_PRIVATE_KEY 指向的文件无法读取/);
  });
});
