// The stand-in's notice calls (issue 10): /cgi-bin/stable_token, template send (with
// client_msg_id) and /cgi-bin/message/subscribe/bizsend, with WeChat's request checks, reply
// shapes and error codes, and the completion events WeChat pushes afterwards
// (TEMPLATESENDJOBFINISH, subscribe_msg_sent_event), signed and posted to the account's /wechat.
import { randomBytes } from 'node:crypto';
import { Router, type RequestHandler, type Response } from 'express';
import type { Store } from '../../store/index.js';
import { plainSignature, STANDIN_OUTBOX, type StandinOutboxRecord, standinTokens, cdata } from '../../wechat/index.js';

export interface StandinEvents {
  /** The account's callback URL, e.g. http://127.0.0.1:3000/wechat (known once the server listens). */
  url: () => string;
  /** WECHAT_TOKEN, to sign the pushes. */
  token: string;
  /** How long after the send WeChat reports the result (default 200 ms). */
  delayMs?: number;
  /** The account's gh_ id in ToUserName. */
  accountId?: string;
  /** Where a failed push is reported (default: a warning on the console). */
  onError?: (err: Error) => void;
}

export interface NoticeStandinOptions {
  now: () => number;
  credentials: { appId: string; secret: string };
  events?: StandinEvents;
  /** Token lifetime (7200 s) and how long a superseded classic token keeps working. */
  ttlS: number;
}

/** Citizens the stand-in treats as not (or no longer) following: template sends answer 43004. */
export const standinUnfollowed = (store: Store) => store.collection<{ id: string }>('standin-unfollowed');
/** Citizens who blocked template messages: the send succeeds, the event says "failed:user block". */
export const standinBlocked = (store: Store) => store.collection<{ id: string }>('standin-blocked');
/** `<openid>:<template id>` of citizens who refused a subscription notice (or used it up): bizsend answers 43101. */
export const standinSubscriptionRefused = (store: Store) => store.collection<{ id: string }>('standin-subscription-refused');
/** client_msg_id → msgid: a repeated client_msg_id is not delivered again. */
const sentClientIds = (store: Store) => store.collection<{ id: string; msgid: number }>('standin-client-msg-ids');
/** stable_token force refreshes (ms epochs), for WeChat's 20-a-day, 30-s-apart limits. */
const stableForces = (store: Store) => store.collection<{ id: string; at: number[] }>('standin-stable-forces');

const DAY_MS = 24 * 3600_000;
/** WeChat renews a stable token 5 minutes before it expires: normal mode then hands out the new one. */
const RENEW_EARLY_MS = 5 * 60_000;
/** 类目模板 and subscription value limits by the key's type prefix (thing1, car_number2, …). */
const VALUE_LIMITS: Record<string, number> = { thing: 20, character_string: 32, phrase: 5, car_number: 8, phone_number: 17, name: 10, number: 32, amount: 32, letter: 32, symbol: 5, time: 32, date: 32, const: 20 };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

let sequence = 0;
/** Unique, numeric (as WeChat's) and increasing across restarts. */
const nextMsgid = (now: number) => Math.floor(now) * 1000 + (sequence++ % 1000);

/** Why WeChat would refuse this data (47003), or undefined. first/remark are dropped, as WeChat does. */
function checkData(data: Record<string, unknown>, limitOf: (key: string) => number): string | undefined {
  for (const [key, field] of Object.entries(data)) {
    if (key === 'first' || key === 'remark') continue;
    const value = isObject(field) ? field.value : undefined;
    if (typeof value !== 'string') return `argument invalid! data.${key}.value invalid`;
    if ([...value].length > limitOf(key) || /[\r\n]/.test(value)) return `argument invalid! data.${key}.value invalid`;
  }
  return undefined;
}

const typeLimit = (key: string) => VALUE_LIMITS[/^([a-z_]+?)\d*$/.exec(key)?.[1] ?? ''] ?? 20;

export function createNoticeStandin(store: Store, opts: NoticeStandinOptions, requireToken: RequestHandler, jsonBody: RequestHandler[]): Router {
  const { now, credentials: creds } = opts;
  const tokens = standinTokens(store);
  const outbox = store.log<StandinOutboxRecord>(STANDIN_OUTBOX);
  const router = Router();
  const reply = (res: Response, body: Record<string, unknown>) => res.status(200).json(body);

  router.post('/cgi-bin/stable_token', ...jsonBody, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    if (body.grant_type !== 'client_credential') return reply(res, { errcode: 40002, errmsg: 'invalid grant_type' });
    if (body.appid !== creds.appId) return reply(res, { errcode: 40013, errmsg: 'invalid appid' });
    if (body.secret !== creds.secret) return reply(res, { errcode: 40125, errmsg: 'invalid appsecret' });
    const force = body.force_refresh === true;
    const answer = await store.withLock('standin-token', async () => {
      const t = now();
      const current = (await tokens.list((d) => d.kind === 'stable' && d.supersededAt === undefined)).sort((a, b) => b.issuedAt - a.issuedAt)[0];
      if (!force && current && t < current.expiresAt - RENEW_EARLY_MS) return { access_token: current.id, expires_in: Math.floor((current.expiresAt - t) / 1000) };
      if (force) {
        const record = (await stableForces(store).get('forces')) ?? { id: 'forces', at: [] };
        const recent = record.at.filter((at) => t - at < DAY_MS);
        if (recent.length >= 20) return { errcode: 45009, errmsg: 'reach max api daily quota limit' };
        if (t - (recent.at(-1) ?? -Infinity) < 30_000) return { errcode: 45011, errmsg: 'api minute-quota reach limit  mustslower  retry next minute' };
        await stableForces(store).put({ id: 'forces', at: [...recent, t] });
      }
      // Force mode invalidates the previous stable token at once; a normal renewal lets it run out.
      if (current) await tokens.update(current.id, (d) => ({ ...d, supersededAt: force ? t - opts.ttlS * 1000 : d.expiresAt }));
      const id = randomBytes(48).toString('base64url');
      await tokens.insert({ id, issuedAt: t, expiresAt: t + opts.ttlS * 1000, kind: 'stable' });
      return { access_token: id, expires_in: opts.ttlS };
    });
    reply(res, answer);
  });

  router.post('/cgi-bin/message/template/send', requireToken, ...jsonBody, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    if (typeof body.touser !== 'string' || !body.touser) return reply(res, { errcode: 40003, errmsg: 'invalid openid' });
    if (typeof body.template_id !== 'string' || !body.template_id) return reply(res, { errcode: 40037, errmsg: 'invalid template_id' });
    if (!isObject(body.data)) return reply(res, { errcode: 47001, errmsg: 'data format error hint: [data]' });
    const invalid = checkData(body.data, () => 20);
    if (invalid) return reply(res, { errcode: 47003, errmsg: invalid });
    if (await standinUnfollowed(store).get(body.touser)) return reply(res, { errcode: 43004, errmsg: 'require subscribe' });
    const clientMsgId = typeof body.client_msg_id === 'string' && body.client_msg_id ? body.client_msg_id : undefined;
    const msgid = await store.withLock('standin-template', async () => {
      const seen = clientMsgId ? await sentClientIds(store).get(clientMsgId) : undefined;
      if (seen) return { msgid: seen.msgid, repeated: true };
      const id = nextMsgid(now());
      if (clientMsgId) await sentClientIds(store).insert({ id: clientMsgId, msgid: id });
      return { msgid: id, repeated: false };
    });
    if (!msgid.repeated) {
      outbox.append({ at: new Date(now()).toISOString(), kind: 'template', touser: body.touser, msgtype: 'template', templateId: body.template_id, msgid: msgid.msgid, body });
      const status = (await standinBlocked(store).get(body.touser)) ? 'failed:user block' : 'success';
      pushEvent(opts.events, body.touser, `<Event>${cdata('TEMPLATESENDJOBFINISH')}</Event><MsgID>${msgid.msgid}</MsgID><Status>${cdata(status)}</Status>`, now);
    }
    reply(res, { errcode: 0, errmsg: 'ok', msgid: msgid.msgid });
  });

  router.post('/cgi-bin/message/subscribe/bizsend', requireToken, ...jsonBody, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    if (typeof body.touser !== 'string' || !body.touser) return reply(res, { errcode: 40003, errmsg: 'invalid openid' });
    if (typeof body.template_id !== 'string' || !body.template_id) return reply(res, { errcode: 40037, errmsg: 'invalid template_id' });
    if (!isObject(body.data)) return reply(res, { errcode: 47001, errmsg: 'data format error hint: [data]' });
    const invalid = checkData(body.data, typeLimit);
    if (invalid) return reply(res, { errcode: 47003, errmsg: invalid });
    if (await standinSubscriptionRefused(store).get(`${body.touser}:${body.template_id}`)) return reply(res, { errcode: 43101, errmsg: 'user refuse to accept the msg' });
    const msgid = nextMsgid(now());
    outbox.append({ at: new Date(now()).toISOString(), kind: 'subscription', touser: body.touser, msgtype: 'subscription', templateId: body.template_id, msgid, body });
    pushEvent(
      opts.events,
      body.touser,
      `<Event>${cdata('subscribe_msg_sent_event')}</Event><SubscribeMsgSentEvent><List><TemplateId>${cdata(body.template_id)}</TemplateId><MsgID>${msgid}</MsgID><ErrorCode>0</ErrorCode><ErrorStatus>${cdata('success')}</ErrorStatus></List></SubscribeMsgSentEvent>`,
      now,
    );
    reply(res, { errcode: 0, errmsg: 'ok', msgid });
  });

  return router;
}

/** Posts a signed event push to the account's /wechat after a delay, as WeChat does; failures only warn. */
function pushEvent(events: StandinEvents | undefined, openid: string, fields: string, now: () => number) {
  if (!events) return;
  const timer = setTimeout(() => {
    const timestamp = String(Math.floor(now() / 1000));
    const nonce = randomBytes(8).toString('hex');
    const signature = plainSignature(events.token, timestamp, nonce);
    const xml = `<xml><ToUserName>${cdata(events.accountId ?? 'gh_local_standin')}</ToUserName><FromUserName>${cdata(openid)}</FromUserName><CreateTime>${timestamp}</CreateTime><MsgType>${cdata('event')}</MsgType>${fields}</xml>`;
    const url = `${events.url()}?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`;
    fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml, signal: AbortSignal.timeout(5000) }).catch(
      events.onError ?? ((e: Error) => console.warn(`[onestop:wechat-standin] 推送事件失败：${e.message}`)),
    );
  }, events.delayMs ?? 200);
  timer.unref();
}
