// The stand-in's data API (数据统计): /datacube/getarticletotaldetail for the articles the stand-in
// broadcast or published (its `standin-sends`), with generated figures in WeChat's reply shape.
// As on WeChat, a day's figures exist only for past days and are ready after 08:00 city time the
// next day (before that the reply says is_delay); each article has one cumulative entry per
// statistics date, from its publish date for at most seven days. The stand-in takes one publish
// date per call (begin_date = end_date), which is what onestop asks.
import { createHash } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import { addDays, cityDate, cityMinutes } from '../../calendar/index.js';
import type { Doc, Store } from '../../store/index.js';

export interface AnalyticsStandinOptions {
  store: Store;
  now?: () => number;
}

/** What broadcast-standin.ts stores of a send. */
interface SendDoc extends Doc {
  kind: 'mass' | 'publish';
  at: string;
  msgId?: number;
  publishId?: string;
  urls: string[];
  titles?: string[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Figures follow an article for this many statistics dates from its publish date. */
export const STANDIN_STAT_DAYS = 7;
const READY_MINUTES = 8 * 60;

/** The msg_data_id broadcast-standin.ts answered for this send. */
export const standinMsgDataId = (s: Pick<SendDoc, 'kind' | 'msgId' | 'publishId'>) => (s.kind === 'mass' ? Number(s.msgId) * 10 + 1 : Number(s.publishId) * 10);

/** A stable pseudo-random number in [0, 1) per article, so repeated calls give the same figures. */
const unit = (key: string) => createHash('sha1').update(key).digest().readUInt32BE(0) / 2 ** 32;

/** The cumulative figures of one article on its `day`-th statistics date (0 = the publish date). */
export function standinArticleDay(msgid: string, statDate: string, day: number): Record<string, unknown> {
  const reach = 200 + Math.floor(unit(msgid) * 1800);
  const share = (f: number) => Math.round(reach * f * (1 - 0.5 ** (day + 1)));
  const readUser = share(1);
  return {
    stat_date: statDate,
    read_user: readUser,
    read_user_source: [
      { scene_desc: '公众号消息', user_count: Math.round(readUser * 0.7) },
      { scene_desc: '聊天会话', user_count: readUser - Math.round(readUser * 0.7) },
    ],
    share_user: share(0.06),
    zaikan_user: share(0.02),
    like_user: share(0.04),
    comment_count: share(0.005),
    collection_user: share(0.015),
    praise_money: 0,
    read_subscribe_user: share(0.004),
    read_delivery_rate: Math.round(unit(`${msgid}|rate`) * 30) / 100,
    read_finish_rate: Math.round((0.3 + unit(`${msgid}|finish`) * 0.4) * 100) / 100,
    read_avg_activetime: Math.round((0.5 + unit(`${msgid}|time`) * 2) * 100) / 100,
    read_jump_position: [{ position: 1, rate: 0.5 }, { position: 2, rate: 0.2 }],
  };
}

export function createAnalyticsStandin(opts: AnalyticsStandinOptions): Router {
  const now = opts.now ?? Date.now;
  const sends = opts.store.collection<SendDoc>('standin-sends', { indexes: ['kind'] });
  const router = Router();
  const reply = (res: Response, body: Record<string, unknown>) => res.status(200).json(body);
  const json = express.json({ limit: '64kb', type: () => true });

  router.post('/datacube/getarticletotaldetail', json, async (req: Request, res: Response) => {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const begin = String(body.begin_date ?? '');
    const end = String(body.end_date ?? '');
    if (!DATE.test(begin) || !DATE.test(end)) return reply(res, { errcode: 61500, errmsg: 'date format error' });
    const at = new Date(now());
    const today = cityDate(at);
    if (begin !== end || end >= today) return reply(res, { errcode: 61501, errmsg: 'date range error' });
    // Yesterday's figures are ready only after 08:00 today; older ones are.
    const ready = cityMinutes(at) >= READY_MINUTES ? addDays(today, -1) : addDays(today, -2);
    if (begin > ready) return reply(res, { list: [], is_delay: true });
    const published = (await sends.list()).filter((s) => cityDate(new Date(s.at)) === begin && (s.kind === 'mass' || s.publishId));
    const list = published.flatMap((s) =>
      s.urls.map((url, i) => {
        const msgid = `${standinMsgDataId(s)}_${i + 1}`;
        const days: Record<string, unknown>[] = [];
        for (let d = 0, date = begin; d < STANDIN_STAT_DAYS && date <= ready; d++, date = addDays(date, 1)) days.push(standinArticleDay(msgid, date, d));
        return { ref_date: begin, msgid, title: s.titles?.[i] ?? `第 ${i + 1} 篇`, content_url: url, publish_type: s.kind === 'mass' ? 0 : 1, detail_list: days };
      }),
    );
    reply(res, { list, is_delay: false });
  });

  return router;
}
