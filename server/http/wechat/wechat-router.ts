// The account's one callback URL (mounted at /wechat). Every request is signature-checked
// before anything is read or stored; plain, compat and safe (AES) modes share one path:
// unwrap -> gateway.handle -> wrap. Bad input gets 400/401/413, never a crash.
// It works on node's own request and response, with the query already parsed, so the edge
// (callback-edge.ts) can answer it before express; createWechatRouter mounts the same on express.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Config } from '../../config.js';
import { createGateway, type Gateway, MAX_ARTICLES_TO_EVENT, MAX_ARTICLES_TO_MESSAGE } from '../../gateway/index.js';
import type { LiveBuild } from '../../live-build.js';
import type { Store } from '../../store/index.js';
import { createMsgCrypt, createPushGuard, encryptedReplyXml, type MsgCrypt, newsReplyXml, parseMessage, parseXmlObject, type PushGuard, textReplyXml, UnsafeXmlError, verifyPlainSignature, type WechatClient, WechatCryptoError, type WechatMessage } from '../../wechat/index.js';
import type { QueryDeps } from '../../query/index.js';
import { isDeliveryEvent } from '../../notices/index.js';

export const MAX_BODY_BYTES = 64 * 1024;
const ENCRYPT_FIELD = /^\s*<xml>\s*<ToUserName><!\[CDATA\[[\w-]*\]\]><\/ToUserName>\s*<Encrypt><!\[CDATA\[([A-Za-z0-9+/=]+)\]\]><\/Encrypt>\s*<\/xml>\s*$/;

export interface WechatRouterDeps {
  config: Config;
  store: Store;
  live: LiveBuild;
  client?: WechatClient;
  budgetMs?: number;
  now?: () => Date;
  /** Supply to share one gateway (e.g. with the console's simulator); built from the deps otherwise. */
  gateway?: Gateway;
  /** Supply to read its refusal counts (timestamps, replayed nonces); built from config otherwise. */
  pushGuard?: PushGuard;
  warn?: (line: string) => void;
  queries?: QueryDeps;
  /** Broadcast completion events (MASSSENDJOBFINISH, PUBLISHJOBFINISH): recorded, never routed as a citizen's message. */
  onJobEvent?: (raw: Record<string, unknown>) => Promise<unknown>;
  /** Delivery reports of template and subscription sends (notices); they never reach the gateway. */
  onDeliveryEvent?: (msg: WechatMessage) => Promise<void>;
}

const JOB_EVENTS = new Set(['MASSSENDJOBFINISH', 'PUBLISHJOBFINISH']);

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage & { body?: unknown }, limit: number): Promise<string> {
  if (typeof req.body === 'string') return Promise.resolve(req.body); // a text parser ran before us
  if (Buffer.isBuffer(req.body)) return Promise.resolve(req.body.toString('utf8'));
  // Another parser consumed the stream into something else: waiting for 'end' would hang.
  if (req.readableEnded || (req as { _body?: boolean })._body) return Promise.resolve('');
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.reject(new HttpError(413, '消息体过大'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, '消息体过大'));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const CONTENT_TYPES = { 'text/plain': 'text/plain; charset=utf-8', 'application/xml': 'application/xml; charset=utf-8' } as const;

/**
 * Writes the answer directly: a callback needs no ETag or content negotiation, and it is the hot
 * path. Headers as one flat list: node writes them without building a header object.
 */
function answer(res: ServerResponse, status: number, type: keyof typeof CONTENT_TYPES, body: string) {
  res.writeHead(status, ['Content-Type', CONTENT_TYPES[type], 'Content-Length', String(Buffer.byteLength(body))]);
  res.end(body);
}

/** A query string parsed the way express parses it ('simple': node's querystring). */
export type CallbackQuery = Record<string, unknown>;

export interface WechatCallback {
  /** Answers a request for the callback URL itself: GET verifies the URL, POST is a push, anything else 405. */
  serve(req: IncomingMessage, res: ServerResponse, query: CallbackQuery): void;
}

/** The callback mounted on express (tests, and the app for what the edge leaves to it). */
export function createWechatRouter(deps: WechatRouterDeps): RequestHandler {
  const callback = createWechatCallback(deps);
  // One plain handler rather than a Router: a nested router's matching showed up in the hot
  // path's profile. Only the mount path itself answers.
  const handler = (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== '/') return next();
    callback.serve(req, res, req.query as CallbackQuery);
  };
  // Not a Router, so it names its routes for the route table (docs/api.md, test/architecture/).
  return Object.assign(handler, { routes: [{ method: 'GET', path: '/' }, { method: 'POST', path: '/' }] });
}

export function createWechatCallback(deps: WechatRouterDeps): WechatCallback {
  const { config } = deps;
  const token = config.wechat.token;
  const warn = deps.warn ?? ((line: string) => console.warn(`[onestop:wechat] ${line}`));
  const now = deps.now ?? (() => new Date());
  const skewS = config.wechat.maxClockSkewS;
  const guard = deps.pushGuard ?? createPushGuard({ maxClockSkewS: skewS, warn, shared: deps.store.once });
  const gateway = deps.gateway ?? createGateway({ ...deps, openidKey: config.sessionSecret, warn, maxClockSkewS: skewS });
  const { encodingAesKey, appId } = config.wechat;
  let crypt: MsgCrypt | undefined;
  if (encodingAesKey && appId) crypt = createMsgCrypt({ token, encodingAesKey, appId });
  else if (encodingAesKey) warn('已设置 WECHAT_ENCODING_AES_KEY 但缺少 WECHAT_APPID：安全模式消息将被拒绝');

  function verifyUrl(res: ServerResponse, q: CallbackQuery) {
    const echostr = q.echostr;
    if (typeof echostr !== 'string') return answer(res, 400, 'text/plain', '缺少 echostr');
    if (typeof q.msg_signature === 'string' && crypt) {
      // The WeCom-style variant: echostr is encrypted and signed with msg_signature.
      try {
        return answer(res, 200, 'text/plain', crypt.verifyAndDecrypt(q.msg_signature, q.timestamp, q.nonce, echostr));
      } catch {
        return answer(res, 401, 'text/plain', 'Invalid signature');
      }
    }
    if (!verifyPlainSignature(token, q)) return answer(res, 401, 'text/plain', 'Invalid signature');
    answer(res, 200, 'text/plain', echostr);
  }

  function unwrap(body: string, q: Record<string, unknown>): { msg: WechatMessage; encrypted: boolean } {
    const mode = q.encrypt_type;
    if (mode === undefined || mode === 'raw') return { msg: parseMessage(body), encrypted: false };
    if (mode !== 'aes') throw new HttpError(400, `不支持的 encrypt_type：${String(mode)}`);
    if (!crypt) {
      warn('收到安全模式（encrypt_type=aes）消息，但未配置 WECHAT_ENCODING_AES_KEY 和 WECHAT_APPID，已拒绝（400）');
      throw new HttpError(400, '未配置消息加解密密钥');
    }
    // Compat mode sends plain fields beside <Encrypt>: only the decrypted copy is trusted.
    // The usual envelope is matched directly (Base64 only, so nothing else can hide in it);
    // anything else goes through the full, DTD-refusing parser.
    const encrypt = ENCRYPT_FIELD.exec(body)?.[1] ?? parseXmlObject(body).Encrypt;
    if (typeof encrypt !== 'string' || !encrypt) throw new HttpError(400, '安全模式消息缺少 Encrypt');
    return { msg: parseMessage(crypt.verifyAndDecrypt(q.msg_signature, q.timestamp, q.nonce, encrypt)), encrypted: true };
  }

  async function receive(req: IncomingMessage, res: ServerResponse, q: CallbackQuery) {
    if (!verifyPlainSignature(token, q)) return answer(res, 401, 'text/plain', 'Invalid signature');
    // The plain signature covers only token, timestamp and nonce, not the body: a captured URL
    // must not stay usable (push-guard.ts).
    const refusal = guard.checkTimestamp(q.timestamp);
    if (refusal) return answer(res, 401, 'text/plain', refusal === 'stale-timestamp' ? 'Stale timestamp' : 'Invalid timestamp');
    try {
      const body = await readBody(req, MAX_BODY_BYTES);
      const plain = q.encrypt_type === undefined || q.encrypt_type === 'raw';
      if (plain && (await guard.checkNonce(q.timestamp as string, q.nonce, body))) return answer(res, 401, 'text/plain', 'Replayed nonce');
      const { msg, encrypted } = unwrap(body, q);
      if (deps.onDeliveryEvent && msg.msgType === 'event' && isDeliveryEvent(msg)) {
        await deps.onDeliveryEvent(msg).catch((e: Error) => warn(`处理消息送达事件时出错：${e.message}`));
        return answer(res, 200, 'text/plain', 'success');
      }
      if (msg.msgType === 'event' && JOB_EVENTS.has(msg.event ?? '') && deps.onJobEvent) {
        await deps.onJobEvent(msg.raw);
        return answer(res, 200, 'text/plain', 'success');
      }
      const { reply } = await gateway.handle(msg);
      if (reply.kind === 'none') return answer(res, 200, 'text/plain', 'success');
      const header = { toUser: msg.fromUser, fromUser: msg.toUser, createTime: Math.floor(now().getTime() / 1000) };
      const maxArticles = msg.msgType === 'event' ? MAX_ARTICLES_TO_EVENT : MAX_ARTICLES_TO_MESSAGE;
      const xml = reply.kind === 'text' ? textReplyXml(header, reply.content) : newsReplyXml(header, reply.articles, maxArticles);
      answer(res, 200, 'application/xml', encrypted ? encryptedReplyXml(crypt!.sealReply(xml)) : xml);
    } catch (err) {
      if (err instanceof HttpError) return answer(res, err.status, 'text/plain', err.message);
      if (err instanceof UnsafeXmlError) return answer(res, 400, 'text/plain', err.message);
      if (err instanceof WechatCryptoError) {
        const status = err.reason === 'ValidateSignature' ? 401 : 400;
        return answer(res, status, 'text/plain', status === 401 ? 'Invalid signature' : '消息解密失败');
      }
      warn(`处理微信推送时出错：${(err as Error).message}`);
      if (!res.headersSent) answer(res, 200, 'text/plain', 'success');
    }
  }

  // A failure outside receive's own handling (it answers every error it expects) must still
  // answer WeChat and must never become an unhandled rejection that stops the process.
  function failedPush(res: ServerResponse, err: Error) {
    warn(`处理微信推送时出错：${err.message}`);
    if (!res.headersSent) answer(res, 200, 'text/plain', 'success');
  }

  return {
    serve(req, res, query) {
      if (req.method === 'POST') return void receive(req, res, query).catch((err: Error) => failedPush(res, err));
      if (req.method === 'GET') return verifyUrl(res, query);
      res.setHeader('Allow', 'GET, POST');
      answer(res, 405, 'text/plain', '只接受 GET 和 POST');
    },
  };
}
