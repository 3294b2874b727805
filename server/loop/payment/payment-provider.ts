// What the payment step asks of a payment service. Two implementations: WeChat Pay v3 JSAPI
// (wechatpay-provider.ts) and a local simulated cashier (local-payment-provider.ts) for running
// the sample city without a merchant account. The loop credits an application only from a
// PaymentNotification that parseNotification has verified.
import type { IncomingHttpHeaders } from 'node:http';
import { ValidationError } from '../../errors.js';

export interface CreateOrderInput {
  /** Our order number (WeChat's out_trade_no): 6–32 letters, digits, _ - | *. */
  orderNo: string;
  description: string;
  amountFen: number;
  openid: string;
}

/** What the H5 page passes to WeixinJSBridge.invoke('getBrandWCPayRequest', params). */
export interface JsapiPayParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

export type CreatedOrder = { kind: 'jsapi'; params: JsapiPayParams } | { kind: 'local'; cashierUrl: string };

/** A verified payment result. WeChat Pay may deliver the same one several times. */
export interface PaymentNotification {
  orderNo: string;
  transactionId: string;
  /** The order total in fen (amount.total), not what the payer paid after coupons. */
  amountFen: number;
  /** SUCCESS, REFUND, NOTPAY, CLOSED, REVOKED, USERPAYING, PAYERROR. Only SUCCESS credits an order. */
  tradeState: string;
  /** RFC 3339, e.g. 2018-06-08T10:34:56+08:00. */
  successTime?: string;
  openid?: string;
}

export type NotificationHeaders = IncomingHttpHeaders | Record<string, string | string[] | undefined>;

export interface PaymentProvider {
  readonly name: 'local' | 'wechatpay';
  createOrder(input: CreateOrderInput): Promise<CreatedOrder>;
  /** Verifies and decodes a notification; throws UnauthorizedError when forged, stale or undecryptable. */
  parseNotification(headers: NotificationHeaders, rawBody: Buffer): Promise<PaymentNotification>;
}

const ORDER_NO = /^[A-Za-z0-9_\-|*]{6,32}$/;

/** The same input rules WeChat Pay applies, checked before any request leaves the server. */
export function checkOrderInput(input: CreateOrderInput): void {
  if (!ORDER_NO.test(input.orderNo)) {
    throw new ValidationError(`订单号“${input.orderNo}”无效：应为 6~32 位字母、数字或 _-|*`);
  }
  if (!Number.isInteger(input.amountFen) || input.amountFen <= 0) {
    throw new ValidationError(`订单 ${input.orderNo} 的金额无效：应为正整数（单位：分），收到 ${input.amountFen}`);
  }
  if (!input.description || [...input.description].length > 127) {
    throw new ValidationError(`订单 ${input.orderNo} 的商品描述应为 1~127 个字符`);
  }
  if (!input.openid) throw new ValidationError(`订单 ${input.orderNo} 缺少付款人 openid`);
}

/**
 * For the loop's recordPayment: a notification whose amount differs from the order is never
 * credited (a tampered order or a notification for another order with the same number).
 */
export function assertAmountMatches(notification: PaymentNotification, expectedFen: number): void {
  if (notification.amountFen !== expectedFen) {
    const yuan = (fen: number) => (fen / 100).toFixed(2);
    throw new ValidationError(
      `订单 ${notification.orderNo} 的支付金额 ${yuan(notification.amountFen)} 元与应付金额 ${yuan(expectedFen)} 元不符，未入账`,
      { orderNo: notification.orderNo, paidFen: notification.amountFen, expectedFen },
    );
  }
}

/** Header lookup that works for node's lower-cased headers and hand-built objects alike. */
export function headerValue(headers: NotificationHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
