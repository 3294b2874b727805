// The one HTTP edge in front of express: WeChat's callback URLs are answered straight from node's
// request and response, before express decorates them and walks its middleware stack and router;
// every other request goes to express as before. The callbacks stay mounted on express too
// (app.ts), for the spellings and methods the edge leaves to it, so both paths run the same code.
import type { IncomingMessage, ServerResponse } from 'node:http';
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
    if (!callbacks.serveAtEdge(req, res)) express(req, res, next);
  };
  return app;
}
