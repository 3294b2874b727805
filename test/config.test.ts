import assert from 'node:assert/strict';
import { ConfigError } from '../server/errors.js';
import { loadConfig } from '../server/config.js';
import { TEST_VAULT_ENV } from './support/vault-env.js';

describe('loadConfig', () => {
  it('runs in local mode without WeChat credentials, with defaults', () => {
    const config = loadConfig({});
    assert.equal(config.localMode, true);
    assert.equal(config.port, 3000);
    assert.equal(config.publicBaseUrl, 'http://localhost:3000');
    assert.deepEqual(config.corsOrigins, []);
    assert.ok(Object.isFrozen(config));
  });

  it('requires a long SESSION_SECRET once real WeChat credentials are set', () => {
    assert.throws(() => loadConfig({ WECHAT_APPID: 'wx1', WECHAT_SECRET: 's', WECHAT_TOKEN: 't' }), (e) => e instanceof ConfigError && /SESSION_SECRET/.test(e.message));
    const config = loadConfig({ WECHAT_APPID: 'wx1', WECHAT_SECRET: 's', WECHAT_TOKEN: 't', SESSION_SECRET: 'z'.repeat(32), PUBLIC_BASE_URL: 'https://gov.example.cn', ...TEST_VAULT_ENV });
    assert.equal(config.localMode, false);
  });

  it('reads the push replay window from WECHAT_MAX_CLOCK_SKEW_S (default 300 s) and refuses nonsense', () => {
    assert.equal(loadConfig({}).wechat.maxClockSkewS, 300);
    assert.equal(loadConfig({ WECHAT_MAX_CLOCK_SKEW_S: '900' }).wechat.maxClockSkewS, 900);
    for (const bad of ['abc', '0', '-5', '1.5', '100000']) {
      assert.throws(() => loadConfig({ WECHAT_MAX_CLOCK_SKEW_S: bad }), /WECHAT_MAX_CLOCK_SKEW_S 须为 1~86400 之间的整数/, bad);
    }
  });

  it('listens on 127.0.0.1 in local mode and everywhere with a real account unless HOST says otherwise', () => {
    const real = { WECHAT_APPID: 'wx1', WECHAT_SECRET: 's', WECHAT_TOKEN: 't', SESSION_SECRET: 'z'.repeat(32), PUBLIC_BASE_URL: 'https://gov.example.cn', ...TEST_VAULT_ENV };
    assert.equal(loadConfig({}).host, '127.0.0.1');
    assert.equal(loadConfig({ HOST: '0.0.0.0' }).host, '0.0.0.0');
    assert.equal(loadConfig(real).host, undefined);
    assert.equal(loadConfig({ ...real, HOST: '10.0.0.5' }).host, '10.0.0.5');
  });

  it('requires WECHAT_TOKEN with a real account instead of the public local default', () => {
    assert.throws(() => loadConfig({ WECHAT_APPID: 'wx1', WECHAT_SECRET: 's', SESSION_SECRET: 'z'.repeat(32) }), (e) => e instanceof ConfigError && /WECHAT_TOKEN/.test(e.message));
  });

  it('defaults to WeChat Pay with a real account and to the simulated cashier only in local mode', () => {
    const real = { WECHAT_APPID: 'wx1', WECHAT_SECRET: 's', WECHAT_TOKEN: 't', SESSION_SECRET: 'z'.repeat(32), PUBLIC_BASE_URL: 'https://gov.example.cn', ...TEST_VAULT_ENV };
    assert.equal(loadConfig(real).pay.provider, 'wechatpay');
    assert.equal(loadConfig({ ...real, PAY_PROVIDER: 'local' }).pay.provider, 'local');
    assert.equal(loadConfig({}).pay.provider, 'local');
    assert.throws(() => loadConfig({ PAY_PROVIDER: 'alipay' }), /PAY_PROVIDER 只能是 wechatpay 或 local/);
  });

  it('rejects a malformed EncodingAESKey, API base and port in Chinese', () => {
    assert.throws(() => loadConfig({ WECHAT_ENCODING_AES_KEY: 'short' }), /WECHAT_ENCODING_AES_KEY 必须是 43 位/);
    assert.throws(() => loadConfig({ WECHAT_API_BASE: 'api.example.com' }), /WECHAT_API_BASE 必须是以 http:\/\/ 或 https:\/\/ 开头/);
    assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT 无效/);
  });

  it('reads CORS origins as a comma-separated list and strips a trailing slash from PUBLIC_BASE_URL', () => {
    const config = loadConfig({ CORS_ORIGINS: 'https://a.example.cn, https://b.example.cn', PUBLIC_BASE_URL: 'https://gov.example.cn/' });
    assert.deepEqual(config.corsOrigins, ['https://a.example.cn', 'https://b.example.cn']);
    assert.equal(config.publicBaseUrl, 'https://gov.example.cn');
  });

  it('lets the default base URL follow PORT in local mode', () => {
    const config = loadConfig({ PORT: '3917' });
    assert.equal(config.publicBaseUrl, 'http://localhost:3917');
    assert.equal(loadConfig({ PORT: '3917', PUBLIC_BASE_URL: 'https://gov.example.cn' }).publicBaseUrl, 'https://gov.example.cn');
  });

  it('requires PUBLIC_BASE_URL with a real account', () => {
    const real = { WECHAT_APPID: 'wx1', WECHAT_SECRET: 's', WECHAT_TOKEN: 't', SESSION_SECRET: 'z'.repeat(32) };
    assert.throws(() => loadConfig(real), (e) => e instanceof ConfigError && /PUBLIC_BASE_URL/.test(e.message));
  });

  it('reads the per-citizen upload quota, 50 files and 100 MB a day by default', () => {
    assert.deepEqual(loadConfig({}).uploadQuota, { filesPerDay: 50, bytesPerDay: 100 * 1024 * 1024 });
    assert.deepEqual(loadConfig({ UPLOAD_FILES_PER_DAY: '10', UPLOAD_MB_PER_DAY: '20' }).uploadQuota, { filesPerDay: 10, bytesPerDay: 20 * 1024 * 1024 });
    assert.throws(() => loadConfig({ UPLOAD_MB_PER_DAY: '0' }), (e) => e instanceof ConfigError && /UPLOAD_MB_PER_DAY 必须是正整数/.test(e.message));
  });
});
