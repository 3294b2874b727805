// What WeChat accepts in a draft article (draft/add), checked before anything is stored, with
// the reason in Chinese: title ≤ 32 characters, author ≤ 16, digest ≤ 128, body under 20,000
// characters and 1 MB, an http(s) original link.
import { ValidationError } from '../errors.js';
import type { ArticleFields, Cover } from './broadcast-types.js';
import { bodyText, sanitizeBody } from './sanitize-body.js';

export const LIMITS = { title: 32, author: 16, digest: 128, bodyChars: 20_000, bodyBytes: 1_000_000, sourceUrl: 1024 } as const;

const chars = (s: string) => [...s].length;
const text = (v: unknown) => (typeof v === 'string' ? v.replace(/\r\n/g, '\n').trim() : '');

export interface ArticleInput {
  title?: unknown;
  author?: unknown;
  digest?: unknown;
  body?: unknown;
  sourceUrl?: unknown;
  comments?: unknown;
}

/** The fields as they will be stored: trimmed, body sanitized; throws with every problem listed. */
export function checkArticle(input: ArticleInput, cover: Cover | undefined): ArticleFields {
  const fields: ArticleFields = {
    title: text(input.title),
    author: text(input.author),
    digest: text(input.digest),
    body: sanitizeBody(typeof input.body === 'string' ? input.body : ''),
    sourceUrl: text(input.sourceUrl),
    comments: input.comments === true || input.comments === 'on' || input.comments === '1' || input.comments === 'true',
    ...(cover ? { cover } : {}),
  };
  const errors: Array<{ field: string; message: string }> = [];
  if (!fields.title) errors.push({ field: 'title', message: '请填写标题' });
  if (chars(fields.title) > LIMITS.title) errors.push({ field: 'title', message: `标题最多 ${LIMITS.title} 个字（现在 ${chars(fields.title)} 个）` });
  if (chars(fields.author) > LIMITS.author) errors.push({ field: 'author', message: `作者最多 ${LIMITS.author} 个字` });
  if (chars(fields.digest) > LIMITS.digest) errors.push({ field: 'digest', message: `摘要最多 ${LIMITS.digest} 个字（现在 ${chars(fields.digest)} 个）` });
  if (chars(fields.body) >= LIMITS.bodyChars || Buffer.byteLength(fields.body) >= LIMITS.bodyBytes) {
    errors.push({ field: 'body', message: `正文过长：微信要求少于 ${LIMITS.bodyChars} 个字符且小于 1MB` });
  }
  if (fields.sourceUrl && (!/^https?:\/\/[^\s]+$/.test(fields.sourceUrl) || fields.sourceUrl.length > LIMITS.sourceUrl)) {
    errors.push({ field: 'sourceUrl', message: '原文链接须为以 http:// 或 https:// 开头的网址（最多 1024 个字符）' });
  }
  if (errors.length) throw new ValidationError(errors.map((e) => e.message).join('；'), errors);
  return fields;
}

/** What still keeps an article from going out (empty body, no cover), in Chinese; empty when ready. */
export function articleGaps(fields: ArticleFields): string[] {
  const gaps: string[] = [];
  if (!fields.cover) gaps.push('缺封面图片');
  if (!bodyText(fields.body) && !/<img/.test(fields.body)) gaps.push('正文为空');
  if (/【待填写】/.test(fields.title + fields.digest + fields.body)) gaps.push('还有【待填写】未填');
  return gaps;
}
