// What WeChat Pay does on its side, for tests: sign as the platform, encrypt notification resources.
import { createCipheriv, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

export const API_V3_KEY = 'abcdefghijABCDEFGHIJ0123456789xy'; // 32 bytes
export const MCH_ID = '1900009191';
export const APP_ID = 'wxd678efh567hg6787';

export function rsaKeys(): { privateKey: KeyObject; publicKey: KeyObject; privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    publicKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function sign(key: KeyObject, lines: string[]): string {
  return createSign('RSA-SHA256').update(lines.map((l) => `${l}\n`).join('')).sign(key, 'base64');
}

/** Headers WeChat Pay puts on a reply or notification signed with the platform key. */
export function platformHeaders(key: KeyObject, body: string, timestampS: number, serial = 'PUB_KEY_ID_TEST'): Record<string, string> {
  const nonce = randomBytes(16).toString('hex');
  return {
    'wechatpay-timestamp': String(timestampS),
    'wechatpay-nonce': nonce,
    'wechatpay-serial': serial,
    'wechatpay-signature': sign(key, [String(timestampS), nonce, body]),
  };
}

export function encryptResource(plaintext: string, key = API_V3_KEY) {
  const nonce = randomBytes(6).toString('hex'); // 12 ASCII chars, as WeChat Pay sends
  const associated_data = 'transaction';
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associated_data, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: data.toString('base64'), nonce, associated_data, original_type: 'transaction' };
}

/** The decrypted transaction of a TRANSACTION.SUCCESS notification (official sample fields). */
export function transaction(overrides: Record<string, unknown> = {}) {
  return {
    mchid: MCH_ID,
    appid: APP_ID,
    out_trade_no: 'SQ20250303000001',
    transaction_id: '4200000000202503030000000001',
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    bank_type: 'OTHERS',
    attach: '',
    success_time: '2025-03-03T10:00:05+08:00',
    payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    amount: { total: 5000, payer_total: 5000, currency: 'CNY', payer_currency: 'CNY' },
    ...overrides,
  };
}

export function notificationBody(resource: ReturnType<typeof encryptResource>): string {
  return JSON.stringify({
    id: 'EV-2018022511223320873',
    create_time: '2025-03-03T10:00:06+08:00',
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource,
  });
}
