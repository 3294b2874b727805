// WeChat Pay API v3, JSAPI (in-WeChat H5) payments: order creation and payment notifications.
import { randomBytes, type KeyObject } from 'node:crypto';
import { UnauthorizedError, ValidationError, WechatApiError } from '../../errors.js';
import {
  checkOrderInput,
  headerValue,
  type NotificationHeaders,
  type PaymentProvider,
} from './payment-provider.js';
import { buildAuthorization, decryptResource, loadPrivateKey, loadPublicKey, signLines, verifyLines } from './wechatpay-signing.js';

export const DEFAULT_WECHATPAY_API_BASE = 'https://api.mch.weixin.qq.com';
const JSAPI_PATH = '/v3/pay/transactions/jsapi';
/** Notifications older or newer than this are refused as replays (wechatpay-go uses the same window). */
const MAX_SKEW_MS = 5 * 60_000;

export interface WechatPayOptions {
  mchId: string;
  /** The official account's AppID the payer's openid belongs to. */
  appId: string;
  /** 32-byte APIv3 key set in the merchant console. */
  apiV3Key: string;
  /** Serial number of the merchant API certificate whose private key is privateKeyPem. */
  serialNo: string;
  privateKeyPem: string;
  /** WeChat Pay public key (or a single platform certificate); pair with platformPublicKeyId to pin its id. */
  platformPublicKeyPem?: string;
  platformPublicKeyId?: string;
  /** Platform certificates (or public keys) by the serial WeChat Pay sends in Wechatpay-Serial. */
  platformCerts?: Record<string, string>;
  notifyUrl: string;
  apiBase?: string;
  /** ms epoch */
  clock?: () => number;
  timeoutMs?: number;
}

interface Transaction {
  appid?: string;
  mchid?: string;
  out_trade_no?: string;
  transaction_id?: string;
  trade_state?: string;
  success_time?: string;
  payer?: { openid?: string };
  amount?: { total?: number };
}

const refuse = (message: string, reason: string) => new UnauthorizedError(message, { reason });
const nonce = () => randomBytes(16).toString('hex').toUpperCase();

export function createWechatPayProvider(opts: WechatPayOptions): PaymentProvider {
  if (Buffer.byteLength(opts.apiV3Key, 'utf8') !== 32) throw new ValidationError('WECHATPAY_APIV3_KEY 必须是 32 字节');
  const clock = opts.clock ?? Date.now;
  const base = (opts.apiBase ?? DEFAULT_WECHATPAY_API_BASE).replace(/\/+$/, '');
  const privateKey = loadPrivateKey(opts.privateKeyPem);
  const platformKeys = new Map<string, KeyObject>(
    Object.entries(opts.platformCerts ?? {}).map(([serial, pem]) => [serial.toUpperCase(), loadPublicKey(pem)]),
  );
  const defaultKey = opts.platformPublicKeyPem ? loadPublicKey(opts.platformPublicKeyPem) : undefined;
  if (defaultKey && opts.platformPublicKeyId) platformKeys.set(opts.platformPublicKeyId.toUpperCase(), defaultKey);
  if (!defaultKey && platformKeys.size === 0) throw new ValidationError('缺少微信支付平台证书或微信支付公钥');

  function keyFor(serial: string | undefined): KeyObject | undefined {
    const pinned = serial ? platformKeys.get(serial.toUpperCase()) : undefined;
    // An unpinned single key accepts any serial; a pinned set never falls back.
    return pinned ?? (opts.platformPublicKeyId ? undefined : defaultKey);
  }

  /** Verifies a WeChat Pay signature over a reply or notification body. */
  function verified(headers: NotificationHeaders, body: string, what: string, checkTime: boolean): void {
    const timestamp = headerValue(headers, 'Wechatpay-Timestamp');
    const nonceStr = headerValue(headers, 'Wechatpay-Nonce');
    const signature = headerValue(headers, 'Wechatpay-Signature');
    if (!timestamp || !nonceStr || !signature) throw refuse(`${what}缺少微信支付签名头`, 'missing-signature');
    if (checkTime && !(Math.abs(clock() - Number(timestamp) * 1000) <= MAX_SKEW_MS)) {
      throw refuse(`${what}的时间戳 ${timestamp} 与服务器时间相差超过 5 分钟，已拒绝（可能是重放）`, 'stale-timestamp');
    }
    const key = keyFor(headerValue(headers, 'Wechatpay-Serial'));
    if (!key) throw refuse(`${what}的平台证书序列号未知，请更新 WECHATPAY_PLATFORM_CERT`, 'unknown-serial');
    if (!verifyLines(key, [timestamp, nonceStr, body], signature)) {
      throw refuse(`${what}的签名校验失败，已拒绝`, 'bad-signature');
    }
  }

  return {
    name: 'wechatpay',

    async createOrder(input) {
      checkOrderInput(input);
      const body = JSON.stringify({
        appid: opts.appId,
        mchid: opts.mchId,
        description: input.description,
        out_trade_no: input.orderNo,
        notify_url: opts.notifyUrl,
        amount: { total: input.amountFen, currency: 'CNY' },
        payer: { openid: input.openid },
      });
      const authorization = buildAuthorization({
        mchId: opts.mchId,
        serialNo: opts.serialNo,
        privateKey,
        method: 'POST',
        url: JSAPI_PATH,
        body,
        timestamp: String(Math.floor(clock() / 1000)),
        nonce: nonce(),
      });
      let res: Response;
      try {
        res = await fetch(`${base}${JSAPI_PATH}`, {
          method: 'POST',
          headers: {
            Authorization: authorization,
            Accept: 'application/json',
            'Content-Type': 'application/json',
            // WeChat Pay v3 refuses requests without a User-Agent.
            'User-Agent': 'onestop (node)',
          },
          body,
          signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        });
      } catch (err) {
        throw new WechatApiError(`无法访问微信支付 ${base}：${(err as Error).message}`, -1, (err as Error).message);
      }
      const text = await res.text();
      if (!res.ok) {
        const { code = 'UNKNOWN', message = text } = safeJson<{ code?: string; message?: string }>(text) ?? {};
        throw new WechatApiError(`微信支付下单失败（${code}）：${message}`, res.status, `${code}: ${message}`);
      }
      const replyHeaders: Record<string, string> = {};
      res.headers.forEach((value, key) => (replyHeaders[key] = value));
      // Replies are signed too; checking them stops a spoofed endpoint from handing out its own prepay_id.
      verified(replyHeaders, text, '微信支付下单应答', false);
      const prepayId = safeJson<{ prepay_id?: string }>(text)?.prepay_id;
      if (!prepayId) throw new WechatApiError('微信支付下单应答缺少 prepay_id', res.status, text);
      const params = {
        appId: opts.appId,
        timeStamp: String(Math.floor(clock() / 1000)),
        nonceStr: nonce(),
        package: `prepay_id=${prepayId}`,
        signType: 'RSA' as const,
      };
      const paySign = signLines(privateKey, [params.appId, params.timeStamp, params.nonceStr, params.package]);
      return { kind: 'jsapi', params: { ...params, paySign } };
    },

    async parseNotification(headers, rawBody) {
      const text = rawBody.toString('utf8');
      verified(headers, text, '支付通知', true);
      const envelope = safeJson<{ resource?: { algorithm?: string; ciphertext?: string; nonce?: string; associated_data?: string } }>(text);
      const { algorithm, ciphertext, nonce: iv, associated_data } = envelope?.resource ?? {};
      if (algorithm !== 'AEAD_AES_256_GCM' || !ciphertext || !iv) {
        throw new ValidationError('支付通知格式无效：缺少加密的 resource', { reason: 'bad-envelope' });
      }
      let tx: Transaction | undefined;
      try {
        tx = safeJson<Transaction>(decryptResource({ algorithm, ciphertext, nonce: iv, associated_data }, opts.apiV3Key));
      } catch {
        throw refuse('支付通知解密失败（密文被篡改或 APIv3 密钥不符），已拒绝', 'decrypt-failed');
      }
      if (!tx) throw refuse('支付通知解密后不是有效的 JSON', 'decrypt-failed');
      if (tx.mchid !== opts.mchId || tx.appid !== opts.appId) {
        throw refuse(`支付通知属于其他商户或公众号（mchid ${tx.mchid}, appid ${tx.appid}），已拒绝`, 'wrong-merchant');
      }
      const total = tx.amount?.total;
      if (!tx.out_trade_no || !tx.transaction_id || !tx.trade_state || typeof total !== 'number') {
        throw new ValidationError('支付通知缺少订单号、交易号、状态或金额', { reason: 'bad-transaction' });
      }
      return {
        orderNo: tx.out_trade_no,
        transactionId: tx.transaction_id,
        amountFen: total,
        tradeState: tx.trade_state,
        ...(tx.success_time ? { successTime: tx.success_time } : {}),
        ...(tx.payer?.openid ? { openid: tx.payer.openid } : {}),
      };
    },
  };
}

function safeJson<T>(text: string): T | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}
