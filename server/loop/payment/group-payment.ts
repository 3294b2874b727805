// One payment for the parts of a matter (一件事): one order whose amount is the sum of what every
// part owes, credited to each part once (creditPayment), so each department's own application
// records its fee as paid by the same order. The citizen pays once every fee is known and due —
// fixed fees after their part's acceptance, assessed fees once staff set them — never part by part.
import { ConflictError } from '../../errors.js';
import { loadApplication } from '../applications/application-access.js';
import type { Application } from '../applications/application-types.js';
import { clockOf, type ApplicationDeps } from './payment-deps.js';
import { ordersOf } from './payment-orders.js';
import { paymentBlocker } from './payment-rules.js';
import { REFUSED_STAGES } from '../applications/application-types.js';
import type { StartedPayment } from './start-payment.js';

/**
 * What the parts of a group owe: due now, not yet known or not yet due, already paid (whatever
 * became of the part since). A refused or terminated part owes nothing more.
 */
export function groupDues(parts: Application[]): { due: Application[]; pending: Application[]; paid: Application[] } {
  const due: Application[] = [];
  const pending: Application[] = [];
  const paid: Application[] = [];
  for (const p of parts) {
    const s = p.payment.state;
    if (s === 'paid') paid.push(p);
    else if (s === 'none' || s === 'offline' || p.stage === 'terminated' || REFUSED_STAGES.includes(p.stage)) continue;
    else if (paymentBlocker(p, true) === null) due.push(p);
    else pending.push(p);
  }
  return { due, pending, paid };
}

export interface GroupPaymentInput {
  /** The group's number (the matter application's), which the order is filed under. */
  key: string;
  nos: string[];
  openid: string;
  description: string;
}

export async function startGroupPayment(deps: ApplicationDeps, input: GroupPaymentInput): Promise<StartedPayment> {
  const now = clockOf(deps);
  return deps.store.withLock(`payment:${input.key}`, async () => {
    const parts = await Promise.all(input.nos.map((no) => loadApplication(deps.store, no, { kind: 'citizen', openid: input.openid })));
    const { due, pending } = groupDues(parts);
    if (pending.length > 0) throw new ConflictError('还有部门尚未受理或核定费用，全部确定后可一次缴清', { pending: pending.map((p) => p.no) });
    if (due.length === 0) throw new ConflictError('该事项无需缴费或已缴清');
    const amountFen = due.reduce((sum, p) => sum + (p.payment.amountFen ?? 0), 0);
    const lines = due.map((p) => ({ applicationNo: p.no, department: p.department, amountFen: p.payment.amountFen! }));
    const orders = ordersOf(deps.store);
    const earlier = await orders.findBy('applicationNo', input.key);
    const same = (o: (typeof earlier)[number]) => JSON.stringify(o.parts) === JSON.stringify(lines);
    const open = earlier.find((o) => o.state === 'created' && o.provider === deps.pay.name && o.amountFen === amountFen && o.openid === input.openid && same(o));
    const orderNo = open?.id ?? `${input.key.replace(/-/g, '')}P${earlier.length + 1}`;
    if (!open) {
      await orders.insert({ id: orderNo, applicationNo: input.key, parts: lines, provider: deps.pay.name, amountFen, openid: input.openid, state: 'created', createdAt: now.toISOString() });
    }
    const payment = await deps.pay.createOrder({ orderNo, description: `${input.description}（${input.key}）`.slice(0, 120), amountFen, openid: input.openid });
    return { orderNo, amountFen, payment };
  });
}
