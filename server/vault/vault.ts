// Field encryption at rest: AES-256-GCM with a random 96-bit IV per value, the key id written into
// every ciphertext (so keys can rotate: new writes use the active key, old ones still open), and a
// context string as additional authenticated data, so a ciphertext copied into another record or
// field does not open there. Blind indexes are HMAC-SHA256 under a separate key that never rotates
// with the encryption keys: a record stays findable by its key without the key being stored in clear.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { VaultError } from './vault-error.js';

export interface VaultKey {
  /** Short id stored with each ciphertext: letters, digits, '-' and '_'. */
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

export interface VaultOptions {
  /** The first key encrypts new values; every key listed decrypts. */
  keys: readonly VaultKey[];
  /** 32 bytes for blind indexes (HMAC-SHA256). */
  indexKey: Buffer;
}

export interface Vault {
  /** The id new values are sealed with. */
  readonly activeKeyId: string;
  /** `v1.<keyId>.<base64url(iv | ciphertext | tag)>` */
  seal(plaintext: string, context: string): string;
  /** Throws VaultError when the key is unknown, the value was changed or the context differs. */
  open(sealed: string, context: string): string;
  isSealed(value: unknown): value is string;
  /** The key id a sealed value was written with (for re-encryption after a rotation). */
  keyIdOf(sealed: string): string | undefined;
  /** Keyed HMAC-SHA256 (hex) of value for one purpose; equal inputs give equal indexes. */
  blindIndex(purpose: string, value: string): string;
}

const PREFIX = 'v1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const SEALED = /^v1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]+)$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function createVault(options: VaultOptions): Vault {
  if (options.keys.length === 0) throw new VaultError('至少需要一个加密密钥');
  const keys = new Map<string, Buffer>();
  for (const { id, key } of options.keys) {
    if (!KEY_ID.test(id)) throw new VaultError(`密钥编号“${id}”只能由 1~32 位字母、数字、- 或 _ 组成`);
    if (key.length !== 32) throw new VaultError(`密钥“${id}”必须是 32 字节（AES-256）`);
    if (keys.has(id)) throw new VaultError(`密钥编号“${id}”重复`);
    keys.set(id, key);
  }
  if (options.indexKey.length !== 32) throw new VaultError('索引密钥必须是 32 字节');
  const active = options.keys[0]!;
  const indexKey = options.indexKey;

  return {
    activeKeyId: active.id,
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', active.key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `${PREFIX}.${active.id}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
    },
    open(sealed, context) {
      const m = SEALED.exec(sealed);
      if (!m) throw new VaultError('不是加密后的值');
      const key = keys.get(m[1]!);
      if (!key) throw new VaultError(`没有编号为“${m[1]}”的解密密钥（密钥轮换后旧密钥须保留在 VAULT_KEYS 中）`);
      const raw = Buffer.from(m[2]!, 'base64url');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new VaultError('密文已损坏');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new VaultError('密文校验失败（被改动、密钥不符或不属于这条记录）');
      }
    },
    isSealed: (value): value is string => typeof value === 'string' && SEALED.test(value),
    keyIdOf: (sealed) => SEALED.exec(sealed)?.[1],
    blindIndex: (purpose, value) => createHmac('sha256', indexKey).update(`${purpose}\n${value}`, 'utf8').digest('hex'),
  };
}
