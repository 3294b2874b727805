// 我的消息 (H5): every notice a citizen was sent, with its scene photos fetched through the
// department's connector for that citizen only. Escaped by handlebars like every page.
import express, { type NextFunction, type Request, type Response } from 'express';
import { cityTime } from '../../loop/index.js';
import { citizenMessagePhoto, listCitizenMessages, type NoticesDeps, openCitizenMessage } from '../../notices/index.js';
import type { Renderer } from '../../render.js';
import { optionalCitizen } from '../identity.js';
import { citizenOf } from '../locals.js';
import { signInRedirect } from '../sign-in-redirect.js';

type Handler = (req: Request, res: Response) => Promise<void>;
const run = (h: Handler) => (req: Request, res: Response, next: NextFunction) => void h(req, res).catch(next);

export interface MessagesPagesDeps extends NoticesDeps {
  renderer: Renderer;
  sessionSecret: string;
  localMode: boolean;
}

export function createMessagesPagesRouter(deps: MessagesPagesDeps) {
  const router = express.Router();
  const citizen = [optionalCitizen(deps.sessionSecret), signInRedirect(deps.localMode)];
  const page = (name: string, data: Record<string, unknown>) =>
    deps.renderer.page(name, { localMode: deps.localMode, accountName: deps.live.current().account.name, ...data });

  router.get('/me/messages', ...citizen, run(async (_req, res) => {
    const messages = await listCitizenMessages(deps, citizenOf(res));
    res.set('Cache-Control', 'private, no-store');
    res.type('html').send(page('h5/messages', { title: '我的消息', backUrl: '/', messages: messages.map((m) => ({ ...m, when: cityTime(new Date(m.at)), url: `/me/messages/${encodeURIComponent(m.id)}` })) }));
  }));

  router.get('/me/messages/:id', ...citizen, run(async (req, res) => {
    const id = String(req.params.id);
    const m = await openCitizenMessage(deps, citizenOf(res), id);
    const photos = Array.from({ length: m.photoCount }, (_, i) => `/me/messages/${encodeURIComponent(id)}/photos/${i}`);
    res.set('Cache-Control', 'private, no-store');
    res.type('html').send(page('h5/message-detail', { title: m.title, backUrl: '/me/messages', message: { ...m, when: cityTime(new Date(m.at)) }, photos }));
  }));

  router.get('/me/messages/:id/photos/:n', ...citizen, run(async (req, res) => {
    const photo = await citizenMessagePhoto(deps, citizenOf(res), String(req.params.id), Number(req.params.n));
    res.set('Cache-Control', 'private, no-store').set('X-Content-Type-Options', 'nosniff').type(photo.type).send(photo.body);
  }));

  return router;
}
