// Each account's WeChat credentials from the environment (read by config.ts, the only reader of
// process.env): the primary account keeps WECHAT_APPID / _SECRET / _TOKEN / _ENCODING_AES_KEY,
// every other account <id> uses WECHAT_<ID>_APPID and so on (ID = id upper-cased, - as _).
import type { Config } from '../config.js';
import { ConfigError } from '../errors.js';

export interface AccountCredentials {
  /** The Token of 服务器配置: every push's signature is checked with it. */
  token: string;
  appId?: string;
  secret?: string;
  /** EncodingAESKey for safe mode (43 characters). */
  encodingAesKey?: string;
}

export interface CredentialVariables {
  appId: string;
  secret: string;
  token: string;
  encodingAesKey: string;
}

export function credentialVariables(id: string, primary: boolean): CredentialVariables {
  const prefix = primary ? 'WECHAT' : `WECHAT_${id.toUpperCase().replaceAll('-', '_')}`;
  return { appId: `${prefix}_APPID`, secret: `${prefix}_SECRET`, token: `${prefix}_TOKEN`, encodingAesKey: `${prefix}_ENCODING_AES_KEY` };
}

/**
 * Every account's credentials. In local mode (no credentials set at all) each account gets a token
 * of its own (WECHAT_<ID>_TOKEN, else onestop-local-token-<id>), so the simulator signs for each.
 * Otherwise every account needs its AppID, AppSecret and Token, and one error names every missing variable.
 */
export function resolveAccountCredentials(config: Readonly<Config>, accounts: { id: string; primary: boolean }[]): Map<string, AccountCredentials> {
  const env = config.wechatEnv ?? {};
  const out = new Map<string, AccountCredentials>();
  const missing: string[] = [];
  const invalid: string[] = [];
  for (const { id, primary } of accounts) {
    const names = credentialVariables(id, primary);
    if (primary) {
      out.set(id, { token: config.wechat.token, appId: config.wechat.appId, secret: config.wechat.secret, encodingAesKey: config.wechat.encodingAesKey });
      if (!config.localMode) for (const name of [names.appId, names.secret, names.token]) if (!env[name]) missing.push(name);
      continue;
    }
    const aes = env[names.encodingAesKey];
    if (aes !== undefined && !/^[A-Za-z0-9]{43}$/.test(aes)) invalid.push(names.encodingAesKey);
    if (config.localMode) {
      out.set(id, { token: env[names.token] ?? `onestop-local-token-${id}`, ...(aes ? { encodingAesKey: aes } : {}) });
      continue;
    }
    for (const name of [names.appId, names.secret, names.token]) if (!env[name]) missing.push(name);
    out.set(id, { token: env[names.token] ?? '', appId: env[names.appId], secret: env[names.secret], ...(aes ? { encodingAesKey: aes } : {}) });
  }
  const problems = [
    ...(missing.length ? [`连接真实微信时每个公众号都要设置 AppID、AppSecret 和 Token，缺少：${missing.join('、')}`] : []),
    ...(invalid.length ? [`${invalid.join('、')} 必须是 43 位字母或数字`] : []),
  ];
  if (problems.length) throw new ConfigError(problems.join('；'), { missing, invalid });
  return out;
}

/** What a further account's local stand-in (/_wechat/<id>) accepts; the primary keeps the wechat room's. */
export function localStandinCredentials(id: string): { appId: string; secret: string } {
  return { appId: `wx-local-${id}`, secret: 'local' };
}
