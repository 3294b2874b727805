// The WeChat simulator: builds the XML WeChat would push for a tap or a typed message, signs
// (and, in safe mode, encrypts) it exactly as WeChat does, and sends it over real HTTP to this
// server's own /wechat, so the whole path (signature check, decryption, routing, reply XML) runs.
// The trace comes from the gateway's message log entry for this push, explained by the gateway's
// own dry run (Gateway.simulate). A draft, which is not live, goes through that same front door
// with the draft's build.
// Pushes outside a reply (staff replies, template notices) are read back from the stand-in's outbox.
import { randomBytes, randomInt } from 'node:crypto';
import type { AccountBuild } from '../builder/index.js';
import type { Config } from '../config.js';
import { ValidationError } from '../errors.js';
import { SIMULATOR_ACCOUNT_ID } from '../desk/index.js';
import { hashOpenid, MESSAGE_LOG, type Gateway, type MessageLogRecord } from './gateway.js';
import { distanceText } from './replies.js';
import type { RouteTrace } from './route-types.js';
import type { Store } from '../store/index.js';
import { cdata, createMsgCrypt, parseMessage, parseXmlObject, plainSignature, readStandinOutbox, type StandinOutboxRecord } from '../wechat/index.js';

export type SimulateAction = 'text' | 'subscribe' | 'click' | 'location';

export interface SimulateInput {
  action: SimulateAction;
  text?: string;
  key?: string;
  lat?: number;
  lng?: number;
  label?: string;
}

export interface SimArticle {
  title: string;
  description: string;
  url: string;
  picUrl: string;
}

export type SimReply = { kind: 'none' } | { kind: 'text'; content: string } | { kind: 'news'; articles: SimArticle[] };

export interface SimulateResult {
  mode: 'live' | 'draft';
  encrypted: boolean;
  requestXml: string;
  reply: SimReply;
  trace?: RouteTrace;
}

/** Stand-in for the account's original id (gh_…): the gateway answers, and keeps its tickets apart. */
export { SIMULATOR_ACCOUNT_ID };

/** Validates the browser's request into a SimulateInput (Chinese errors). */
export function parseSimulateInput(body: Record<string, unknown>): SimulateInput {
  const action = body.action;
  if (action === 'text') {
    const text = typeof body.text === 'string' ? body.text.trim() : '';
    if (!text) throw new ValidationError('请输入要发送的文字');
    if (text.length > 600) throw new ValidationError('文字消息最多 600 字');
    return { action, text };
  }
  if (action === 'subscribe') return { action };
  if (action === 'click') {
    const key = typeof body.key === 'string' ? body.key : '';
    if (!key || key.length > 128) throw new ValidationError('菜单按钮的 key 无效');
    return { action, key };
  }
  if (action === 'location') {
    const lat = Number(body.lat);
    const lng = Number(body.lng);
    if (!Number.isFinite(lat) || Math.abs(lat) > 90 || !Number.isFinite(lng) || Math.abs(lng) > 180) {
      throw new ValidationError('位置无效：纬度应在 -90~90 之间，经度应在 -180~180 之间');
    }
    return { action, lat, lng, label: typeof body.label === 'string' ? body.label.slice(0, 60) : '模拟位置' };
  }
  throw new ValidationError('未知的模拟操作');
}

/** The inbound push as WeChat sends it (docs/wechat.md §2). */
export function inboundXml(input: SimulateInput, openid: string, createTime: number, msgId: string): string {
  const head = `<xml><ToUserName>${cdata(SIMULATOR_ACCOUNT_ID)}</ToUserName><FromUserName>${cdata(openid)}</FromUserName><CreateTime>${createTime}</CreateTime>`;
  switch (input.action) {
    case 'text':
      return `${head}<MsgType>${cdata('text')}</MsgType><Content>${cdata(input.text ?? '')}</Content><MsgId>${msgId}</MsgId></xml>`;
    case 'subscribe':
      return `${head}<MsgType>${cdata('event')}</MsgType><Event>${cdata('subscribe')}</Event></xml>`;
    case 'click':
      return `${head}<MsgType>${cdata('event')}</MsgType><Event>${cdata('CLICK')}</Event><EventKey>${cdata(input.key ?? '')}</EventKey></xml>`;
    case 'location':
      return `${head}<MsgType>${cdata('location')}</MsgType><Location_X>${input.lat}</Location_X><Location_Y>${input.lng}</Location_Y><Scale>15</Scale><Label>${cdata(input.label ?? '')}</Label><MsgId>${msgId}</MsgId></xml>`;
  }
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const s = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** Reads a passive reply body: "success" / empty means no reply. */
export function parseReplyXml(body: string): SimReply {
  const trimmed = body.trim();
  if (trimmed === '' || trimmed === 'success') return { kind: 'none' };
  const raw = parseXmlObject(trimmed);
  if (raw.MsgType === 'text') return { kind: 'text', content: s(raw.Content) };
  if (raw.MsgType === 'news') {
    const items = asArray((raw.Articles as Record<string, unknown> | undefined)?.item);
    return {
      kind: 'news',
      articles: items.map((i) => {
        const a = i as Record<string, unknown>;
        return { title: s(a.Title), description: s(a.Description), url: s(a.Url), picUrl: s(a.PicUrl) };
      }),
    };
  }
  return { kind: 'text', content: `（收到 ${s(raw.MsgType)} 类型的回复，模拟器暂不显示）` };
}

/**
 * What the gateway logged for this push (answeredBy, department, rule). The log keeps openids
 * only as an HMAC keyed with the session secret, and no reason text, so the record is matched
 * by hashed openid, type and time, and the reason comes from routing the same push dry-run.
 */
async function loggedDecision(store: Store, openidHash: string, type: string, since: string): Promise<MessageLogRecord | undefined> {
  const log = store.log<MessageLogRecord>(MESSAGE_LOG);
  for (let attempt = 0; attempt < 10; attempt++) {
    await log.flush();
    const hit = (await log.read((r) => r.openid === openidHash && r.type === type && r.at >= since)).pop();
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 30));
  }
  return undefined;
}

export interface LiveSimulation {
  config: Config;
  store: Store;
  /** The gateway that answers /wechat: it explains the logged decision by a dry run. */
  gateway: Pick<Gateway, 'simulate'>;
  /** The build the server answers from, to explain the decision the gateway logged. */
  build: AccountBuild;
  /** http://127.0.0.1:<port> of this very server. */
  baseUrl: string;
  /** The account's callback (/wechat/<id>); /wechat when absent. */
  callbackPath?: string;
  openid: string;
  input: SimulateInput;
  now: Date;
}

export async function simulateLive(sim: LiveSimulation): Promise<SimulateResult> {
  const { config, input, openid } = sim;
  const createTime = Math.floor(sim.now.getTime() / 1000);
  const msgId = `${createTime}${randomInt(100000, 999999)}`;
  const xml = inboundXml(input, openid, createTime, msgId);
  const timestamp = String(createTime);
  const nonce = String(randomBytes(4).readUInt32BE(0));
  const query = new URLSearchParams({ signature: plainSignature(config.wechat.token, timestamp, nonce), timestamp, nonce, openid });
  let body = xml;
  const { encodingAesKey, appId } = config.wechat;
  // The gateway decrypts only with both the key and the AppID; without the AppID it expects plain.
  const crypt = encodingAesKey && appId ? createMsgCrypt({ token: config.wechat.token, encodingAesKey, appId }) : undefined;
  if (crypt) {
    const sealed = crypt.sealReply(xml, { timestamp, nonce });
    query.set('encrypt_type', 'aes');
    query.set('msg_signature', sealed.signature);
    body = `<xml><ToUserName>${cdata(SIMULATOR_ACCOUNT_ID)}</ToUserName><Encrypt>${cdata(sealed.encrypt)}</Encrypt></xml>`;
  }
  const since = new Date(Date.now() - 1000).toISOString();
  const response = await fetch(`${sim.baseUrl}${sim.callbackPath ?? '/wechat'}?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    body,
    signal: AbortSignal.timeout(8000),
  });
  const text = await response.text();
  if (!response.ok) throw new ValidationError(`公众号接口返回 HTTP ${response.status}：${text.slice(0, 200)}`);
  let replyXml = text;
  if (crypt && text.includes('<Encrypt>')) {
    const env = parseXmlObject(text);
    replyXml = crypt.verifyAndDecrypt(s(env.MsgSignature), s(env.TimeStamp), s(env.Nonce), s(env.Encrypt));
  }
  const msg = parseMessage(xml);
  const logged = await loggedDecision(sim.store, hashOpenid(openid, config.sessionSecret), msg.msgType, since);
  const explained = await sim.gateway.simulate(msg, sim.build);
  const reply = parseReplyXml(replyXml);
  // The dry run does not see the gateway's recent-location memory, so it would describe a hall
  // list the gateway in fact suppressed as a repeat; the logged "none" and the empty reply tell.
  const suppressed = explained.trace.answeredBy === 'location' && (logged ? logged.answeredBy === 'none' : reply.kind === 'none');
  const reason = suppressed ? repeatedLocationReason(input) : logged?.answeredBy === 'query' ? queryReason(sim.build, logged) : readableReason(explained.trace.reason);
  const trace: RouteTrace = logged
    ? { answeredBy: logged.answeredBy, ...(logged.department ? { department: logged.department } : {}), ...(logged.rule ? { rule: logged.rule } : {}), ...(logged.outcome ? { outcome: logged.outcome } : {}), ...(logged.source ? { source: logged.source } : {}), reason }
    : { ...explained.trace, reason: `${reason}（消息日志中未找到对应记录）` };
  return { mode: 'live', encrypted: Boolean(crypt), requestXml: xml, reply, trace };
}

/**
 * A query's answer is explained from the gateway's own log record (which source, the outcome, how
 * long), not by asking the department's system a second time.
 */
function queryReason(build: AccountBuild, logged: MessageLogRecord): string {
  const service = build.services.find((s) => s.ref === logged.rule);
  const department = build.departments.find((d) => d.id === logged.department)?.name ?? logged.department ?? '';
  const source = logged.source?.startsWith('table:') ? `数据表 ${logged.source.slice(6)}` : `部门系统接口 ${logged.source?.slice(10) ?? ''}`;
  const outcomes: Record<string, string> = { found: '查到结果', 'not-found': '没有查到', failed: '查询失败（已回复部门电话和转人工提示）', ask: '缺少查询条件（已提示需要发送的内容）', invalid: '查询条件有误', limited: '超过每人每分钟查询次数' };
  return `由${department}的查询“${service?.name ?? logged.rule ?? ''}”回答，来源：${source}，结果：${outcomes[logged.outcome ?? ''] ?? logged.outcome ?? ''}，整条消息用时 ${logged.latencyMs} 毫秒（查询结果不写入消息日志）`;
}

function repeatedLocationReason(input: SimulateInput): string {
  const at = input.lat !== undefined && input.lng !== undefined ? `（${input.lat.toFixed(5)}, ${input.lng.toFixed(5)}）` : '';
  return `同一位置${at}刚刚已回复过附近的办事大厅，本次作为重复消息被抑制，未回复`;
}

/** The gateway's reason in the console's words: the platform's own rules by name, long distances in 公里. */
export function readableReason(reason: string): string {
  return reason
    .replace(/命中@account的规则/g, '命中平台裁决（account.json 关键词裁决）的规则')
    .replace(/约 (\d+) 米/g, (_, meters: string) => `约 ${distanceText(Number(meters))}`);
}

/** Routes the push through the gateway's dry run against a draft build: no ticket, location or log is stored. */
export async function simulateDraft(gateway: Pick<Gateway, 'simulate'>, build: AccountBuild, openid: string, input: SimulateInput, now: Date): Promise<SimulateResult> {
  const createTime = Math.floor(now.getTime() / 1000);
  const xml = inboundXml(input, openid, createTime, `${createTime}${randomInt(100000, 999999)}`);
  const msg = parseMessage(xml);
  const routed = await gateway.simulate(msg, build);
  const { reply } = routed;
  const trace = { ...routed.trace, reason: readableReason(routed.trace.reason) };
  const simReply: SimReply =
    reply.kind === 'news'
      ? { kind: 'news', articles: reply.articles.map((a) => ({ title: a.title, description: a.description, url: a.url, picUrl: a.picUrl ?? '' })) }
      : reply;
  return { mode: 'draft', encrypted: false, requestXml: xml, reply: simReply, trace };
}

/** A message the account pushed to the simulated citizen outside a passive reply. */
export interface SimPushed {
  at: string;
  kind: 'custom' | 'template';
  /** What the chat shows: a custom text/news message, or a template drawn as text lines. */
  reply: SimReply;
  /** Template messages link to a page (the card's 详情). */
  url?: string;
}

/** At most this many pushes per poll; a burst beyond it shows on the next poll. */
const OUTBOX_BATCH = 50;

/** Parses the poll's ?since=; absent means from the beginning. */
export function parseSince(raw: unknown): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const at = typeof raw === 'string' ? new Date(raw) : undefined;
  if (!at || Number.isNaN(at.getTime())) throw new ValidationError('参数 since 不是有效的时间（应为 ISO 8601 格式）');
  return at.toISOString();
}

/**
 * Customer-service and template messages the WeChat stand-in accepted for this simulated openid
 * after `since`, oldest first. Staff replies and notices to sim- users land only there.
 */
export async function simulatorOutbox(store: Store, openid: string, since?: string): Promise<SimPushed[]> {
  const records = (await readStandinOutbox(store, openid)).filter((r) => since === undefined || r.at > since);
  return records.slice(0, OUTBOX_BATCH).map(pushedOf);
}

function pushedOf(r: StandinOutboxRecord): SimPushed {
  const body = r.body;
  if (r.kind === 'template') {
    const data = (body.data ?? {}) as Record<string, { value?: unknown } | undefined>;
    const lines = Object.entries(data).map(([key, v]) => `${key}：${s(v?.value)}`);
    const url = s(body.url);
    return { at: r.at, kind: 'template', reply: { kind: 'text', content: lines.join('\n') }, ...(url ? { url } : {}) };
  }
  if (r.msgtype === 'text') return { at: r.at, kind: 'custom', reply: { kind: 'text', content: s((body.text as Record<string, unknown> | undefined)?.content) } };
  if (r.msgtype === 'news') {
    const articles = asArray((body.news as Record<string, unknown> | undefined)?.articles).map((i) => {
      const a = i as Record<string, unknown>;
      return { title: s(a.title), description: s(a.description), url: s(a.url), picUrl: s(a.picurl) };
    });
    return { at: r.at, kind: 'custom', reply: { kind: 'news', articles } };
  }
  return { at: r.at, kind: 'custom', reply: { kind: 'text', content: `（收到 ${r.msgtype} 类型的客服消息，模拟器暂不显示）` } };
}
