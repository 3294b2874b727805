// The local stand-in where WeChat would be: the same URLs, request checks and reply shapes as
// api.weixin.qq.com for the calls onestop makes. Mounted at /_wechat; in local mode the real
// wechat-client talks to it over real HTTP, so local runs exercise the production code path.
import { randomBytes } from 'node:crypto';
import express, { Router, type Request, type Response, type NextFunction } from 'express';
import type { WechatMenu } from '../../builder/index.js';
import type { Store } from '../../store/index.js';
import { createNoticeStandin, type StandinEvents } from './notice-standin.js';
import { LOCAL_STANDIN_CREDENTIALS, STANDIN_OUTBOX, standinMenus, type StandinOutboxRecord, standinTokens, validateStandinMenu, type WechatErrorReply } from '../../wechat/index.js';

export interface WechatStandinOptions {
  /** ms epoch; tests move it forward to expire tokens. */
  now?: () => number;
  credentials?: { appId: string; secret: string };
  /** More endpoints (e.g. broadcast-standin.ts), behind the same access_token check. */
  routes?: Router[];
  /** Where the completion events of template and subscription sends go (the server's /wechat). */
  events?: StandinEvents;
}

const TOKEN_TTL_S = 7200;
/** WeChat keeps the previous token working for 5 minutes after a refresh (docs/wechat.md §5). */
const OVERLAP_MS = 5 * 60_000;
const OK = { errcode: 0, errmsg: 'ok' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function createWechatStandin(store: Store, opts: WechatStandinOptions = {}): Router {
  const now = opts.now ?? Date.now;
  const creds = opts.credentials ?? LOCAL_STANDIN_CREDENTIALS;
  const tokens = standinTokens(store);
  const outbox = store.log<StandinOutboxRecord>(STANDIN_OUTBOX);
  const router = Router();
  // WeChat answers HTTP 200 with an errcode for every API error, including unparsable bodies.
  const reply = (res: Response, body: WechatErrorReply | Record<string, unknown>) => res.status(200).json(body);

  router.get('/cgi-bin/token', async (req, res) => {
    const { grant_type: grant, appid, secret } = req.query;
    if (grant !== 'client_credential') return reply(res, { errcode: 40002, errmsg: 'invalid grant_type' });
    if (appid !== creds.appId) return reply(res, { errcode: 40013, errmsg: 'invalid appid' });
    if (secret !== creds.secret) return reply(res, { errcode: 40125, errmsg: 'invalid appsecret' });
    const token = await store.withLock('standin-token', async () => {
      const t = now();
      // stable_token's tokens are isolated from these (notice-standin.ts).
      for (const old of await tokens.list((d) => d.supersededAt === undefined && d.kind !== 'stable')) {
        await tokens.update(old.id, (d) => ({ ...d, supersededAt: t }));
      }
      const id = randomBytes(48).toString('base64url');
      await tokens.insert({ id, issuedAt: t, expiresAt: t + TOKEN_TTL_S * 1000 });
      return id;
    });
    reply(res, { access_token: token, expires_in: TOKEN_TTL_S });
  });

  async function requireToken(req: Request, res: Response, next: NextFunction) {
    const token = req.query.access_token;
    if (typeof token !== 'string' || !token) return reply(res, { errcode: 41001, errmsg: 'access_token missing' });
    const doc = await tokens.get(token);
    const t = now();
    if (!doc || (doc.supersededAt !== undefined && t > doc.supersededAt + OVERLAP_MS)) {
      return reply(res, { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
    }
    if (t >= doc.expiresAt) return reply(res, { errcode: 42001, errmsg: 'access_token expired' });
    next();
  }

  // Parse JSON ourselves: express.json would answer a bad body with a 400 page, WeChat with 47001.
  const jsonBody = [
    express.text({ type: () => true, limit: '1mb' }),
    (req: Request, res: Response, next: NextFunction) => {
      // An app-wide express.json() may have parsed it already.
      if (isObject(req.body)) return next();
      try {
        req.body = JSON.parse(typeof req.body === 'string' ? req.body : '');
        next();
      } catch {
        reply(res, { errcode: 47001, errmsg: 'data format error' });
      }
    },
  ];

  router.post('/cgi-bin/menu/create', requireToken, ...jsonBody, async (req, res) => {
    const error = validateStandinMenu(req.body);
    if (error) return reply(res, error);
    const menu = req.body as WechatMenu;
    await standinMenus(store).put({ id: 'current', menu, menuid: now() % 1e9, createdAt: new Date(now()).toISOString() });
    reply(res, OK);
  });

  router.get('/cgi-bin/menu/get', requireToken, async (_req, res) => {
    const doc = await standinMenus(store).get('current');
    if (!doc) return reply(res, { errcode: 46003, errmsg: 'menu no exist' });
    reply(res, { menu: { button: doc.menu.button, menuid: doc.menuid } });
  });

  router.get('/cgi-bin/menu/delete', requireToken, async (_req, res) => {
    await standinMenus(store).delete('current');
    reply(res, OK);
  });

  router.post('/cgi-bin/message/custom/send', requireToken, ...jsonBody, (req, res) => {
    const body = req.body as unknown;
    const error = checkCustomMessage(body);
    if (error || !isObject(body)) return reply(res, error ?? { errcode: 47001, errmsg: 'data format error' });
    outbox.append({
      at: new Date(now()).toISOString(),
      kind: 'custom',
      touser: String(body.touser),
      msgtype: String(body.msgtype),
      body,
    });
    reply(res, OK);
  });

  // Template send (with client_msg_id and completion events), bizsend and stable_token.
  router.use(createNoticeStandin(store, { now, credentials: creds, events: opts.events, ttlS: TOKEN_TTL_S }, requireToken, jsonBody));

  for (const extra of opts.routes ?? []) router.use(requireToken, extra);
  return router;
}

function checkCustomMessage(body: unknown): WechatErrorReply | null {
  if (!isObject(body)) return { errcode: 47001, errmsg: 'data format error' };
  if (typeof body.touser !== 'string' || !body.touser) return { errcode: 40003, errmsg: 'invalid openid' };
  const content = isObject(body[String(body.msgtype)]) ? (body[String(body.msgtype)] as Record<string, unknown>) : null;
  switch (body.msgtype) {
    case 'text':
      return typeof content?.content === 'string' && content.content ? null : { errcode: 44004, errmsg: 'empty content' };
    case 'news': {
      const articles = content?.articles;
      if (!Array.isArray(articles) || articles.length === 0) return { errcode: 44003, errmsg: 'empty news data' };
      if (articles.length > 8) return { errcode: 45008, errmsg: 'article size out of limit' };
      return articles.every((a) => isObject(a) && typeof a.title === 'string' && a.title)
        ? null
        : { errcode: 47001, errmsg: 'data format error hint: [news.articles]' };
    }
    case 'image':
    case 'voice':
    case 'mpnews':
      return typeof content?.media_id === 'string' && content.media_id ? null : { errcode: 40007, errmsg: 'invalid media_id' };
    default:
      return { errcode: 40008, errmsg: 'invalid message type' };
  }
}
