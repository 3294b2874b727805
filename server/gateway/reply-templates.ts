// Text replies are handlebars templates under templates/wechat/, compiled once.
//
// Escaping decision: a WeChat text reply is plain text in which only <a href="…"> is markup,
// so HTML entity escaping would show citizens "&amp;" literally. Templates are therefore
// compiled with noEscape, and render() sanitises the whole context instead, for both text
// contexts: in text, "<" and ">" become full-width "＜" "＞" (no tag can form); in href
// values (keys named url or ending in Url), only http(s) URLs pass and quotes, angle brackets
// and spaces are percent-encoded (no attribute break-out). The XML layer then wraps the
// result in CDATA with "]]>" split (xml.ts), so no text can break the reply document.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { projectRoot } from '../config.js';

export type TemplateName = 'welcome' | 'help' | 'topic' | 'disambiguation' | 'nearby' | 'ask-location' | 'desk-ack' | 'menu-group' | 'far-away' | 'desk-failed';
const NAMES: TemplateName[] = ['welcome', 'help', 'topic', 'disambiguation', 'nearby', 'ask-location', 'desk-ack', 'menu-group', 'far-away', 'desk-failed'];
const PARTIALS = ['topic-list'];

/** WeChat's limit for a passive text reply, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 2048;

export interface ReplyTemplates {
  render(name: TemplateName, context: object): string;
}

export function plainText(text: string): string {
  return text.replace(/</g, '＜').replace(/>/g, '＞');
}

export function safeHref(url: string): string {
  if (!/^https?:\/\//i.test(url)) return '#';
  return url.replace(/["'<>\s`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function sanitize(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return key === 'url' || key.endsWith('Url') ? safeHref(value) : plainText(value);
  if (Array.isArray(value)) return value.map((v) => sanitize(v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = sanitize(v, k);
    return out;
  }
  return value;
}

/** Cuts at a line boundary so no <a> tag is left half-open, marking the cut. */
export function capTextBytes(text: string, max = MAX_TEXT_BYTES): string {
  if (Buffer.byteLength(text) <= max) return text;
  const lines = text.split('\n');
  const kept: string[] = [];
  let bytes = Buffer.byteLength('……');
  for (const line of lines) {
    const size = Buffer.byteLength(line) + 1;
    if (bytes + size > max) break;
    kept.push(line);
    bytes += size;
  }
  return `${kept.join('\n')}\n……`;
}

const loaded = new Map<string, ReplyTemplates>();

export function loadReplyTemplates(dir = path.join(projectRoot, 'templates', 'wechat')): ReplyTemplates {
  const cached = loaded.get(dir);
  if (cached) return cached;
  const hb = Handlebars.create();
  // Lets desk-ack skip the hotline line when the city's own wording already names the number.
  hb.registerHelper('includes', (text: unknown, part: unknown) => typeof text === 'string' && typeof part === 'string' && part !== '' && text.includes(part));
  const read = (name: string) => readFileSync(path.join(dir, `${name}.hbs`), 'utf8');
  for (const p of PARTIALS) hb.registerPartial(p, read(p));
  const compiled = new Map(NAMES.map((n) => [n, hb.compile(read(n), { noEscape: true, strict: false })]));
  const templates: ReplyTemplates = {
    render(name, context) {
      const text = compiled.get(name)!(sanitize(context));
      return capTextBytes(text.replace(/\n{3,}/g, '\n\n').trim());
    },
  };
  loaded.set(dir, templates);
  return templates;
}
