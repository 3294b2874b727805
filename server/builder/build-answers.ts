// Canned replies (固定答复): checked against WeChat's reply limits and the platform's allowed link
// hosts, then compiled into ready-to-send replies. Menu extras (click answers, view links) are
// checked here too, since both follow the same host rule.
import type { CityModel } from './city-model.js';
import { compareStrings, type DiagnosticSink, type SourceRef } from './diagnostics.js';
import type { BuiltAnswer } from './types.js';

/** WeChat's limit for a passive text reply, in UTF-8 bytes. */
export const MAX_REPLY_TEXT_BYTES = 2048;

export function buildAnswers(model: CityModel, publicBaseUrl: string, sink: DiagnosticSink): BuiltAnswer[] {
  const hosts = new Set(model.account.account?.linkHosts ?? []);
  const built: BuiltAnswer[] = [];
  for (const entry of model.answers.values()) {
    const { answer } = entry;
    const file = entry.department.file;
    const at = (suffix: string): SourceRef => ({ file, pointer: `${entry.pointer}${suffix}` });
    const base = { ref: entry.ref, department: entry.department.department.id, id: answer.id, name: answer.name };
    if ((answer.text === undefined) === (answer.news === undefined)) {
      sink.error('ANSWER_REPLY_INVALID', at(''), `固定答复“${answer.name}”必须且只能填写 text（文字）或 news（图文）之一`);
      continue;
    }
    if (answer.text !== undefined) {
      const bytes = Buffer.byteLength(answer.text, 'utf8');
      if (bytes > MAX_REPLY_TEXT_BYTES) {
        sink.error('ANSWER_TEXT_TOO_LONG', at('/text'), `文字答复有 ${bytes} 字节，超过微信被动回复的 ${MAX_REPLY_TEXT_BYTES} 字节（约 680 个汉字）`);
        continue;
      }
      built.push({ ...base, reply: { kind: 'text', content: answer.text } });
      continue;
    }
    const news = answer.news!;
    const url = resolveLink(news.url ?? '/', publicBaseUrl, hosts, at('/news/url'), sink);
    const picUrl = news.picUrl === undefined ? undefined : resolveLink(news.picUrl, publicBaseUrl, hosts, at('/news/picUrl'), sink);
    if (url === undefined || (news.picUrl !== undefined && picUrl === undefined)) continue;
    built.push({ ...base, reply: { kind: 'news', title: news.title, description: news.description, url, ...(picUrl ? { picUrl } : {}) } });
  }
  return built.sort((a, b) => compareStrings(a.ref, b.ref));
}

/**
 * A path on this account's H5 site, or an https URL on an allowed host: a department can link to
 * the platform-approved portals (12306, the provincial portal) and nowhere else.
 */
export function resolveLink(link: string, publicBaseUrl: string, hosts: Set<string>, at: SourceRef, sink: DiagnosticSink): string | undefined {
  if (link.startsWith('/') && !link.startsWith('//')) return `${publicBaseUrl}${link}`;
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    sink.error('LINK_INVALID', at, `“${link}”不是有效的链接：请写本站路径（以 / 开头）或 https:// 完整地址`);
    return undefined;
  }
  if (url.protocol !== 'https:') {
    sink.error('LINK_INVALID', at, `外部链接必须使用 https://：${link}`);
    return undefined;
  }
  if (!hosts.has(url.hostname)) {
    const allowed = hosts.size ? `（现允许：${[...hosts].join('、')}）` : '（现在没有允许任何外部域名）';
    sink.error('LINK_HOST_NOT_ALLOWED', at, `域名“${url.hostname}”不在 account.json 的 linkHosts 中${allowed}；请平台团队审核后加入`);
    return undefined;
  }
  return url.toString();
}

/** Menu extras: each names exactly one of answer / url, the answer must exist, the host be allowed. */
export function checkMenuExtras(model: CityModel, sink: DiagnosticSink): void {
  const hosts = new Set(model.account.account?.linkHosts ?? []);
  for (const { index, slot } of model.account.slots) {
    for (const [i, extra] of (slot.extras ?? []).entries()) {
      const at = { file: model.account.file, pointer: `/menu/buttons/${index}/extras/${i}` };
      if ((extra.answer === undefined) === (extra.url === undefined)) {
        sink.error('MENU_EXTRA_INVALID', at, `菜单按钮“${extra.name}”必须且只能填写 answer（固定答复）或 url（网页链接）之一`);
      } else if (extra.answer !== undefined) {
        if (!model.answers.has(extra.answer) && !model.broken.answers.has(extra.answer)) {
          sink.error('UNKNOWN_ANSWER', { ...at, pointer: `${at.pointer}/answer` }, `固定答复“${extra.answer}”不存在（应写成“部门编号/答复编号”）`);
        }
      } else {
        resolveLink(extra.url!, '', hosts, { ...at, pointer: `${at.pointer}/url` }, sink);
      }
    }
  }
}
