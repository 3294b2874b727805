// Every account's callback: /wechat/<id> for each account, and /wechat for the primary (the one
// URL a single-account city has always had). Each verifies its own Token and EncodingAESKey, so a
// push signed for one account is refused by every other.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AccountRegistry } from '../../accounts/index.js';
import type { Config } from '../../config.js';
import type { Gateway } from '../../gateway/index.js';
import type { Store } from '../../store/index.js';
import type { PushGuard } from '../../wechat/index.js';
import { createWechatRouter, type WechatRouterDeps } from './wechat-router.js';

export interface AccountCallbacksDeps {
  config: Readonly<Config>;
  store: Store;
  accounts: AccountRegistry;
  gateways: ReadonlyMap<string, Gateway>;
  pushGuard: PushGuard;
  now?: () => Date;
  /** Broadcast job results (MASSSENDJOBFINISH) pushed to any account's callback, with that account's id. */
  onJobEvent?: (raw: Record<string, unknown>, account: string) => Promise<unknown>;
  /** Template and subscription-notice delivery events, from any account's callback. */
  onDeliveryEvent?: WechatRouterDeps['onDeliveryEvent'];
}

export function createAccountCallbacks(deps: AccountCallbacksDeps): RequestHandler {
  const { config, accounts } = deps;
  const handlers = new Map<string, RequestHandler>();
  for (const runtime of accounts.runtimes()) {
    const { credentials } = runtime;
    const wechat = { ...config.wechat, token: credentials.token, appId: credentials.appId, secret: credentials.secret, encodingAesKey: credentials.encodingAesKey };
    const gateway = deps.gateways.get(runtime.id);
    handlers.set(
      runtime.id,
      createWechatRouter({ config: { ...config, wechat }, store: deps.store, live: runtime.live, client: runtime.client, pushGuard: deps.pushGuard, now: deps.now, ...(gateway ? { gateway } : {}), ...(deps.onJobEvent ? { onJobEvent: (raw: Record<string, unknown>) => deps.onJobEvent!(raw, runtime.id) } : {}), ...(deps.onDeliveryEvent ? { onDeliveryEvent: deps.onDeliveryEvent } : {}) }),
    );
  }
  const primary = handlers.get(accounts.primary().id)!;
  const handler = (req: Request, res: Response, next: NextFunction) => {
    if (req.path === '/') return primary(req, res, next);
    const id = /^\/([a-z][a-z0-9-]{0,31})\/?$/.exec(req.path)?.[1];
    const target = id === undefined ? undefined : handlers.get(id);
    if (!target) return next();
    // The account's router answers its own mount path only.
    const q = req.url.indexOf('?');
    req.url = `/${q >= 0 ? req.url.slice(q) : ''}`;
    return target(req, res, next);
  };
  const routes = ['/', '/:account'].flatMap((path) => [
    { method: 'GET', path },
    { method: 'POST', path },
  ]);
  return Object.assign(handler, { routes });
}
