// Inbound message XML and passive reply XML (docs/wechat.md §2).
// Parsing is deliberately dumb: no DTDs, no entities, every value a string (a 64-bit MsgId
// must survive exactly), so a hostile body can neither expand nor reach the file system.
import { XMLParser } from 'fast-xml-parser';
import { ValidationError } from '../errors.js';
import type { EncryptedEnvelope } from './crypto.js';

const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  maxNestedTags: 8,
  // No path-based callbacks: building path strings for every tag was a third of parse time.
  jPath: false,
});

const DTD = /<!(DOCTYPE|ENTITY)/i;
const CDATA_OPEN = '<![CDATA[';
const DECLARATION = /^<!(DOCTYPE|ENTITY)/i;

/**
 * Whether the body declares a DTD or an entity. Inside a CDATA section (a citizen pasting an
 * HTML error page) or a comment "<!DOCTYPE" is only text; anywhere else it is refused (before
 * the root element it is a real declaration; after it, not well-formed). One linear scan.
 */
export function declaresDtd(xml: string): boolean {
  if (!DTD.test(xml)) return false;
  let i = 0;
  while (true) {
    const open = xml.indexOf('<!', i);
    if (open < 0) return false;
    const section = xml.startsWith(CDATA_OPEN, open) ? [CDATA_OPEN, ']]>'] : xml.startsWith('<!--', open) ? ['<!--', '-->'] : undefined;
    if (!section) {
      if (DECLARATION.test(xml.slice(open, open + 9))) return true;
      i = open + 2;
      continue;
    }
    const close = xml.indexOf(section[1]!, open + section[0]!.length);
    if (close < 0) return DTD.test(xml.slice(open + section[0]!.length)); // unterminated: refuse what it hides
    i = close + section[1]!.length;
  }
}

/** Thrown for bodies we refuse to parse (DTDs, entities, not a WeChat <xml> document). */
export class UnsafeXmlError extends ValidationError {}

export interface WechatLocation {
  lat: number;
  lng: number;
  label?: string;
  precision?: number;
}

/** One inbound push, field names close to WeChat's so logs and fixtures read alike. */
export interface WechatMessage {
  toUser: string;
  fromUser: string;
  /** Seconds, as sent (a string: never re-serialised through a float). */
  createTime: string;
  msgType: string;
  msgId?: string;
  event?: string;
  eventKey?: string;
  content?: string;
  /** Speech recognition result on voice messages. */
  recognition?: string;
  location?: WechatLocation;
  /** All top-level fields as strings or nested objects, for the trace and future use. */
  raw: Record<string, unknown>;
}

const TAG_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/**
 * The fast path for the shape WeChat actually sends: <xml> holding flat elements, each either
 * one CDATA section or plain text without markup. A linear indexOf scan, no backtracking.
 * Returns undefined for anything else (nesting, attributes, entities, comments, repeated
 * names...), which then goes to fast-xml-parser; for the flat shape both give the same object
 * (text trimmed, CDATA verbatim), which test/wechat/xml.test.ts checks field by field.
 */
export function parseFlat(xml: string): Record<string, string> | undefined {
  const start = xml.indexOf('<xml>');
  const end = xml.lastIndexOf('</xml>');
  if (start < 0 || end < start || xml.slice(0, start).trim() !== '' || xml.slice(end + 6).trim() !== '') return undefined;
  const out: Record<string, string> = {};
  let i = start + 5;
  while (true) {
    while (i < end && /\s/.test(xml[i]!)) i++;
    if (i === end) return out;
    if (xml[i] !== '<') return undefined;
    const close = xml.indexOf('>', i);
    if (close < 0 || close > end) return undefined;
    const name = xml.slice(i + 1, close);
    if (!TAG_NAME.test(name) || Object.hasOwn(out, name)) return undefined;
    let value: string;
    let j = close + 1;
    if (xml.startsWith(CDATA_OPEN, j)) {
      const cdataEnd = xml.indexOf(']]>', j + CDATA_OPEN.length);
      if (cdataEnd < 0 || !endTagAt(xml, cdataEnd + 3, name)) return undefined;
      value = xml.slice(j + CDATA_OPEN.length, cdataEnd);
      j = cdataEnd + 3;
    } else {
      const next = xml.indexOf('<', j);
      if (next < 0 || !endTagAt(xml, next, name)) return undefined;
      value = xml.slice(j, next);
      if (value.includes('&')) return undefined;
      value = value.trim();
      j = next;
    }
    out[name] = value;
    i = j + name.length + 3;
  }
}

/** Whether `</name>` starts at `at` (without building the string: this runs for every field of every push). */
function endTagAt(xml: string, at: number, name: string): boolean {
  return xml.charCodeAt(at) === 60 && xml.charCodeAt(at + 1) === 47 && xml.startsWith(name, at + 2) && xml.charCodeAt(at + 2 + name.length) === 62;
}

/** Parses an <xml> document into a plain object of strings; throws UnsafeXmlError. */
export function parseXmlObject(xml: string): Record<string, unknown> {
  if (declaresDtd(xml)) throw new UnsafeXmlError('消息体包含 DOCTYPE 或 ENTITY 声明，已拒绝');
  return parseFlat(xml) ?? parseWithLibrary(xml);
}

/** The general path: fast-xml-parser with entities, DTDs and attributes off. */
export function parseWithLibrary(xml: string): Record<string, unknown> {
  if (declaresDtd(xml)) throw new UnsafeXmlError('消息体包含 DOCTYPE 或 ENTITY 声明，已拒绝');
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch (err) {
    throw new UnsafeXmlError(`消息体不是有效的 XML：${(err as Error).message}`);
  }
  const root = (doc as { xml?: unknown } | undefined)?.xml;
  if (!root || typeof root !== 'object') throw new UnsafeXmlError('消息体缺少 <xml> 根元素');
  return root as Record<string, unknown>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function num(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function locationOf(raw: Record<string, unknown>): WechatLocation | undefined {
  const nested = raw.SendLocationInfo as Record<string, unknown> | undefined;
  const src = nested && typeof nested === 'object' ? nested : raw;
  const lat = num(src.Location_X) ?? num(raw.Latitude);
  const lng = num(src.Location_Y) ?? num(raw.Longitude);
  if (lat === undefined || lng === undefined || Math.abs(lat) > 90 || Math.abs(lng) > 180) return undefined;
  return { lat, lng, label: str(src.Label) || str(src.Poiname) || undefined, precision: num(raw.Precision) };
}

/** Parses an inbound (already decrypted) message; throws UnsafeXmlError when it is not one. */
export function parseMessage(xml: string): WechatMessage {
  const raw = parseXmlObject(xml);
  const toUser = str(raw.ToUserName);
  const fromUser = str(raw.FromUserName);
  const msgType = str(raw.MsgType);
  if (!toUser || !fromUser || !msgType) throw new UnsafeXmlError('消息缺少 ToUserName、FromUserName 或 MsgType');
  return {
    toUser,
    fromUser,
    createTime: str(raw.CreateTime) ?? '',
    msgType,
    msgId: str(raw.MsgId) || undefined,
    event: str(raw.Event) || undefined,
    eventKey: str(raw.EventKey) || undefined,
    content: str(raw.Content),
    recognition: str(raw.Recognition) || undefined,
    location: locationOf(raw),
    raw,
  };
}

// Characters XML 1.0 forbids even inside CDATA; one stray control character would make
// WeChat show "该公众号暂时无法提供服务".
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Wraps text in CDATA; "]]>" inside is split across two sections so it cannot close it. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(INVALID_XML_CHARS, '').replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

export interface ReplyHeader {
  /** The citizen's openid (the request's FromUserName). */
  toUser: string;
  /** The account id (the request's ToUserName). */
  fromUser: string;
  /** Seconds. */
  createTime: number;
}

function head(h: ReplyHeader, type: string): string {
  return `<xml><ToUserName>${cdata(h.toUser)}</ToUserName><FromUserName>${cdata(h.fromUser)}</FromUserName><CreateTime>${Math.floor(h.createTime)}</CreateTime><MsgType>${cdata(type)}</MsgType>`;
}

export function textReplyXml(h: ReplyHeader, content: string): string {
  return `${head(h, 'text')}<Content>${cdata(content)}</Content></xml>`;
}

export interface ReplyArticle {
  title: string;
  description: string;
  url: string;
  picUrl?: string;
}

// A keyword's answer is one object per build, sent again and again: its articles are written out
// once (per article cap), and only the header changes from push to push.
const writtenArticles = new WeakMap<readonly ReplyArticle[], Map<number, string>>();

/** The news reply with the first `max` articles (all by default). */
export function newsReplyXml(h: ReplyHeader, articles: readonly ReplyArticle[], max = articles.length): string {
  const count = Math.min(max, articles.length);
  let byCount = writtenArticles.get(articles);
  if (!byCount) writtenArticles.set(articles, (byCount = new Map()));
  let items = byCount.get(count);
  if (items === undefined) {
    items = articles
      .slice(0, count)
      .map((a) => `<item><Title>${cdata(a.title)}</Title><Description>${cdata(a.description)}</Description><PicUrl>${cdata(a.picUrl ?? '')}</PicUrl><Url>${cdata(a.url)}</Url></item>`)
      .join('');
    byCount.set(count, items);
  }
  return `${head(h, 'news')}<ArticleCount>${count}</ArticleCount><Articles>${items}</Articles></xml>`;
}

/** The safe-mode reply envelope of the official sample. */
export function encryptedReplyXml(e: EncryptedEnvelope): string {
  return `<xml>\n<Encrypt>${cdata(e.encrypt)}</Encrypt>\n<MsgSignature>${cdata(e.signature)}</MsgSignature>\n<TimeStamp>${e.timestamp}</TimeStamp>\n<Nonce>${cdata(e.nonce)}</Nonce>\n</xml>`;
}
