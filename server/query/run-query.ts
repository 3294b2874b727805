// Runs one query for whoever asked (chat, H5 form, API): inputs checked, the citizen's limit
// taken, the table read or the department's system called, the reply rendered, and a result page
// kept for long answers. Table queries answer synchronously (the gateway's hot path); connector
// queries return a promise.
import type { AccountBuild } from '../builder/index.js';
import { NotFoundError } from '../errors.js';
import type { ConnectorSource } from '../model/index.js';
import { lookupTable } from './lookup-table.js';
import { missingInputs, prepareInputs } from './query-inputs.js';
import { queryIndexOf, type IndexedQuery } from './query-index.js';
import type { ConnectorAnswer, ConnectorCaller, QueryAsker, QueryResult } from './query-types.js';
import type { RateLimiter } from './rate-limiter.js';
import { capText, inert } from './render-reply.js';
import { keptKey, type Kept, type KeptPartial } from './kept-answers.js';
import { cityDate } from '../calendar/index.js';
import type { ResultPages } from './result-pages.js';

export const DEFAULT_PER_MINUTE = 10;
export const DEFAULT_PAGE_MINUTES = 10;

export interface QueryDeps {
  limiter: RateLimiter;
  pages: ResultPages;
  connectors?: ConnectorCaller;
  now?: () => Date;
}

export interface QueryRequest {
  build: AccountBuild;
  /** <department>/<service> */
  service: string;
  inputs: Record<string, unknown>;
  asker: QueryAsker;
  /** The console's simulator and test query: no limit taken, no page kept. */
  dryRun?: boolean;
}

type MaybePromise<T> = T | Promise<T>;

export function hasQuery(build: AccountBuild, ref: string): boolean {
  return queryIndexOf(build).queries.has(ref);
}

export function runQuery(deps: QueryDeps, request: QueryRequest): MaybePromise<QueryResult> {
  const started = performance.now();
  const now = deps.now?.() ?? new Date();
  const entry = queryIndexOf(request.build).queries.get(request.service);
  if (!entry) throw new NotFoundError(`该事项不提供在线查询：${request.service}`, { service: request.service });
  const { query, service } = entry;
  const table = query.source.table;
  const result = (partial: KeptPartial): QueryResult => ({
    service: service.ref,
    source: entry.source,
    latencyMs: Math.round((performance.now() - started) * 10) / 10,
    ...partial,
  });
  const perMinute = request.build.account.queries?.perMinute ?? DEFAULT_PER_MINUTE;
  const limited = () => !request.dryRun && !deps.limiter.take(request.asker.key, perMinute, now.getTime());
  const limitedReply = (): KeptPartial => ({ outcome: 'limited', text: `查询过于频繁，请一分钟后再试（每人每分钟最多 ${perMinute} 次）。`, reason: `超过每人每分钟 ${perMinute} 次的查询限制` });

  // A table query asked the same way today as before gets the kept answer; the limit still counts.
  const keyOfKept = entry.kept && keptKey(cityDate(now), request.inputs);
  const kept = keyOfKept === undefined ? undefined : entry.kept!.get(keyOfKept);
  if (kept) {
    if ('before' in kept) return result(kept.before);
    return result(limited() ? limitedReply() : kept.answer);
  }
  const keep = (value: Kept) => {
    if (keyOfKept !== undefined) entry.kept!.set(keyOfKept, value);
  };

  const context = baseContext(request.build, entry);
  const missing = missingInputs(query, request.inputs);
  if (missing.length > 0) {
    const before: KeptPartial = { outcome: 'ask', text: askText(entry, missing.map((f) => f.label), context.formUrl), reason: `缺少查询条件：${missing.map((f) => f.label).join('、')}，回复提示并附在线查询链接` };
    keep({ before });
    return result(before);
  }
  const checked = prepareInputs(query, request.inputs, now, service.ref);
  if (!checked.ok) {
    const text = `${checked.errors.map((e) => e.message).join('；')}。${query.chat?.example ? `示例：${query.chat.example}。` : ''}也可<a href="${context.formUrl}">在线填写查询</a>。`;
    const before: KeptPartial = { outcome: 'invalid', text: capText(text), errors: checked.errors, reason: `查询条件有误：${checked.errors.map((e) => e.label).join('、')}` };
    keep({ before });
    return result(before);
  }
  if (limited()) return result(limitedReply());
  const inputs = checked.value;

  if (table) {
    const data = request.build.tables?.[table.file];
    if (!data) return result(failed(entry, context, `当前版本中没有数据表 ${table.file}`));
    const answer = lookupTable(data, table, inputs, request.build.account.calendar, now);
    const found = answer.rows.length > 0;
    const view = { ...answer, row: answer.rows[0] ?? {}, count: answer.rows.length };
    const page = found ? keepPage(deps, request, entry, view, now) : undefined;
    const text = render(entry, found ? 'found' : 'notFound', { ...context, ...inputs, ...view, ...(page ? { pageUrl: page } : {}) });
    const reason = `查数据表 ${table.file}（${answer.dateText}），${found ? `找到 ${answer.rows.length} 行` : '没有匹配的行'}`;
    const partial: KeptPartial = { outcome: found ? 'found' : 'not-found', text, data: view, ...(page ? { pageUrl: page } : {}), reason };
    if (!page) keep({ answer: partial });
    return result(partial);
  }

  const connector = query.source.connector!;
  if (!deps.connectors) return result(failed(entry, context, '未配置部门系统接口'));
  return deps.connectors.call(connectorRequest(connector, inputs)).then(
    (answer: ConnectorAnswer) => {
      if (answer.kind === 'failed') return result(failed(entry, context, `接口“${connector.connector}”${answer.reason}`));
      const found = answer.kind === 'found';
      const page = found ? keepPage(deps, request, entry, answer.data, now) : undefined;
      const data = withoutPhotoPaths(answer.data, entry);
      const text = render(entry, found ? 'found' : 'notFound', { ...context, ...inputs, data, ...(page ? { pageUrl: page } : {}) });
      const reason = `调用接口“${connector.connector}”（${connector.method ?? 'GET'} ${connector.path}），${found ? '查到结果' : '没有查到记录'}`;
      return result({ outcome: found ? 'found' : 'not-found', text, data, ...(page ? { pageUrl: page } : {}), reason });
    },
    () => result(failed(entry, context, `接口“${connector.connector}”调用出错`)),
  );
}

function baseContext(build: AccountBuild, entry: IndexedQuery) {
  const { department } = entry;
  return {
    department: department?.name ?? entry.service.department,
    hotline: department?.hotline ?? build.account.desk.hotline ?? '',
    service: entry.service.name,
    formUrl: `${build.publicBaseUrl}/s/${entry.service.ref}/query`,
    pageMinutes: build.account.queries?.resultPageMinutes ?? DEFAULT_PAGE_MINUTES,
  };
}

function render(entry: IndexedQuery, name: 'found' | 'notFound' | 'failed', context: Record<string, unknown>): string {
  const template = entry.render[name];
  const text = template ? template(inert(context) as object) : '';
  const pageUrl = context.pageUrl;
  // The link goes last and is never cut: the long part of an answer is what the page is for.
  if (typeof pageUrl === 'string') return `${capText(text, 1900)}\n<a href="${String(inert(pageUrl, 'pageUrl'))}">查看详情</a>（仅本人可看，${String(context.pageMinutes ?? DEFAULT_PAGE_MINUTES)} 分钟内有效）`;
  return capText(text);
}

function failed(entry: IndexedQuery, context: ReturnType<typeof baseContext>, why: string): KeptPartial {
  const text = entry.render.failed
    ? render(entry, 'failed', context)
    : capText(`${context.department}的查询系统暂时无法使用，请稍后再试${context.hotline ? `，或拨打 ${context.hotline} 咨询` : ''}。如需人工帮助，请回复“人工”。`);
  return { outcome: 'failed', text, reason: `${why}：回复稍后再试、部门电话和转人工提示` };
}

function askText(entry: IndexedQuery, labels: string[], formUrl: string): string {
  const example = entry.query.chat?.example;
  const send = example ? `请发送“${example}”这样的消息，或` : '请';
  return capText(`查询“${entry.service.name}”需要：${labels.join('、')}。\n${send}<a href="${formUrl}">在线填写查询</a>。`);
}

/** A connector call for `source`, its path and parameters filled from `inputs` (the path URL-encoded). */
export function connectorRequest(source: ConnectorSource, inputs: Record<string, string | number>) {
  const fill = (template: string, encode: boolean) =>
    template.replace(/\{([a-zA-Z][a-zA-Z0-9_]{0,39})\}/g, (_m, name: string) => {
      const value = inputs[name] === undefined ? '' : String(inputs[name]);
      return encode ? encodeURIComponent(value) : value;
    });
  return {
    connector: source.connector,
    method: source.method ?? 'GET',
    path: fill(source.path, true),
    params: Object.fromEntries(Object.entries(source.params ?? {}).map(([k, v]) => [k, fill(v, false)])),
    map: source.map ?? {},
    ...(source.foundWhen !== undefined ? { foundWhen: source.foundWhen } : {}),
  };
}

/** A result page for the citizen who asked, when the query declares one. */
function keepPage(deps: QueryDeps, request: QueryRequest, entry: IndexedQuery, data: Record<string, unknown>, now: Date): string | undefined {
  const page = entry.query.reply.page;
  if (!page || request.dryRun || !request.asker.openid) return undefined;
  const list = data[page.list];
  const items = Array.isArray(list) ? list : [];
  const photosField = entry.query.source.connector?.photos;
  const cards = items.map((item) => page.fields.map((f) => ({ label: f.label, value: cellText((item as Record<string, unknown>)?.[f.key]) })));
  const photos = items.map((item) => {
    const value = photosField ? (item as Record<string, unknown>)?.[photosField] : undefined;
    return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((p): p is string => typeof p === 'string').slice(0, 6);
  });
  const minutes = request.build.account.queries?.resultPageMinutes ?? DEFAULT_PAGE_MINUTES;
  const token = deps.pages.put(
    { service: entry.service.ref, openid: request.asker.openid, title: page.title, items: cards, photos, summary: `${entry.service.name}：共 ${items.length} 条` },
    minutes * 60_000,
    now.getTime(),
  );
  return `${request.build.publicBaseUrl}/q/${token}`;
}

/** Photo paths on the department's system stay inside onestop: the page serves them itself. */
function withoutPhotoPaths(data: Record<string, unknown>, entry: IndexedQuery): Record<string, unknown> {
  const field = entry.query.source.connector?.photos;
  const list = entry.query.reply.page?.list;
  const items = list ? data[list] : undefined;
  if (!field || !list || !Array.isArray(items)) return data;
  return { ...data, [list]: items.map((item) => (item && typeof item === 'object' ? Object.fromEntries(Object.entries(item).filter(([k]) => k !== field)) : item)) };
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
