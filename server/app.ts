// createApp(deps): the express app with every capability mounted. It never listens; main.ts does.
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Config } from './config.js';
import type { Publisher } from './console/publisher.js';
import { createGateway, type Gateway } from './gateway/gateway.js';
import { createApplicationRouter } from './http/application-router.js';
import { createAppointmentRouter } from './http/appointment-router.js';
import { createCitizenAuthRouter } from './http/citizen-auth-router.js';
import { createConsoleRouter } from './http/console-router.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { createLocationRouter } from './http/location-router.js';
import { createRenderer, type Renderer } from './render.js';
import { createServicePagesRouter } from './http/service-pages-router.js';
import { createServicesRouter } from './http/services-router.js';
import { createUploadRouter } from './http/upload-router.js';
import { createWechatRouter } from './http/wechat-router.js';
import type { LiveBuild } from './live-build.js';
import { paymentCreditor } from './loop/applications/credit-payment.js';
import { applicationNoFromOrderNo } from './loop/applications/payment-orders.js';
import type { LoopDeps } from './loop/deps.js';
import { createLocalCashierRouter } from './http/local-cashier-router.js';
import type { LocalPaymentProvider } from './loop/payment/local-payment-provider.js';
import type { PaymentProvider } from './loop/payment/payment-provider.js';
import type { Store } from './store/types.js';
import type { WechatClient } from './wechat/client-types.js';
import { createWechatStandin } from './wechat/standin/wechat-standin.js';

export interface AppDeps {
  config: Readonly<Config>;
  store: Store;
  live: LiveBuild;
  wechat: WechatClient;
  pay: PaymentProvider;
  publisher: Publisher;
  renderer?: Renderer;
  gateway?: Gateway;
  now?: () => Date;
}

export function createApp(deps: AppDeps): Express {
  const { config, store, live, wechat, pay, publisher } = deps;
  const renderer = deps.renderer ?? createRenderer();
  const loop: LoopDeps = { config, store, live, wechat, renderer, now: deps.now };
  const app = express();
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Page scripts are files served by the app (templates/h5/assets, console/static); page
          // data travels in <script type="application/json"> blocks, which are never executed.
          // No inline script and no third-party origin. Styles keep helmet's default, which
          // allows inline <style> and style="" (the layouts use them).
          'script-src': ["'self'"],
          'script-src-attr': ["'none'"],
          'img-src': ["'self'", 'data:'],
          'form-action': ["'self'"],
          'upgrade-insecure-requests': config.publicBaseUrl.startsWith('https:') ? [] : null,
        },
      },
      // WeChat's in-app browser opens H5 pages from the chat; keep referrers on this origin.
      referrerPolicy: { policy: 'same-origin' },
    }),
  );

  // The WeChat callback reads its own raw, size-limited body and checks the signature first.
  app.use('/wechat', createWechatRouter({ config, store, live, client: wechat, gateway: deps.gateway, now: deps.now }));
  // Local mode: a stand-in for api.weixin.qq.com, so the real client runs over real HTTP.
  if (config.localMode) app.use('/_wechat', createWechatStandin(store));

  app.use('/api', cors({ origin: config.corsOrigins.length ? config.corsOrigins : false }));
  // Before any JSON parser: payment notifications are verified over the raw bytes.
  app.use(createApplicationRouter({ ...loop, pay }));
  app.use(createUploadRouter(loop));
  app.use(createServicesRouter(loop));
  app.use(createAppointmentRouter(loop));
  app.use(createLocationRouter(loop));
  app.use(createCitizenAuthRouter(loop));
  if (pay.name === 'local') {
    app.use(
      createLocalCashierRouter({
        provider: pay as LocalPaymentProvider,
        onPaid: paymentCreditor({ ...loop, pay }),
        renderer,
        sessionSecret: config.sessionSecret,
        allowedOrigins: [config.publicBaseUrl],
        returnUrl: (orderNo) => {
          const no = applicationNoFromOrderNo(orderNo);
          return no ? `/me/applications/${encodeURIComponent(no)}` : undefined;
        },
      }),
    );
  }
  app.use('/console', createConsoleRouter({ config, store, live, client: wechat, renderer, publisher, now: deps.now }));
  app.use(createServicePagesRouter(loop));
  app.use(notFoundHandler());
  app.use(errorHandler());
  return app;
}

export { createGateway };
