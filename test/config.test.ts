import assert from 'node:assert/strict';
import { ConfigError } from '../server/errors.js';
import { loadConfig } from '../server/config.js';

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
    assert.throws(() => loadConfig({ WECHAT_APPID: 'wx1', WECHAT_SECRET: 's' }), (e) => e instanceof ConfigError && /SESSION_SECRET/.test(e.message));
    const config = loadConfig({ WECHAT_APPID: 'wx1', WECHAT_SECRET: 's', SESSION_SECRET: 'z'.repeat(32) });
    assert.equal(config.localMode, false);
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
});
