// A terminated part's paid fee goes back to the citizen through its department's own refund
// procedure (WeChat Pay's 原路退回 by the merchant, or the treasury's 非税收入退付): the platform
// does not move money back by itself, it keeps the task. Staff record the refund once made; each
// step is also in the payment log, per department, for the finance check.
import type { StaffActor } from '../actor.js';
import { ConflictError, ValidationError } from '../../errors.js';
import { applicationsOf, loadApplication } from '../applications/application-access.js';
import type { Application } from '../applications/application-types.js';
import { clockOf, type ApplicationDeps } from './payment-deps.js';
import { paymentLog } from './payment-orders.js';

export const MAX_REFUND_NOTE = 200;
/** Refunds go through the department, not a payment provider: their log records say so. */
const REFUND_PROVIDER = 'department-refund';

export interface RefundRecord {
  no: string;
  /** How it was refunded, e.g. 已原路退回（微信支付退款单号 …）. */
  note: unknown;
  staff: StaffActor;
}

export async function recordRefund(deps: Pick<ApplicationDeps, 'store' | 'now'>, input: RefundRecord): Promise<Application> {
  const note = typeof input.note === 'string' ? input.note.trim() : '';
  if (!note || note.length > MAX_REFUND_NOTE) throw new ValidationError(`请写明退费方式或凭证号（最多 ${MAX_REFUND_NOTE} 字）`, { field: 'note' });
  const current = await loadApplication(deps.store, input.no, { kind: 'staff', ...input.staff });
  const at = clockOf(deps).toISOString();
  const done = await applicationsOf(deps.store).update(current.no, (app) => {
    const refund = app.payment.refund;
    if (refund?.state !== 'due') throw new ConflictError('本件没有待退还的费用');
    return { ...app, updatedAt: at, payment: { ...app.payment, refund: { ...refund, state: 'done', doneAt: at, by: input.staff.label, note } } };
  });
  paymentLog(deps.store).append({ at, event: 'refunded', provider: REFUND_PROVIDER, applicationNo: done.no, department: done.department, amountFen: done.payment.refund!.amountFen, orderNo: done.payment.orderNo, detail: note });
  return done;
}

/** The log record of a refund falling due (a part terminated after, or paid after, its termination). */
export function logRefundDue(deps: Pick<ApplicationDeps, 'store'>, app: Application, detail: string): void {
  const refund = app.payment.refund;
  if (refund?.state !== 'due') return;
  paymentLog(deps.store).append({ at: refund.dueAt, event: 'refund-due', provider: REFUND_PROVIDER, applicationNo: app.no, department: app.department, amountFen: refund.amountFen, orderNo: app.payment.orderNo, detail });
}
