// The stand-in's broadcast endpoints (群发): media/uploadimg, material/add_material, draft/add,
// mass/preview, mass/sendall, mass/send, mass/get, freepublish/submit and freepublish/get, with WeChat's
// shapes, limits, quotas and error codes. After a send or a publish it pushes MASSSENDJOBFINISH or
// PUBLISHJOBFINISH, signed, to the account's callback (/wechat), as WeChat does.
import { randomBytes, randomInt } from 'node:crypto';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { cityDate } from '../../calendar/index.js';
import type { LiveBuild } from '../../live-build.js';
import type { Doc, Store } from '../../store/index.js';
import { cdata, plainSignature, STANDIN_OUTBOX, type StandinOutboxRecord } from '../../wechat/index.js';

export interface BroadcastStandinOptions {
  store: Store;
  live: LiveBuild;
  /** Where completion events go: the account's callback URL and its token; absent = none are pushed. */
  callback?: () => { url: string; token: string };
  /** ms before a completion event is pushed. */
  eventDelayMs?: number;
  now?: () => number;
}

interface MediaDoc extends Doc {
  kind: 'image' | 'draft';
  at: string;
  articles?: Array<Record<string, unknown>>;
}
interface SendDoc extends Doc {
  kind: 'mass' | 'publish';
  at: string;
  clientmsgid?: string;
  msgId?: number;
  publishId?: string;
  mediaId: string;
  status?: number;
  urls: string[];
  /** The articles' titles, for the data-API stand-in (analytics-standin.ts). */
  titles?: string[];
}

const LIMIT = { title: 32, author: 16, digest: 128, content: 20_000 };
const chars = (v: unknown) => [...String(v ?? '')].length;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A picture's first bytes: JPEG or PNG are the only image types accepted here. */
const imageType = (b: Buffer) => (b[0] === 0xff && b[1] === 0xd8 ? 'jpg' : b[0] === 0x89 && b.subarray(1, 4).toString() === 'PNG' ? 'png' : undefined);
/** Drafts whose text has this phrase fail WeChat's publish check (53503) in the stand-in. */
export const STANDIN_REFUSED_PHRASE = '违规测试';

export function createBroadcastStandin(opts: BroadcastStandinOptions): Router {
  const { store, live } = opts;
  const now = opts.now ?? Date.now;
  const media = store.collection<MediaDoc>('standin-media');
  const sends = store.collection<SendDoc>('standin-sends', { indexes: ['kind'] });
  const outbox = store.log<StandinOutboxRecord>(STANDIN_OUTBOX);
  const router = Router();
  const reply = (res: Response, body: Record<string, unknown>) => res.status(200).json(body);
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 10 * 1024 * 1024, files: 1 } }).single('media');
  const json = express.json({ limit: '2mb', type: () => true });
  const body = (req: Request) => (isObject(req.body) ? req.body : {});
  const iso = () => new Date(now()).toISOString();
  const mediaId = () => randomBytes(24).toString('base64url');

  const file = (req: Request, res: Response, next: NextFunction) =>
    upload(req, res, (err?: unknown) => {
      if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') return reply(res, { errcode: 40009, errmsg: 'invalid image size' });
      if (err) return reply(res, { errcode: 41005, errmsg: 'media data missing' });
      next();
    });
  const picked = (req: Request) => (req as Request & { file?: Express.Multer.File }).file;

  router.post('/cgi-bin/media/uploadimg', file, (req, res) => {
    const f = picked(req);
    if (!f) return reply(res, { errcode: 41005, errmsg: 'media data missing' });
    const type = imageType(f.buffer);
    if (!type) return reply(res, { errcode: 40113, errmsg: 'unsupported file type' });
    if (f.size > 1024 * 1024) return reply(res, { errcode: 40009, errmsg: 'invalid image size' });
    reply(res, { url: `http://mmbiz.qpic.cn/mmbiz_${type}/local-standin/${mediaId()}/0` });
  });

  router.post('/cgi-bin/material/add_material', file, async (req, res) => {
    if (req.query.type !== 'image') return reply(res, { errcode: 40004, errmsg: 'invalid media type' });
    const f = picked(req);
    if (!f) return reply(res, { errcode: 41005, errmsg: 'media data missing' });
    if (!imageType(f.buffer)) return reply(res, { errcode: 40113, errmsg: 'unsupported file type' });
    const id = mediaId();
    await media.insert({ id, kind: 'image', at: iso() });
    reply(res, { media_id: id, url: `http://mmbiz.qpic.cn/mmbiz_jpg/local-standin/${id}/0?wx_fmt=jpeg` });
  });

  router.post('/cgi-bin/draft/add', json, async (req, res) => {
    const articles = body(req).articles;
    if (!Array.isArray(articles) || articles.length === 0) return reply(res, { errcode: 44003, errmsg: 'empty news data' });
    if (articles.length > 8) return reply(res, { errcode: 45008, errmsg: 'article size out of limit' });
    for (const a of articles) {
      if (!isObject(a) || !a.title) return reply(res, { errcode: 47001, errmsg: 'data format error hint: [articles.title]' });
      if (chars(a.title) > LIMIT.title) return reply(res, { errcode: 45003, errmsg: 'title size out of limit' });
      if (chars(a.author) > LIMIT.author) return reply(res, { errcode: 45110, errmsg: 'author size out of limit' });
      if (chars(a.digest) > LIMIT.digest) return reply(res, { errcode: 45004, errmsg: 'description size out of limit' });
      if (!a.content) return reply(res, { errcode: 44004, errmsg: 'empty content' });
      if (chars(a.content) >= LIMIT.content) return reply(res, { errcode: 45002, errmsg: 'content size out of limit' });
      const thumb = await media.get(String(a.thumb_media_id ?? ''));
      if (thumb?.kind !== 'image') return reply(res, { errcode: 40007, errmsg: 'invalid media_id' });
    }
    const id = mediaId();
    await media.insert({ id, kind: 'draft', at: iso(), articles: articles as Array<Record<string, unknown>> });
    reply(res, { media_id: id });
  });

  async function draftOf(value: unknown): Promise<MediaDoc | undefined> {
    const id = isObject(value) ? String(value.media_id ?? '') : '';
    const doc = id ? await media.get(id) : undefined;
    return doc?.kind === 'draft' ? doc : undefined;
  }
  const news = (draft: MediaDoc, urls: string[] = []) => ({
    news: { articles: (draft.articles ?? []).map((a, i) => ({ title: a.title, description: a.digest, url: urls[i] ?? '', picurl: '' })) },
  });

  router.post('/cgi-bin/message/mass/preview', json, async (req, res) => {
    const b = body(req);
    const to = typeof b.touser === 'string' && b.touser ? b.touser : typeof b.towxname === 'string' && b.towxname ? `wxname:${b.towxname}` : '';
    if (!to) return reply(res, { errcode: 40003, errmsg: 'invalid openid' });
    if (b.msgtype !== 'mpnews') return reply(res, { errcode: 40008, errmsg: 'invalid message type' });
    const draft = await draftOf(b.mpnews);
    if (!draft) return reply(res, { errcode: 40007, errmsg: 'invalid media_id' });
    outbox.append({ at: iso(), kind: 'preview', touser: to, msgtype: 'news', body: { ...b, ...news(draft) } });
    reply(res, { errcode: 0, errmsg: 'preview success', msg_id: randomInt(1e9, 2e9) });
  });

  /** 45028 when the account has no broadcast left: 订阅号 one a day, 服务号 four a month. */
  async function quotaLeft(): Promise<boolean> {
    const type = live.current().account.type;
    const today = cityDate(new Date(now()));
    const period = type === 'subscription' ? today : today.slice(0, 7);
    const used = (await sends.findBy('kind', 'mass')).filter((s) => cityDate(new Date(s.at)).startsWith(period)).length;
    return used < (type === 'subscription' ? 1 : 4);
  }

  async function massSend(req: Request, res: Response, to: string[]) {
    const b = body(req);
    if (b.msgtype !== 'mpnews') return reply(res, { errcode: 40008, errmsg: 'invalid message type' });
    const clientmsgid = typeof b.clientmsgid === 'string' ? b.clientmsgid : undefined;
    if (clientmsgid && clientmsgid.length > 64) return reply(res, { errcode: 45067, errmsg: 'clientmsgid size out of limit' });
    return store.withLock('standin-mass', async () => {
      if (clientmsgid) {
        const day = now() - 86_400_000;
        const earlier = (await sends.findBy('kind', 'mass')).find((s) => s.clientmsgid === clientmsgid && Date.parse(s.at) > day);
        if (earlier) return reply(res, { errcode: 45065, errmsg: 'clientmsgid exist', msg_id: earlier.msgId });
      }
      const draft = await draftOf(b.mpnews);
      if (!draft) return reply(res, { errcode: 40007, errmsg: 'invalid media_id' });
      if (!(await quotaLeft())) return reply(res, { errcode: 45028, errmsg: 'has no masssend quota' });
      const msgId = randomInt(1e9, 2e9);
      const urls = (draft.articles ?? []).map((_a, i) => `http://mp.weixin.qq.com/s?__biz=local&mid=${msgId}&idx=${i + 1}`);
      await sends.insert({ id: String(msgId), kind: 'mass', at: iso(), clientmsgid, msgId, mediaId: draft.id, urls, titles: (draft.articles ?? []).map((a) => String(a.title ?? '')) });
      // A draft is removed once broadcast.
      await media.delete(draft.id);
      for (const touser of to) outbox.append({ at: iso(), kind: 'mass', touser, msgtype: 'news', msgid: msgId, body: { ...b, ...news(draft, urls) } });
      push(jobFinishXml('MASSSENDJOBFINISH', `<MsgID>${msgId}</MsgID><Status>${cdata('send success')}</Status><TotalCount>${to.length === 1 && to[0]!.startsWith('@') ? 1000 : to.length}</TotalCount><FilterCount>${to.length === 1 && to[0]!.startsWith('@') ? 980 : to.length}</FilterCount><SentCount>${to.length === 1 && to[0]!.startsWith('@') ? 975 : to.length}</SentCount><ErrorCount>${to.length === 1 && to[0]!.startsWith('@') ? 5 : 0}</ErrorCount><CopyrightCheckResult><Count>0</Count><ResultList></ResultList><CheckState>1</CheckState></CopyrightCheckResult><ArticleUrlResult><Count>${urls.length}</Count><ResultList>${urls.map((u, i) => `<item><ArticleIdx>${i + 1}</ArticleIdx><ArticleUrl>${cdata(u)}</ArticleUrl></item>`).join('')}</ResultList></ArticleUrlResult>`));
      reply(res, { errcode: 0, errmsg: 'send job submission success', msg_id: msgId, msg_data_id: msgId * 10 + 1 });
    });
  }

  router.post('/cgi-bin/message/mass/sendall', json, (req, res) => {
    const filter = body(req).filter;
    if (!isObject(filter)) return reply(res, { errcode: 47001, errmsg: 'data format error hint: [filter]' });
    const to = filter.is_to_all === true ? '@all' : filter.tag_id !== undefined ? `@tag:${String(filter.tag_id)}` : '';
    if (!to) return reply(res, { errcode: 40050, errmsg: 'invalid tag id' });
    return massSend(req, res, [to]);
  });

  router.post('/cgi-bin/message/mass/send', json, (req, res) => {
    if (live.current().account.type !== 'service') return reply(res, { errcode: 48001, errmsg: 'api unauthorized' });
    const touser = body(req).touser;
    if (!Array.isArray(touser) || touser.length < 2) return reply(res, { errcode: 40130, errmsg: 'invalid openid list size, at least two openid' });
    if (touser.length > 10_000) return reply(res, { errcode: 40130, errmsg: 'invalid openid list size' });
    return massSend(req, res, touser.map(String));
  });

  // Where a mass send is; the stand-in's sends finish at once.
  router.post('/cgi-bin/message/mass/get', json, async (req, res) => {
    const doc = await sends.get(String(body(req).msg_id ?? ''));
    if (doc?.kind !== 'mass') return reply(res, { errcode: 40007, errmsg: 'invalid msg_id' });
    reply(res, { msg_id: doc.msgId, msg_status: 'SEND_SUCCESS' });
  });

  router.post('/cgi-bin/freepublish/submit', json, async (req, res) => {
    const draft = await draftOf(body(req));
    if (!draft) return reply(res, { errcode: 40007, errmsg: 'invalid media_id' });
    if ((draft.articles ?? []).some((a) => `${String(a.title)}${String(a.content)}`.includes(STANDIN_REFUSED_PHRASE))) return reply(res, { errcode: 53503, errmsg: 'draft has not passed publish check' });
    const publishId = String(randomInt(2e9, 3e9));
    const articleId = randomBytes(16).toString('base64url');
    const urls = (draft.articles ?? []).map((_a, i) => `http://mp.weixin.qq.com/s/${articleId}-${i + 1}`);
    await sends.insert({ id: `p${publishId}`, kind: 'publish', at: iso(), publishId, mediaId: draft.id, status: 0, urls, titles: (draft.articles ?? []).map((a) => String(a.title ?? '')) });
    await media.delete(draft.id);
    push(jobFinishXml('PUBLISHJOBFINISH', `<PublishEventInfo><publish_id>${publishId}</publish_id><publish_status>0</publish_status><article_id>${cdata(articleId)}</article_id><article_detail><count>${urls.length}</count>${urls.map((u, i) => `<item><idx>${i + 1}</idx><article_url>${cdata(u)}</article_url></item>`).join('')}</article_detail></PublishEventInfo>`));
    reply(res, { errcode: 0, errmsg: 'ok', publish_id: publishId, msg_data_id: Number(publishId) * 10 });
  });

  router.post('/cgi-bin/freepublish/get', json, async (req, res) => {
    const doc = await sends.get(`p${String(body(req).publish_id ?? '')}`);
    if (!doc) return reply(res, { errcode: 48006, errmsg: 'publish_id not exist' });
    reply(res, { publish_id: doc.publishId, publish_status: doc.status, article_id: '', article_detail: { count: doc.urls.length, item: doc.urls.map((u, i) => ({ idx: i + 1, article_url: u })) }, fail_idx: [] });
  });

  function jobFinishXml(event: string, fields: string): string {
    const created = Math.floor(now() / 1000);
    return `<xml><ToUserName>${cdata('gh_local_standin')}</ToUserName><FromUserName>${cdata('oStandinMpHelper')}</FromUserName><CreateTime>${created}</CreateTime><MsgType>${cdata('event')}</MsgType><Event>${cdata(event)}</Event>${fields}</xml>`;
  }

  /** Pushes a completion event to the account's callback, signed like every WeChat push; failures are only logged. */
  function push(xml: string) {
    if (!opts.callback) return;
    const { url, token } = opts.callback();
    setTimeout(() => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = String(randomInt(1e8, 1e9));
      const query = new URLSearchParams({ signature: plainSignature(token, timestamp, nonce), timestamp, nonce });
      fetch(`${url}?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml, signal: AbortSignal.timeout(5000) }).catch((err: Error) =>
        console.warn(`[onestop:wechat-standin] 群发结果事件推送失败：${err.message}`),
      );
    }, opts.eventDelayMs ?? 200).unref();
  }

  return router;
}
