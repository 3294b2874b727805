// 线上支付 on the application side: an order per payment attempt, created through the configured
// PaymentProvider, and the one crediting path every provider's notification goes through.
import type { Doc, Store } from '../../store/index.js';

export interface PaymentOrder extends Doc {
  /** out_trade_no: <application number without dashes>P<attempt>, ≤ 32 chars as WeChat Pay requires. */
  applicationNo: string;
  provider: string;
  /** A group's order (一件事): what each part owes of the total, credited to each part once. */
  parts?: Array<{ applicationNo: string; department: string; amountFen: number }>;
  amountFen: number;
  openid: string;
  state: 'created' | 'paid';
  createdAt: string;
  paidAt?: string;
  transactionId?: string;
}

/** Everything unusual about a payment (mismatch, duplicate, unknown order) for the finance check. */
export interface PaymentLogRecord {
  at: string;
  event: 'credited' | 'replayed' | 'amount-mismatch' | 'unknown-order' | 'not-success' | 'forged' | 'paid-twice' | 'refund-due' | 'refunded';
  provider: string;
  orderNo?: string;
  applicationNo?: string;
  amountFen?: number;
  expectedFen?: number;
  transactionId?: string;
  /** For a group order's per-part record: the department whose part was credited. */
  department?: string;
  detail?: string;
}

export const ordersOf = (store: Store) => store.collection<PaymentOrder>('paymentOrders', { indexes: ['applicationNo'] });
export const paymentLog = (store: Store) => store.log<PaymentLogRecord>('payments');

/** JJ202611220007P2 → JJ-20261122-0007 (for the cashier's "返回" link); undefined for other orders. */
export function applicationNoFromOrderNo(orderNo: string): string | undefined {
  const m = /^([A-Z]{1,4})(\d{8})(\d{4,})P\d+$/.exec(orderNo);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}
