// Every account's callback: /wechat/<id> for each account, and /wechat for the primary (the one
// URL a single-account city has always had). Each verifies its own Token and EncodingAESKey, so a
// push signed for one account is refused by every other.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AccountRegistry } from '../../accounts/index.js';
import type { Config } from '../../config.js';
import type { Gateway } from '../../gateway/index.js';
import type { Store } from '../../store/index.js';
import type { PushGuard } from '../../wechat/index.js';
import { parseCallbackQuery } from './callback-edge.js';
import { type CallbackQuery, createWechatCallback, type WechatCallback, type WechatRouterDeps } from './wechat-router.js';

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

export interface AccountCallbacks extends RequestHandler {
  routes: Array<{ method: string; path: string }>;
  /**
   * Answers a GET or POST for one of the callback URLs as written (/wechat, /wechat/<id>, with or
   * without a trailing slash) straight from node's request, and says whether it did; every other
   * request (another method, another spelling, another path) is left to express, which reaches the
   * same callbacks through the mount above.
   */
  serveAtEdge(req: IncomingMessage, res: ServerResponse): boolean;
}

const ACCOUNT_PATH = /^\/([a-z][a-z0-9-]{0,31})\/?$/;
const MOUNT = '/wechat';

export function createAccountCallbacks(deps: AccountCallbacksDeps): AccountCallbacks {
  const { config, accounts } = deps;
  const handlers = new Map<string, WechatCallback>();
  for (const runtime of accounts.runtimes()) {
    const { credentials } = runtime;
    const wechat = { ...config.wechat, token: credentials.token, appId: credentials.appId, secret: credentials.secret, encodingAesKey: credentials.encodingAesKey };
    const gateway = deps.gateways.get(runtime.id);
    handlers.set(
      runtime.id,
      createWechatCallback({ config: { ...config, wechat }, store: deps.store, live: runtime.live, client: runtime.client, pushGuard: deps.pushGuard, now: deps.now, ...(gateway ? { gateway } : {}), ...(deps.onJobEvent ? { onJobEvent: (raw: Record<string, unknown>) => deps.onJobEvent!(raw, runtime.id) } : {}), ...(deps.onDeliveryEvent ? { onDeliveryEvent: deps.onDeliveryEvent } : {}) }),
    );
  }
  // Every spelling of every callback path, for one Map lookup per push: '/' and '' (the primary's
  // /wechat), '/<id>' and '/<id>/'.
  const primary = handlers.get(accounts.primary().id)!;
  const byPath = new Map<string, WechatCallback>([
    ['/', primary],
    ['', primary],
  ]);
  for (const [id, callback] of handlers) if (ACCOUNT_PATH.test(`/${id}`)) byPath.set(`/${id}`, callback).set(`/${id}/`, callback);
  const callbackAt = (path: string): WechatCallback | undefined => byPath.get(path);
  const handler = (req: Request, res: Response, next: NextFunction) => {
    const target = callbackAt(req.path);
    if (!target) return next();
    target.serve(req, res, req.query as CallbackQuery);
  };
  const serveAtEdge = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url;
    if (url === undefined || !url.startsWith(MOUNT) || (req.method !== 'POST' && req.method !== 'GET')) return false;
    const q = url.indexOf('?');
    const path = q < 0 ? url.slice(MOUNT.length) : url.slice(MOUNT.length, q);
    const target = callbackAt(path);
    if (!target) return false;
    target.serve(req, res, q < 0 ? {} : parseCallbackQuery(url.slice(q + 1)));
    return true;
  };
  const routes = ['/', '/:account'].flatMap((path) => [
    { method: 'GET', path },
    { method: 'POST', path },
  ]);
  return Object.assign(handler, { routes, serveAtEdge });
}
