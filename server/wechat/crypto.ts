// WXBizMsgCrypt, the safe-mode (安全模式) cipher of docs/wechat.md §3:
// AES-256-CBC, key = base64(EncodingAESKey + '='), IV = key[0..16), PKCS#7 to 32-byte blocks,
// plaintext = random16 ‖ uint32be byte length ‖ msg ‖ appid.
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { AppError } from '../errors.js';
import { msgSignature, verifyMsgSignature } from './signature.js';

/** The official sample's error codes, so logs read like WeChat's own documentation. */
export const WX_CRYPT_ERRORS = {
  ValidateSignature: -40001,
  ParseXml: -40002,
  ComputeSignature: -40003,
  IllegalAesKey: -40004,
  ValidateAppid: -40005,
  EncryptAES: -40006,
  DecryptAES: -40007,
  IllegalBuffer: -40008,
  EncodeBase64: -40009,
  DecodeBase64: -40010,
  GenReturnXml: -40011,
} as const;
export type WxCryptErrorName = keyof typeof WX_CRYPT_ERRORS;

export class WechatCryptoError extends AppError {
  override readonly code = 'WECHAT_CRYPTO';
  readonly wxCode: number;
  constructor(
    readonly reason: WxCryptErrorName,
    message: string,
  ) {
    super(message, { wxCode: WX_CRYPT_ERRORS[reason], reason });
    this.wxCode = WX_CRYPT_ERRORS[reason];
  }
}

const BLOCK = 32;

// Every safe-mode reply needs 20 random bytes (the 16-byte prefix and the nonce). One call into
// the system's CSPRNG per 4 KB instead of two per reply: each call costs about as much as the
// cipher itself. Bytes are handed out once and never reused.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolAt = 0;

/** `size` fresh random bytes (a copy: callers may keep them). */
export function randomBytesFromPool(size: number): Buffer {
  if (size > POOL_BYTES) return randomFillSync(Buffer.alloc(size));
  if (poolAt + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    poolAt = 0;
  }
  const out = Buffer.from(pool.subarray(poolAt, poolAt + size));
  poolAt += size;
  return out;
}

export interface Decrypted {
  message: string;
  appId: string;
  random: Buffer;
}

export interface EncryptedEnvelope {
  encrypt: string;
  signature: string;
  timestamp: string;
  nonce: string;
}

export interface MsgCrypt {
  /** Base64 ciphertext of msg; random16 is injectable for the published test vectors. */
  encrypt(message: string, random16?: Buffer): string;
  /** Decrypts and checks the trailing appid. */
  decrypt(encrypt: string): Decrypted;
  /** Checks msg_signature over Encrypt, then decrypts. */
  verifyAndDecrypt(signature: unknown, timestamp: unknown, nonce: unknown, encrypt: string): string;
  /** Encrypts a reply and signs it with a fresh (or given) timestamp and nonce. */
  sealReply(xml: string, options?: { timestamp?: string; nonce?: string; random16?: Buffer }): EncryptedEnvelope;
}

export function createMsgCrypt(options: { token: string; encodingAesKey: string; appId: string }): MsgCrypt {
  const { token, appId } = options;
  const key = Buffer.from(`${options.encodingAesKey}=`, 'base64');
  if (options.encodingAesKey.length !== 43 || key.length !== 32) {
    throw new WechatCryptoError('IllegalAesKey', 'EncodingAESKey 必须是 43 位，且 Base64 解码后为 32 字节');
  }
  const iv = key.subarray(0, 16);
  const appIdBytes = Buffer.from(appId, 'utf8');

  function encrypt(message: string, random16: Buffer = randomBytesFromPool(16)): string {
    if (random16.length !== 16) throw new WechatCryptoError('EncryptAES', '随机串必须是 16 字节');
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length, 0);
    const unpadded = 16 + 4 + body.length + appIdBytes.length;
    const pad = BLOCK - (unpadded % BLOCK);
    const plain = Buffer.concat([random16, length, body, appIdBytes, Buffer.alloc(pad, pad)]);
    const cipher = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
  }

  function decrypt(encrypted: string): Decrypted {
    const data = Buffer.from(encrypted, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) throw new WechatCryptoError('DecodeBase64', 'Encrypt 不是有效的 Base64 密文');
    let plain: Buffer;
    try {
      // Auto padding must stay off: WeChat pads to 32 bytes and OpenSSL rejects pads above 16.
      const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
      plain = Buffer.concat([decipher.update(data), decipher.final()]);
    } catch {
      throw new WechatCryptoError('DecryptAES', 'AES 解密失败');
    }
    let pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > BLOCK) pad = 0; // lenient, as the official decoders are
    const content = plain.subarray(16, plain.length - pad);
    if (content.length < 4) throw new WechatCryptoError('IllegalBuffer', '解密后的数据过短');
    const length = content.readUInt32BE(0);
    if (4 + length > content.length) throw new WechatCryptoError('IllegalBuffer', '解密后的消息长度不正确');
    const message = content.subarray(4, 4 + length).toString('utf8');
    const tail = content.subarray(4 + length).toString('utf8');
    if (tail !== appId) throw new WechatCryptoError('ValidateAppid', `消息的 AppID（${tail}）与本公众号不符`);
    return { message, appId: tail, random: Buffer.from(plain.subarray(0, 16)) };
  }

  return {
    encrypt,
    decrypt,
    verifyAndDecrypt(signature, timestamp, nonce, encrypted) {
      if (!verifyMsgSignature(token, timestamp, nonce, encrypted, signature)) {
        throw new WechatCryptoError('ValidateSignature', '加密消息签名校验失败');
      }
      return decrypt(encrypted).message;
    },
    sealReply(xml, opts = {}) {
      const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
      const nonce = opts.nonce ?? String(randomBytesFromPool(4).readUInt32BE(0));
      const encrypted = encrypt(xml, opts.random16);
      return { encrypt: encrypted, signature: msgSignature(token, timestamp, nonce, encrypted), timestamp, nonce };
    },
  };
}
