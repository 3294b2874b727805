// The only reader of process.env: typed, validated, frozen.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './errors.js';

/** The folder holding package.json: one up from server/, two up from the compiled dist/server/. */
export function findProjectRoot(serverDir: string): string {
  const up = path.resolve(serverDir, '..');
  return existsSync(path.join(up, 'package.json')) ? up : path.resolve(up, '..');
}

export const projectRoot = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

export interface Config {
  port: number;
  /** Address to listen on; undefined = every interface. Local mode defaults to 127.0.0.1. */
  host?: string;
  /** Where the city's JSON lives (account.json, <topic>.json, departments/*.json). */
  topicsDir: string;
  /** Runtime data: lowdb files, uploads, published builds. Git-ignored. */
  dataDir: string;
  /** postgres://… when the city lives in PostgreSQL (several processes); unset = lowdb in dataDir. */
  storeUrl?: string;
  /**
   * Where uploaded files live (BLOB_STORE): a directory (BLOB_DIR, default <dataDir>/uploads; one
   * every process mounts when several serve a city) or PostgreSQL's blob tables (needs STORE_URL).
   */
  blobs: { kind: 'dir'; dir: string } | { kind: 'postgres' };
  /** Where the H5 pages live; menu view buttons and article links use it. */
  publicBaseUrl: string;
  /** True when PUBLIC_BASE_URL was not set (local mode): the base URL is http://localhost:<port>. */
  publicBaseUrlFollowsPort: boolean;
  wechat: {
    token: string;
    appId?: string;
    secret?: string;
    encodingAesKey?: string;
    /** Overrides https://api.weixin.qq.com, e.g. for an egress proxy or the local stand-in. */
    apiBase?: string;
    /** How far a push's timestamp may be from our clock, in seconds (replay window). */
    maxClockSkewS: number;
  };
  /** True when no WeChat credentials are set: publishing goes to the local stand-in. */
  localMode: boolean;
  /** Secret for signing session cookies and CSRF tokens. */
  sessionSecret: string;
  /** Browser origins allowed to call /api (department systems); none by default. */
  corsOrigins: string[];
  /** What one citizen may upload in 24 hours (application attachments and pre-check uploads together). */
  uploadQuota: { filesPerDay: number; bytesPerDay: number };
  /**
   * Secrets for departments' systems, from every CONNECTOR_* variable: account.json names the
   * variable per connector, and no other variable can be named, so no other secret can leave.
   */
  connectorSecrets?: Readonly<Record<string, string>>;
  /** Keys for personal data at rest (server/vault): the first key encrypts, all decrypt. Absent: the development key (tests). */
  vault?: VaultConfig;
  /** Notices (docs/notices.md): sends per second from this process. */
  notices?: { ratePerSecond: number };
  /** Every WECHAT_* variable, for the accounts room: each account's WECHAT_<ID>_APPID / _SECRET / _TOKEN / _ENCODING_AES_KEY. */
  wechatEnv?: Readonly<Record<string, string>>;
  pay: {
    provider: 'local' | 'wechatpay';
    mchId?: string;
    apiV3Key?: string;
    serialNo?: string;
    privateKeyPath?: string;
    platformCertPath?: string;
    notifyUrl?: string;
    apiBase?: string;
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT 无效: ${env.PORT}`);
  const aesKey = env.WECHAT_ENCODING_AES_KEY || undefined;
  if (aesKey !== undefined && !/^[A-Za-z0-9]{43}$/.test(aesKey)) {
    throw new ConfigError('WECHAT_ENCODING_AES_KEY 必须是 43 位字母或数字');
  }
  const apiBase = env.WECHAT_API_BASE || undefined;
  // No peer enforces a window on us, so a drifting clock must be survivable with one switch.
  const maxClockSkewS = Number(env.WECHAT_MAX_CLOCK_SKEW_S || 300);
  if (!Number.isInteger(maxClockSkewS) || maxClockSkewS < 1 || maxClockSkewS > 86_400) {
    throw new ConfigError(`WECHAT_MAX_CLOCK_SKEW_S 须为 1~86400 之间的整数（秒）：${env.WECHAT_MAX_CLOCK_SKEW_S}`);
  }
  if (apiBase !== undefined && !/^https?:\/\//.test(apiBase)) {
    throw new ConfigError('WECHAT_API_BASE 必须是以 http:// 或 https:// 开头的完整地址');
  }
  const appId = env.WECHAT_APPID || undefined;
  const secret = env.WECHAT_SECRET || undefined;
  const wechatEnv = Object.freeze(Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => /^WECHAT_[A-Z0-9_]+$/.test(e[0]) && !!e[1])));
  // Local mode only when no account at all has credentials (several accounts: WECHAT_<ID>_APPID).
  const localMode = !(appId && secret) && !Object.keys(wechatEnv).some((name) => /^WECHAT_[A-Z0-9_]+_(APPID|SECRET)$/.test(name));
  const publicBaseUrlFollowsPort = !env.PUBLIC_BASE_URL;
  const publicBaseUrl = (env.PUBLIC_BASE_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  if (env.PAY_PROVIDER && env.PAY_PROVIDER !== 'wechatpay' && env.PAY_PROVIDER !== 'local') {
    throw new ConfigError(`PAY_PROVIDER 只能是 wechatpay 或 local：${env.PAY_PROVIDER}`);
  }
  // With a real account the simulated cashier must be asked for by name, never fallen into.
  const provider = (env.PAY_PROVIDER as 'wechatpay' | 'local' | undefined) ?? (localMode ? 'local' : 'wechatpay');
  if (appId && secret && !env.WECHAT_TOKEN) {
    throw new ConfigError('连接真实微信时必须设置 WECHAT_TOKEN（与公众号后台“服务器配置”中的 Token 一致）');
  }
  // Sessions and CSRF tokens are signed with this; a published default would let anyone forge them.
  if (!localMode && (env.SESSION_SECRET ?? '').length < 32) {
    throw new ConfigError('连接真实微信时必须设置 SESSION_SECRET（至少 32 个字符的随机字符串）');
  }
  // Citizens open these links on their phones, so a real account cannot guess its own address.
  if (!localMode && !env.PUBLIC_BASE_URL) {
    throw new ConfigError('连接真实微信时必须设置 PUBLIC_BASE_URL（H5 页面的公网 https 地址）');
  }
  const filesPerDay = positiveInteger(env, 'UPLOAD_FILES_PER_DAY', 50);
  const mbPerDay = positiveInteger(env, 'UPLOAD_MB_PER_DAY', 100);
  const vault = vaultConfig(env, localMode);
  const storeUrl = env.STORE_URL || undefined;
  if (storeUrl !== undefined && !/^postgres(ql)?:\/\//.test(storeUrl)) {
    throw new ConfigError('STORE_URL 必须是 postgres:// 或 postgresql:// 开头的连接串（不设置则使用 DATA_DIR 中的内置存储）');
  }
  const dataDir = path.resolve(env.DATA_DIR || path.join(projectRoot, 'data'));
  const blobKind = env.BLOB_STORE || 'dir';
  if (blobKind !== 'dir' && blobKind !== 'postgres') throw new ConfigError(`BLOB_STORE 只能是 dir 或 postgres：${env.BLOB_STORE}`);
  if (blobKind === 'postgres' && !storeUrl) throw new ConfigError('BLOB_STORE=postgres 需要同时设置 STORE_URL（上传文件保存在该 PostgreSQL 数据库中）');
  if (blobKind === 'postgres' && env.BLOB_DIR) throw new ConfigError('BLOB_DIR 只用于 BLOB_STORE=dir；BLOB_STORE=postgres 时请去掉 BLOB_DIR');
  const blobs = blobKind === 'postgres' ? { kind: 'postgres' as const } : { kind: 'dir' as const, dir: path.resolve(env.BLOB_DIR || path.join(dataDir, 'uploads')) };
  return Object.freeze({
    port,
    // Local mode signs anyone in (/auth/local), uses public default secrets and hands out stand-in
    // tokens: it stays on this machine unless HOST says otherwise.
    host: env.HOST || (localMode ? '127.0.0.1' : undefined),
    topicsDir: path.resolve(env.TOPICS_DIR || path.join(projectRoot, 'topics')),
    dataDir,
    storeUrl,
    blobs: Object.freeze(blobs),
    publicBaseUrl,
    publicBaseUrlFollowsPort,
    wechat: Object.freeze({
      token: env.WECHAT_TOKEN || 'onestop-local-token',
      appId,
      secret,
      encodingAesKey: aesKey,
      apiBase,
      maxClockSkewS,
    }),
    localMode,
    sessionSecret: env.SESSION_SECRET || 'onestop-local-session-secret-change-me',
    uploadQuota: Object.freeze({ filesPerDay, bytesPerDay: mbPerDay * 1024 * 1024 }),
    corsOrigins: Object.freeze((env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean)) as string[],
    vault,
    wechatEnv,
    connectorSecrets: Object.freeze(Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => /^CONNECTOR_[A-Z0-9_]+$/.test(e[0]) && !!e[1]))),
    notices: Object.freeze({ ratePerSecond: positiveInteger(env, 'NOTICES_RATE_PER_SECOND', 20) }),
    pay: Object.freeze({
      provider,
      mchId: env.WECHATPAY_MCHID || undefined,
      apiV3Key: env.WECHATPAY_APIV3_KEY || undefined,
      serialNo: env.WECHATPAY_SERIAL_NO || undefined,
      privateKeyPath: env.WECHATPAY_PRIVATE_KEY || undefined,
      platformCertPath: env.WECHATPAY_PLATFORM_CERT || undefined,
      notifyUrl: env.WECHATPAY_NOTIFY_URL || undefined,
      apiBase: env.WECHATPAY_API_BASE || undefined,
    }),
  });
}

export interface VaultConfig {
  keys: readonly { id: string; key: Buffer }[];
  indexKey: Buffer;
  /** True for local mode's published development key, which protects nothing. */
  development: boolean;
}

/**
 * Local mode's vault key: derived from a published phrase, so it protects nothing. Its id says so
 * in every ciphertext it writes, and a real account refuses to start with it.
 */
export const DEVELOPMENT_VAULT_KEY_ID = 'dev-local-insecure';
const developmentKey = (what: string) => createHash('sha256').update(`onestop development ${what} - not secret`).digest();
export const DEVELOPMENT_VAULT: VaultConfig = Object.freeze({
  keys: Object.freeze([Object.freeze({ id: DEVELOPMENT_VAULT_KEY_ID, key: developmentKey('vault key') })]),
  indexKey: developmentKey('blind-index key'),
  development: true,
});

/** VAULT_KEYS="<id>:<base64 32 bytes>[,<id>:<base64>…]" (first = active), VAULT_INDEX_KEY="<base64 32 bytes>". */
function vaultConfig(env: NodeJS.ProcessEnv, localMode: boolean): VaultConfig {
  const devKey = DEVELOPMENT_VAULT.keys[0]!.key;
  const devIndex = DEVELOPMENT_VAULT.indexKey;
  if (!env.VAULT_KEYS && !env.VAULT_INDEX_KEY) {
    // Personal data at rest must never be sealed with a key everyone can read.
    if (!localMode) throw new ConfigError('连接真实微信时必须设置 VAULT_KEYS 和 VAULT_INDEX_KEY（个人信息加密密钥，见 docs/bindings.md）');
    return DEVELOPMENT_VAULT;
  }
  const keys: { id: string; key: Buffer }[] = [];
  for (const part of (env.VAULT_KEYS ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=]+)$/.exec(part);
    const key = m ? Buffer.from(m[2]!, 'base64') : undefined;
    if (!m || key?.length !== 32) throw new ConfigError('VAULT_KEYS 的每一项须为“编号:密钥”，编号 1~32 位字母、数字、- 或 _，密钥为 32 字节的 base64（openssl rand -base64 32）');
    if (m[1] === DEVELOPMENT_VAULT_KEY_ID || key.equals(devKey)) throw new ConfigError('VAULT_KEYS 不能使用本地开发密钥');
    if (keys.some((k) => k.id === m[1])) throw new ConfigError(`VAULT_KEYS 中密钥编号“${m[1]}”重复`);
    keys.push(Object.freeze({ id: m[1]!, key }));
  }
  const indexKey = Buffer.from(env.VAULT_INDEX_KEY ?? '', 'base64');
  if (keys.length === 0) throw new ConfigError('设置了 VAULT_INDEX_KEY 就必须同时设置 VAULT_KEYS');
  if (indexKey.length !== 32) throw new ConfigError('VAULT_INDEX_KEY 须为 32 字节的 base64（openssl rand -base64 32）');
  if (indexKey.equals(devIndex)) throw new ConfigError('VAULT_INDEX_KEY 不能使用本地开发密钥');
  return Object.freeze({ keys: Object.freeze(keys), indexKey, development: false });
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} 必须是正整数：${raw}`);
  return value;
}

/** The config once the server listens: a defaulted base URL follows the port actually bound (PORT=0). */
export function withListeningPort(config: Readonly<Config>, port: number): Readonly<Config> {
  if (!config.publicBaseUrlFollowsPort || config.port === port) return config;
  return Object.freeze({ ...config, port, publicBaseUrl: `http://localhost:${port}` });
}
