// Crediting a payment notification. Providers retry, so the same notification may arrive many
// times: the application is credited once, later copies are acknowledged and change nothing.
// A forged notification never gets here (parseNotification throws); an amount that is not
// exactly the order's is refused and logged, and the application stays unpaid. The application
// is written before the order, so a failure between the two writes is repaired by the retry.
import { AppError, NotFoundError, UnauthorizedError } from '../../errors.js';
import { clockOf, type ApplicationDeps, type PaymentNotification } from './payment-deps.js';
import { applicationsOf } from '../applications/application-access.js';
import { ordersOf, paymentLog, type PaymentOrder } from './payment-orders.js';
import { logRefundDue } from './record-refund.js';

export type CreditOutcome = 'credited' | 'replayed' | 'ignored';

export class AmountMismatchError extends AppError {
  override readonly code = 'AMOUNT_MISMATCH';
  readonly status = 400;
}

export async function receiveNotification(
  deps: ApplicationDeps,
  provider: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: Buffer,
): Promise<CreditOutcome> {
  if (provider !== deps.pay.name) throw new NotFoundError(`支付渠道不存在：${provider}`);
  let note: PaymentNotification;
  try {
    note = await deps.pay.parseNotification(headers, rawBody);
  } catch (err) {
    paymentLog(deps.store).append({ at: clockOf(deps).toISOString(), event: 'forged', provider, detail: (err as Error).message });
    if (err instanceof AppError) throw err;
    throw new UnauthorizedError('支付通知验签失败');
  }
  return creditPayment(deps, note);
}

/** The one crediting path (notifications and the local cashier's confirmation both end here). */
export async function creditPayment(deps: ApplicationDeps, note: PaymentNotification): Promise<CreditOutcome> {
  const provider = deps.pay.name;
  const at = clockOf(deps).toISOString();
  const log = paymentLog(deps.store);
  const base = { at, provider, orderNo: note.orderNo, amountFen: note.amountFen, transactionId: note.transactionId };
  if (note.tradeState !== 'SUCCESS') {
    log.append({ ...base, event: 'not-success', detail: note.tradeState });
    return 'ignored';
  }
  return deps.store.withLock(`payment-order:${note.orderNo}`, async () => {
    const orders = ordersOf(deps.store);
    const order = await orders.get(note.orderNo);
    if (!order) {
      log.append({ ...base, event: 'unknown-order' });
      throw new NotFoundError(`支付订单不存在：${note.orderNo}`);
    }
    const logged = { ...base, applicationNo: order.applicationNo, expectedFen: order.amountFen };
    if (order.state === 'paid') {
      // The application is written before the order, so a paid order normally means a credited
      // application; re-crediting here (idempotent on the order number) heals records left by a
      // write that failed in between.
      const healed = (await creditOrder(deps, order, note, at)) === 'credited';
      log.append({ ...logged, event: healed ? 'credited' : 'replayed', ...(healed ? { detail: '重放时补记办件缴费' } : {}) });
      return healed ? 'credited' : 'replayed';
    }
    if (!Number.isInteger(note.amountFen) || note.amountFen !== order.amountFen) {
      log.append({ ...logged, event: 'amount-mismatch' });
      throw new AmountMismatchError(`支付金额不符：订单 ${order.amountFen} 分，通知 ${note.amountFen} 分`, { orderNo: note.orderNo });
    }
    // Application first, order second: if the order write fails, the provider's retry finds the
    // order unpaid and runs this again, and creditApplication recognises its own earlier credit.
    const outcome = await creditOrder(deps, order, note, at);
    await orders.update(order.id, (o) => ({ ...o, state: 'paid', paidAt: note.successTime ?? at, transactionId: note.transactionId }));
    if (outcome === 'stale') {
      log.append({ ...logged, event: 'amount-mismatch', detail: `订单金额与办件当前应缴金额（${order.applicationNo}）不符：办件未记为已缴，款项需退还` });
    } else {
      log.append({ ...logged, event: outcome === 'other-order' ? 'paid-twice' : 'credited' });
    }
    return 'credited';
  });
}

type ApplicationCredit = 'credited' | 'already' | 'other-order' | 'stale';

/**
 * A single application's order credits that application; a group's order credits each part with
 * its own share, each once (the same idempotence per part), with one log record per part and
 * department. The first unusual outcome of a part (stale, paid by another order) is the order's.
 */
async function creditOrder(deps: ApplicationDeps, order: PaymentOrder, note: PaymentNotification, at: string): Promise<ApplicationCredit> {
  if (!order.parts) return creditApplication(deps, order, note, at);
  const outcomes: ApplicationCredit[] = [];
  for (const part of order.parts) {
    const outcome = await creditApplication(deps, { ...order, applicationNo: part.applicationNo, amountFen: part.amountFen }, note, at);
    outcomes.push(outcome);
    if (outcome === 'credited') {
      paymentLog(deps.store).append({ at, event: 'credited', provider: order.provider, orderNo: order.id, applicationNo: part.applicationNo, department: part.department, amountFen: part.amountFen, transactionId: note.transactionId, detail: `一件事 ${order.applicationNo} 合并缴费` });
    }
  }
  return outcomes.find((o) => o === 'stale' || o === 'other-order') ?? (outcomes.includes('credited') ? 'credited' : 'already');
}

/**
 * Marks the application paid by this order. Idempotent on the order number: an application
 * already paid by this order is left alone ('already'). Paid by another order: money to refund,
 * not a second credit ('other-order'). An order for an amount the application no longer owes
 * (the fee answer changed during 补齐补正 before payment) is not credited either ('stale').
 */
async function creditApplication(deps: ApplicationDeps, order: PaymentOrder, note: PaymentNotification, at: string): Promise<ApplicationCredit> {
  let outcome: ApplicationCredit = 'credited';
  const paidAt = note.successTime ?? at;
  const after = await applicationsOf(deps.store).update(order.applicationNo, (app) => {
    if (app.payment.state === 'paid') {
      outcome = app.payment.orderNo === order.id ? 'already' : 'other-order';
      return app;
    }
    if (app.payment.amountFen !== order.amountFen) {
      outcome = 'stale';
      return app;
    }
    // An order started before the part was terminated may still be paid: the money is the
    // department's to give back, as for a part terminated after payment.
    const refund = app.stage === 'terminated' ? { refund: { state: 'due' as const, amountFen: order.amountFen, dueAt: at } } : {};
    return { ...app, updatedAt: at, payment: { ...app.payment, state: 'paid', orderNo: order.id, transactionId: note.transactionId, paidAt, ...refund } };
  });
  if (outcome === 'credited') logRefundDue(deps, after, '本件终止办理后收到的缴费，须退还申请人');
  return outcome;
}

/** For the payment helper's notify and local-cashier routers (their `onPaid`). */
export function paymentCreditor(deps: ApplicationDeps) {
  return async (note: PaymentNotification): Promise<void> => {
    await creditPayment(deps, note);
  };
}
