// What changed between two revisions of an article, field by field and character by character
// (a changed punctuation mark must show), as plain parts the page escapes.
import { diffChars } from 'diff';
import type { ArticleFields } from './broadcast-types.js';
import { bodyText } from './sanitize-body.js';

export interface DiffPart {
  value: string;
  added: boolean;
  removed: boolean;
}

export interface FieldDiff {
  field: string;
  label: string;
  parts: DiffPart[];
}

const LABELS: Array<[keyof ArticleFields, string]> = [
  ['title', '标题'],
  ['author', '作者'],
  ['digest', '摘要'],
  ['body', '正文'],
  ['sourceUrl', '原文链接'],
  ['comments', '留言'],
  ['cover', '封面'],
];

function show(fields: ArticleFields | undefined, key: keyof ArticleFields): string {
  if (!fields) return '';
  if (key === 'body') return bodyText(fields.body) + (/<img/.test(fields.body) ? `\n[图片 ${(fields.body.match(/<img/g) ?? []).length} 张]` : '');
  if (key === 'comments') return fields.comments ? '开启' : '关闭';
  if (key === 'cover') return fields.cover ? `${fields.cover.name}（${Math.max(1, Math.round(fields.cover.size / 1024))} KB）` : '';
  return String(fields[key] ?? '');
}

/** The fields that differ; `before` undefined = the first revision (everything added). */
export function diffArticle(before: ArticleFields | undefined, after: ArticleFields): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const [key, label] of LABELS) {
    const a = show(before, key);
    const b = show(after, key);
    if (a === b) continue;
    out.push({ field: key, label, parts: diffChars(a, b).map((p) => ({ value: p.value, added: !!p.added, removed: !!p.removed })) });
  }
  return out;
}
