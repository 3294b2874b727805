// The citizen starts paying: a new order for the amount the application owes, created through the
// provider, which answers JSAPI parameters (WeChat Pay) or the local cashier's URL.
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
    const attempt = (await orders.findBy('applicationNo', no)).length + 1;
    const orderNo = `${no.replace(/-/g, '')}P${attempt}`;
    const amountFen = app.payment.amountFen!;
    await orders.insert({
      id: orderNo,
      applicationNo: no,
      provider: deps.pay.name,
      amountFen,
      openid,
      state: 'created',
      createdAt: now.toISOString(),
    });
    const description = `${app.payment.item ?? app.serviceName}（${no}）`.slice(0, 120);
    const payment = await deps.pay.createOrder({ orderNo, description, amountFen, openid });
    return { orderNo, amountFen, payment };
  });
}
