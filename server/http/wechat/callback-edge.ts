// The one HTTP edge in front of express: WeChat's callback URLs are answered straight from node's
// request and response, before express decorates them and walks its middleware stack and router;
// every other request goes to express as before. The callbacks stay mounted on express too
// (app.ts), for the spellings and methods the edge leaves to it, so both paths run the same code.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'node:querystring';
import type { Express } from 'express';

type Handle = (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;

/**
 * Puts the callbacks in front of the app: the app stays the one request listener (main.ts's
 * server, supertest in the tests), so every request of either kind takes the path production
 * takes. Express calls `app.handle` for each request; only that entry is wrapped.
 */
export function answerCallbacksAtEdge(app: Express, callbacks: { serveAtEdge(req: IncomingMessage, res: ServerResponse): boolean }): Express {
  const target = app as unknown as { handle: Handle };
  const express = target.handle.bind(app);
  target.handle = (req, res, next) => {
    let served: boolean;
    try {
      served = callbacks.serveAtEdge(req, res);
    } catch (err) {
      // What express's router would do with a throwing handler, in the callback's own words.
      console.warn(`[onestop:wechat] 处理微信回调时出错：${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500, ['Content-Type', 'text/plain; charset=utf-8']).end('服务器内部错误');
      return;
    }
    if (!served) express(req, res, next);
  };
  return app;
}

/**
 * A query string exactly as node's querystring.parse (express's 'simple' parser) reads it: a key
 * given twice is an array, a key without "=" is "". A callback's query (signature, timestamp,
 * nonce, openid, encrypt_type, msg_signature) has nothing to decode, so it is split directly;
 * anything with an escape, a "+" or unusual length goes to querystring itself.
 */
export function parseCallbackQuery(query: string): Record<string, string | string[]> {
  if (query.length > 1024 || query.includes('%') || query.includes('+')) return parse(query) as Record<string, string | string[]>;
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    const seen = out[key];
    if (seen === undefined) out[key] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else out[key] = [seen, value];
  }
  return out;
}
