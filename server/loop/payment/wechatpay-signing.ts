// WeChat Pay API v3 cryptography with node:crypto only. Formats follow the official v3 docs as
// implemented by wechatpay-go (core/auth) and wechatpay-node-v3:
// - request signature: RSA-SHA256 over "METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n", sent as
//   Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"
// - JSAPI paySign: RSA-SHA256 over "appId\ntimeStamp\nnonceStr\nprepay_id=…\n"
// - responses and notifications: RSA-SHA256 over "TIMESTAMP\nNONCE\nBODY\n" with the platform key
// - notification resource: AEAD_AES_256_GCM, key = APIv3 key, 16-byte tag at the end of the ciphertext
import { createDecipheriv, createPrivateKey, createPublicKey, createSign, createVerify, X509Certificate, type KeyObject } from 'node:crypto';

/** Signs the lines joined by "\n" with a trailing "\n"; returns base64. */
export function signLines(privateKey: KeyObject, lines: readonly string[]): string {
  return createSign('RSA-SHA256').update(lines.map((l) => `${l}\n`).join('')).sign(privateKey, 'base64');
}

export function verifyLines(publicKey: KeyObject, lines: readonly string[], signature: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(lines.map((l) => `${l}\n`).join('')).verify(publicKey, signature, 'base64');
  } catch {
    return false;
  }
}

export interface AuthorizationInput {
  mchId: string;
  serialNo: string;
  privateKey: KeyObject;
  method: string;
  /** Path and query as WeChat Pay sees it, e.g. /v3/pay/transactions/jsapi. */
  url: string;
  body: string;
  timestamp: string;
  nonce: string;
}

export function buildAuthorization(a: AuthorizationInput): string {
  const signature = signLines(a.privateKey, [a.method, a.url, a.timestamp, a.nonce, a.body]);
  return (
    `WECHATPAY2-SHA256-RSA2048 mchid="${a.mchId}",nonce_str="${a.nonce}",` +
    `signature="${signature}",timestamp="${a.timestamp}",serial_no="${a.serialNo}"`
  );
}

export interface EncryptedResource {
  algorithm: string;
  ciphertext: string;
  nonce: string;
  associated_data?: string;
}

/** Decrypts a notification resource; throws when the key, nonce, data or tag do not match. */
export function decryptResource(resource: EncryptedResource, apiV3Key: string): string {
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length < 17) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(resource.nonce, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}

export function loadPrivateKey(pem: string): KeyObject {
  return createPrivateKey(pem);
}

/** A platform certificate (older merchants) or a WeChat Pay public key (微信支付公钥, newer merchants). */
export function loadPublicKey(pem: string): KeyObject {
  return pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
}

/** The serial WeChat Pay puts in Wechatpay-Serial for a platform certificate (upper-case hex). */
export function certificateSerial(pem: string): string | undefined {
  return pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).serialNumber.toUpperCase() : undefined;
}
