// The local simulated cashier: stands where WeChat Pay would be when no merchant account is set
// (PAY_PROVIDER=local). It keeps its own orders, like WeChat Pay does, and its notifications are
// HMAC-signed JSON, so the loop's notify -> parseNotification -> credit path runs as in production.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '../../errors.js';
import type { Doc, Store } from '../../store/index.js';
import {
  checkOrderInput,
  headerValue,
  type NotificationHeaders,
  type PaymentNotification,
  type PaymentProvider,
} from './payment-provider.js';

export interface LocalPayOrder extends Doc {
  /** = orderNo */
  id: string;
  description: string;
  amountFen: number;
  openid: string;
  createdAt: string;
  /** Set once the citizen pressed 确认支付; repeated confirmations reuse it. */
  transactionId?: string;
  paidAt?: string;
}

export interface SignedNotification {
  headers: Record<string, string>;
  rawBody: Buffer;
}

export interface LocalPaymentProvider extends PaymentProvider {
  readonly name: 'local';
  getOrder(orderNo: string): Promise<LocalPayOrder | undefined>;
  /** Marks the order paid (once) and returns the notification the cashier would send. */
  pay(orderNo: string): Promise<SignedNotification>;
}

export interface LocalPaymentOptions {
  publicBaseUrl: string;
  /** HMAC key for notifications; derive it from SESSION_SECRET. */
  secret: string;
  store: Store;
  /** ms epoch */
  clock?: () => number;
}

const MAX_SKEW_MS = 5 * 60_000;
export const LOCAL_PAY_HEADERS = {
  timestamp: 'X-Local-Pay-Timestamp',
  nonce: 'X-Local-Pay-Nonce',
  signature: 'X-Local-Pay-Signature',
} as const;

export function createLocalPaymentProvider(opts: LocalPaymentOptions): LocalPaymentProvider {
  const clock = opts.clock ?? Date.now;
  const base = opts.publicBaseUrl.replace(/\/+$/, '');
  const orders = opts.store.collection<LocalPayOrder>('local-pay-orders');
  const mac = (lines: string[]) =>
    createHmac('sha256', opts.secret).update(lines.map((l) => `${l}\n`).join('')).digest('base64');

  function sign(body: string): SignedNotification {
    const timestamp = String(Math.floor(clock() / 1000));
    const nonce = randomBytes(16).toString('hex');
    return {
      headers: {
        [LOCAL_PAY_HEADERS.timestamp]: timestamp,
        [LOCAL_PAY_HEADERS.nonce]: nonce,
        [LOCAL_PAY_HEADERS.signature]: mac([timestamp, nonce, body]),
        'Content-Type': 'application/json',
      },
      rawBody: Buffer.from(body, 'utf8'),
    };
  }

  return {
    name: 'local',

    async createOrder(input) {
      checkOrderInput(input);
      const cashierUrl = `${base}/pay/local/${encodeURIComponent(input.orderNo)}`;
      const existing = await orders.get(input.orderNo);
      if (existing) {
        // Like WeChat Pay: the same order may be placed again, a different one under the same number may not.
        if (existing.amountFen !== input.amountFen || existing.openid !== input.openid) {
          throw new ConflictError(`订单号 ${input.orderNo} 已用于另一笔金额或付款人不同的订单`);
        }
        return { kind: 'local', cashierUrl };
      }
      await orders.insert({
        id: input.orderNo,
        description: input.description,
        amountFen: input.amountFen,
        openid: input.openid,
        createdAt: new Date(clock()).toISOString(),
      });
      return { kind: 'local', cashierUrl };
    },

    getOrder: (orderNo) => orders.get(orderNo),

    async pay(orderNo) {
      if (!(await orders.get(orderNo))) throw new NotFoundError(`模拟收银台中没有订单 ${orderNo}`);
      const order = await orders.update(orderNo, (o) =>
        o.transactionId
          ? o
          : { ...o, transactionId: `LOCAL${randomUUID().replace(/-/g, '').toUpperCase()}`, paidAt: new Date(clock()).toISOString() },
      );
      const notification: PaymentNotification = {
        orderNo,
        transactionId: order.transactionId!,
        amountFen: order.amountFen,
        tradeState: 'SUCCESS',
        successTime: order.paidAt!,
        openid: order.openid,
      };
      return sign(JSON.stringify(notification));
    },

    async parseNotification(headers: NotificationHeaders, rawBody: Buffer) {
      const timestamp = headerValue(headers, LOCAL_PAY_HEADERS.timestamp);
      const nonce = headerValue(headers, LOCAL_PAY_HEADERS.nonce);
      const signature = headerValue(headers, LOCAL_PAY_HEADERS.signature);
      if (!timestamp || !nonce || !signature) {
        throw new UnauthorizedError('支付通知缺少模拟收银台签名头', { reason: 'missing-signature' });
      }
      if (!(Math.abs(clock() - Number(timestamp) * 1000) <= MAX_SKEW_MS)) {
        throw new UnauthorizedError(`支付通知的时间戳 ${timestamp} 与服务器时间相差超过 5 分钟，已拒绝`, { reason: 'stale-timestamp' });
      }
      const expected = Buffer.from(mac([timestamp, nonce, rawBody.toString('utf8')]));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
        throw new UnauthorizedError('支付通知的签名校验失败，已拒绝', { reason: 'bad-signature' });
      }
      let n: Partial<PaymentNotification>;
      try {
        n = JSON.parse(rawBody.toString('utf8')) as Partial<PaymentNotification>;
      } catch {
        throw new ValidationError('支付通知不是有效的 JSON', { reason: 'bad-envelope' });
      }
      if (typeof n.orderNo !== 'string' || typeof n.transactionId !== 'string' || typeof n.amountFen !== 'number' || typeof n.tradeState !== 'string') {
        throw new ValidationError('支付通知缺少订单号、交易号、状态或金额', { reason: 'bad-transaction' });
      }
      return {
        orderNo: n.orderNo,
        transactionId: n.transactionId,
        amountFen: n.amountFen,
        tradeState: n.tradeState,
        ...(typeof n.successTime === 'string' ? { successTime: n.successTime } : {}),
        ...(typeof n.openid === 'string' ? { openid: n.openid } : {}),
      };
    },
  };
}
