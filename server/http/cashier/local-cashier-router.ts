// The simulated cashier page (模拟支付) for PAY_PROVIDER=local. Confirming runs the notification
// through provider.parseNotification before onPaid, the same verification a real one gets.
import { Router, type NextFunction, type Request, type Response } from 'express';
import { NotFoundError, UnauthorizedError } from '../../errors.js';
import { requireCitizen, sameOriginOnly } from '../identity.js';
import { createRenderer, type Renderer } from '../../render.js';
import type { LocalPaymentProvider, PaymentNotification } from '../../loop/index.js';

export interface LocalCashierOptions {
  provider: LocalPaymentProvider;
  /** Credits the order; must credit a repeated notification once (the citizen may press twice). */
  onPaid: (notification: PaymentNotification) => Promise<void>;
  renderer?: Renderer;
  /** Where "返回" leads after paying, e.g. the application's progress page. */
  returnUrl?: (orderNo: string) => string | undefined;
  /**
   * The citizen session secret (config.sessionSecret): the router then checks the session itself.
   * Without it, a session middleware mounted before the router (optionalCitizen) must have set
   * res.locals.openid. Either way a caller without a session gets 401.
   */
  sessionSecret?: string;
  /** Passed to the cross-site check of POST; pass [config.publicBaseUrl]. */
  allowedOrigins?: string[];
}

const signedIn = (_req: Request, res: Response, next: NextFunction) =>
  next(typeof res.locals.openid === 'string' ? undefined : new UnauthorizedError('请先在微信中打开本页面或登录'));

export function createLocalCashierRouter(opts: LocalCashierOptions): Router {
  const renderer = opts.renderer ?? createRenderer();
  const router = Router();

  // Only the payer may see or pay an order: a signed-in citizen, refused cross-site for POST.
  const citizen = opts.sessionSecret
    ? [requireCitizen(opts.sessionSecret, { allowedOrigins: opts.allowedOrigins })]
    : [sameOriginOnly({ allowedOrigins: opts.allowedOrigins }), signedIn];

  async function ownedOrder(orderNo: string, openid: unknown) {
    const order = await opts.provider.getOrder(orderNo);
    // Someone else's order answers exactly like a missing one, so order numbers cannot be probed.
    if (!order || typeof openid !== 'string' || openid !== order.openid) throw new NotFoundError(`没有找到订单 ${orderNo}`);
    return order;
  }

  router.get('/:orderNo', ...citizen, async (req, res) => {
    const order = await ownedOrder(String(req.params.orderNo), res.locals.openid);
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

  router.post('/:orderNo', ...citizen, async (req, res) => {
    const order = await ownedOrder(String(req.params.orderNo), res.locals.openid);
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
