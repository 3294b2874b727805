// The citizen starts paying: an order for the amount the application owes, placed through the
// provider, which answers JSAPI parameters (WeChat Pay) or the local cashier's URL. An application
// has at most one open payable order: a repeated "pay" (a double tap, 20 concurrent calls) places
// the same order again, which both providers accept for an unchanged order, so the citizen can
// never pay twice. Only when the amount owed changed does a new attempt get a new order number.
import { ConflictError } from '../../errors.js';
import { clockOf, type ApplicationDeps, type CreatedOrder } from './payment-deps.js';
import { loadApplication } from '../applications/application-access.js';
import { ordersOf } from './payment-orders.js';
import { paymentBlocker } from './payment-rules.js';

export interface StartedPayment {
  orderNo: string;
  amountFen: number;
  payment: CreatedOrder;
}

export async function startPayment(deps: ApplicationDeps, no: string, openid: string): Promise<StartedPayment> {
  const now = clockOf(deps);
  return deps.store.withLock(`payment:${no}`, async () => {
    const app = await loadApplication(deps.store, no, { kind: 'citizen', openid });
    const blocker = paymentBlocker(app);
    if (blocker) throw new ConflictError(blocker, { payment: app.payment.state, stage: app.stage });
    const orders = ordersOf(deps.store);
    const earlier = await orders.findBy('applicationNo', no);
    const amountFen = app.payment.amountFen!;
    // The in-process lock above serialises this; a shared database needs a unique constraint on
    // (applicationNo) where state = 'created' as well.
    const open = earlier.find((o) => o.state === 'created' && o.provider === deps.pay.name && o.amountFen === amountFen && o.openid === openid);
    const orderNo = open?.id ?? `${no.replace(/-/g, '')}P${earlier.length + 1}`;
    if (!open) {
      await orders.insert({
        id: orderNo,
        applicationNo: no,
        provider: deps.pay.name,
        amountFen,
        openid,
        state: 'created',
        createdAt: now.toISOString(),
      });
    }
    const description = `${app.payment.item ?? app.serviceName}（${no}）`.slice(0, 120);
    const payment = await deps.pay.createOrder({ orderNo, description, amountFen, openid });
    return { orderNo, amountFen, payment };
  });
}
