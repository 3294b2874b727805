// The simulated cashier page (模拟支付) for PAY_PROVIDER=local. Confirming runs the notification
// through provider.parseNotification before onPaid, the same verification a real one gets.
import { Router, type Request } from 'express';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { createRenderer, type Renderer } from '../../http/render.js';
import type { LocalPaymentProvider } from './local-payment-provider.js';
import type { PaymentNotification } from './payment-provider.js';

export interface LocalCashierOptions {
  provider: LocalPaymentProvider;
  /** Credits the order; must credit a repeated notification once (the citizen may press twice). */
  onPaid: (notification: PaymentNotification) => Promise<void>;
  renderer?: Renderer;
  /** Where "返回" leads after paying, e.g. the application's progress page. */
  returnUrl?: (orderNo: string) => string | undefined;
}

export function createLocalCashierRouter(opts: LocalCashierOptions): Router {
  const renderer = opts.renderer ?? createRenderer();
  const router = Router();

  async function ownedOrder(req: Request<{ orderNo: string }>, openid: unknown) {
    const order = await opts.provider.getOrder(req.params.orderNo);
    if (!order) throw new NotFoundError(`没有找到订单 ${req.params.orderNo}`);
    // With a citizen session (optionalCitizen before this router), only the payer may pay.
    if (typeof openid === 'string' && openid !== order.openid) throw new ForbiddenError('这不是您的订单');
    return order;
  }

  router.get('/pay/local/:orderNo', async (req, res) => {
    const order = await ownedOrder(req, res.locals.openid);
    res.type('html').send(
      renderer.page('pay/local-cashier', {
        title: '模拟支付',
        localMode: true,
        order,
        paid: Boolean(order.transactionId),
        returnUrl: opts.returnUrl?.(order.id),
        csrfToken: res.locals.csrfToken,
      }),
    );
  });

  router.post('/pay/local/:orderNo', async (req, res) => {
    const order = await ownedOrder(req, res.locals.openid);
    const signed = await opts.provider.pay(order.id);
    const notification = await opts.provider.parseNotification(signed.headers, signed.rawBody);
    await opts.onPaid(notification);
    res.type('html').send(
      renderer.page('pay/local-paid', {
        title: '支付成功',
        localMode: true,
        order,
        notification,
        returnUrl: opts.returnUrl?.(order.id),
      }),
    );
  });

  return router;
}
