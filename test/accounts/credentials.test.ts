import assert from 'node:assert/strict';
import { credentialVariables, resolveAccountCredentials } from '../../server/accounts/index.js';
import { loadConfig } from '../../server/config.js';
import { ConfigError } from '../../server/errors.js';

const ACCOUNTS = [
  { id: 'jiangcheng', primary: true },
  { id: 'chuxing', primary: false },
  { id: 'jiaojing-neibu', primary: false },
];
const key = Buffer.alloc(32, 7).toString('base64');
const REAL = { PUBLIC_BASE_URL: 'https://gov.example.cn', SESSION_SECRET: 'x'.repeat(40), VAULT_KEYS: `k1:${key}`, VAULT_INDEX_KEY: key };

describe('credentials per account', () => {
  it('names each account’s variables: the plain ones for the primary, WECHAT_<ID>_* for the others', () => {
    assert.deepEqual(credentialVariables('jiangcheng', true), { appId: 'WECHAT_APPID', secret: 'WECHAT_SECRET', token: 'WECHAT_TOKEN', encodingAesKey: 'WECHAT_ENCODING_AES_KEY' });
    assert.deepEqual(credentialVariables('jiaojing-neibu', false), {
      appId: 'WECHAT_JIAOJING_NEIBU_APPID',
      secret: 'WECHAT_JIAOJING_NEIBU_SECRET',
      token: 'WECHAT_JIAOJING_NEIBU_TOKEN',
      encodingAesKey: 'WECHAT_JIAOJING_NEIBU_ENCODING_AES_KEY',
    });
  });

  it('gives every account its own local token when no credentials are set', () => {
    const creds = resolveAccountCredentials(loadConfig({}), ACCOUNTS);
    assert.equal(creds.get('jiangcheng')?.token, 'onestop-local-token');
    assert.equal(creds.get('chuxing')?.token, 'onestop-local-token-chuxing');
    assert.equal(creds.get('jiaojing-neibu')?.token, 'onestop-local-token-jiaojing-neibu');
  });

  it('names every missing variable at once when one account has credentials', () => {
    const config = loadConfig({ ...REAL, WECHAT_APPID: 'wx1', WECHAT_SECRET: 's', WECHAT_TOKEN: 't', WECHAT_CHUXING_APPID: 'wx2' });
    assert.equal(config.localMode, false);
    assert.throws(
      () => resolveAccountCredentials(config, ACCOUNTS),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message.includes('WECHAT_CHUXING_SECRET、WECHAT_CHUXING_TOKEN、WECHAT_JIAOJING_NEIBU_APPID、WECHAT_JIAOJING_NEIBU_SECRET、WECHAT_JIAOJING_NEIBU_TOKEN') &&
        !err.message.includes('WECHAT_CHUXING_APPID'),
    );
  });

  it('leaves local mode when only a further account has credentials, and names the primary’s missing ones', () => {
    const config = loadConfig({ ...REAL, WECHAT_CHUXING_APPID: 'wx2', WECHAT_CHUXING_SECRET: 's', WECHAT_CHUXING_TOKEN: 't' });
    assert.equal(config.localMode, false);
    assert.throws(() => resolveAccountCredentials(config, ACCOUNTS.slice(0, 2)), /缺少：WECHAT_APPID、WECHAT_SECRET、WECHAT_TOKEN$/);
  });

  it('reads each account’s token, appid, secret and AES key', () => {
    const env = { ...REAL, WECHAT_APPID: 'wx1', WECHAT_SECRET: 's1', WECHAT_TOKEN: 't1', WECHAT_CHUXING_APPID: 'wx2', WECHAT_CHUXING_SECRET: 's2', WECHAT_CHUXING_TOKEN: 't2', WECHAT_CHUXING_ENCODING_AES_KEY: 'a'.repeat(43) };
    const creds = resolveAccountCredentials(loadConfig(env), ACCOUNTS.slice(0, 2));
    assert.deepEqual(creds.get('chuxing'), { token: 't2', appId: 'wx2', secret: 's2', encodingAesKey: 'a'.repeat(43) });
    assert.equal(creds.get('jiangcheng')?.token, 't1');
  });

  it('refuses a malformed AES key of a further account', () => {
    const env = { ...REAL, WECHAT_APPID: 'wx1', WECHAT_SECRET: 's1', WECHAT_TOKEN: 't1', WECHAT_CHUXING_APPID: 'wx2', WECHAT_CHUXING_SECRET: 's2', WECHAT_CHUXING_TOKEN: 't2', WECHAT_CHUXING_ENCODING_AES_KEY: 'short' };
    assert.throws(() => resolveAccountCredentials(loadConfig(env), ACCOUNTS.slice(0, 2)), /WECHAT_CHUXING_ENCODING_AES_KEY 必须是 43 位字母或数字/);
  });
});
