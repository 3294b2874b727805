// POST /pay/notify: where WeChat Pay delivers payment results. The signature covers the exact
// bytes, so this router reads the raw body itself; mount it before any app-wide express.json().
import express, { Router } from 'express';
import { AppError } from '../../errors.js';
import type { PaymentNotification, PaymentProvider } from './payment-provider.js';

export interface PaymentNotifyOptions {
  provider: PaymentProvider;
  /** Credits the order; must be idempotent, WeChat Pay repeats notifications until it gets a 2xx. */
  onPaid: (notification: PaymentNotification) => Promise<void>;
  path?: string;
  log?: (message: string, err: unknown) => void;
}

export function createPaymentNotifyRouter(opts: PaymentNotifyOptions): Router {
  const router = Router();
  const log = opts.log ?? ((message, err) => console.error(message, err));
  router.post(opts.path ?? '/pay/notify', express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let notification: PaymentNotification;
    try {
      notification = await opts.provider.parseNotification(req.headers, raw);
    } catch (err) {
      log('refused payment notification', err);
      const message = err instanceof AppError ? err.message : '通知无效';
      return res.status(401).json({ code: 'FAIL', message });
    }
    try {
      await opts.onPaid(notification);
    } catch (err) {
      // A 5xx makes WeChat Pay retry later, which is what we want when crediting failed.
      log(`crediting order ${notification.orderNo} failed`, err);
      return res.status(500).json({ code: 'FAIL', message: '处理失败，请稍后重试' });
    }
    res.status(204).end();
  });
  return router;
}
