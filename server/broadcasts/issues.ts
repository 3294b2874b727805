// Issues and their articles: the editor opens the day's issue, column owners write their
// articles, and every save is a numbered revision. An edit after approvals voids those from the
// editor's own step on, so nothing unreviewed can ship.
import { randomBytes } from 'node:crypto';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { audit } from '../audit/index.js';
import { cityInstant, weekdayOf } from '../calendar/index.js';
import type { Actor, BroadcastAccount, BroadcastArticle, BroadcastDeps, BroadcastIssue, Cover, TemplateSource } from './broadcast-types.js';
import { issuesOf, revisionsOf } from './broadcast-types.js';
import { accountOf } from './accounts.js';
import { approvalsVoidedBy, canWriteColumn, chainProgress, isEditor } from './chain.js';
import { type ArticleInput, articleGaps, checkArticle } from './article-rules.js';
import { sanitizeBody } from './sanitize-body.js';

export const DEFAULT_SEND_TIME = '18:00';
export const DEFAULT_DEADLINE_MINUTES = 60;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export const nowOf = (deps: Pick<BroadcastDeps, 'now'>) => deps.now?.() ?? new Date();

export function issueIdOf(account: string, date: string): string {
  return `${account}-${date}`;
}

export async function loadIssue(deps: BroadcastDeps, id: string): Promise<{ issue: BroadcastIssue; account: BroadcastAccount }> {
  const issue = await issuesOf(deps.store).get(id);
  if (!issue) throw new NotFoundError('没有这一期群发');
  return { issue, account: accountOf(deps, issue.account) };
}

/** The column ids that appear on a date's weekday. */
export function columnsOn(account: BroadcastAccount, date: string): string[] {
  const day = weekdayOf(date);
  return account.config.columns.filter((c) => !c.days || c.days.includes(day)).map((c) => c.id);
}

const monthDay = (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
const fill = (template: string, date: string) => template.replaceAll('{{date}}', monthDay(date));

/** What an owner must still write: the same blank the gap check looks for. */
export const BLANK = '【待填写】';
const escapeHtml = (v: string) => v.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const cell = (v: unknown) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v).trim() : '');

/** {{name}} → the department system's value (escaped in HTML), or 【待填写】 when it gave none. */
function fillValues(text: string, values: Record<string, unknown>, html: boolean): string {
  return text.replace(/\{\{\s*([a-zA-Z][a-zA-Z0-9_]{0,39})\s*\}\}/g, (_m, name: string) => {
    const value = cell(values[name]);
    return value ? (html ? escapeHtml(value) : value) : BLANK;
  });
}

/** A recurring column's values from its source (a connector), or a note saying why the owner fills them by hand. */
async function templateValues(deps: BroadcastDeps, source: TemplateSource | undefined, date: string): Promise<{ values: Record<string, unknown>; note?: string }> {
  if (!source) return { values: {} };
  const got = deps.templateValues ? await deps.templateValues(source, date).catch((err: Error) => ({ failed: err.message })) : { failed: '未连接部门系统' };
  return 'values' in got ? { values: got.values } : { values: {}, note: `从部门系统取数失败（${got.failed}），请手工填写${BLANK}处` };
}

function times(account: BroadcastAccount, date: string, sendTime: string) {
  const sendAt = cityInstant(date, sendTime);
  const deadline = new Date(sendAt.getTime() - (account.config.deadlineMinutes ?? DEFAULT_DEADLINE_MINUTES) * 60_000);
  return { sendAt: sendAt.toISOString(), deadlineAt: deadline.toISOString() };
}

/** Opens the issue of one date; recurring columns start from their template. */
export async function createIssue(deps: BroadcastDeps, actor: Actor, input: { account: string; date: unknown; sendTime?: unknown }): Promise<BroadcastIssue> {
  const account = accountOf(deps, input.account);
  if (!isEditor(account, actor)) throw new ForbiddenError('只有审核链上的人员和平台管理员可以新建一期');
  const date = String(input.date ?? '');
  if (!DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw new ValidationError('日期格式应为 YYYY-MM-DD');
  const sendTime = input.sendTime ? String(input.sendTime) : (account.config.sendTime ?? DEFAULT_SEND_TIME);
  if (!HHMM.test(sendTime)) throw new ValidationError('发送时间格式应为 HH:MM');
  const at = nowOf(deps).toISOString();
  const columns = columnsOn(account, date);
  const articles: Record<string, BroadcastArticle> = {};
  const notes: string[] = [];
  for (const col of account.config.columns) {
    if (!columns.includes(col.id) || !col.template) continue;
    const t = col.template;
    const filled = await templateValues(deps, t.source, date);
    if (filled.note) notes.push(`${col.name}：${filled.note}`);
    const put = (text: string, html = false) => fillValues(fill(text, date), filled.values, html);
    articles[col.id] = {
      column: col.id, title: put(t.title).slice(0, 64), author: put(t.author ?? '').slice(0, 16), digest: put(t.digest ?? '').slice(0, 128), body: sanitizeBody(put(t.body ?? '', true)),
      sourceUrl: '', comments: false, revisions: 0, updatedAt: at, updatedBy: t.source && !filled.note ? '（模板，部门系统数据）' : '（模板）',
    };
  }
  const issue: BroadcastIssue = {
    id: issueIdOf(account.id, date), account: account.id, date, columns, articles, revision: 0, approvals: [], previews: [],
    ...times(account, date, sendTime), state: 'open', delivery: { mode: account.config.delivery ?? 'sendall', coverMedia: {}, bodyImages: {}, attempts: [] },
    reminded: [], createdAt: at, createdBy: actor.username,
  };
  try {
    await issuesOf(deps.store).insert(issue);
  } catch (err) {
    if (err instanceof ConflictError) throw new ConflictError(`${date} 这一期已经存在`);
    throw err;
  }
  audit(deps.store, nowOf(deps), { actor: actor.username, action: 'broadcast.create', target: `群发 ${issue.id}`, detail: [`${columns.length} 个栏目，发送时间 ${sendTime}`, ...notes].join('；') });
  return issue;
}

const EDITABLE = new Set(['open', 'scheduled', 'failed']);

/**
 * Saves one column's article as a new revision. Approvals from the editor's step on are voided
 * (the chain restarts there), a scheduled issue goes back to review, and the old draft is not reused.
 */
export async function saveArticle(
  deps: BroadcastDeps,
  actor: Actor,
  input: { issue: string; column: string; fields: ArticleInput; cover?: Cover | null },
): Promise<{ issue: BroadcastIssue; voided: number; changed: boolean }> {
  const { issue: before, account } = await loadIssue(deps, input.issue);
  if (!before.columns.includes(input.column)) throw new NotFoundError('这一期没有该栏目');
  if (!canWriteColumn(account, input.column, actor)) throw new ForbiddenError('您不能编辑这个栏目的稿件');
  const at = nowOf(deps).toISOString();
  let voided = 0;
  let changed = false;
  const issue = await issuesOf(deps.store).update(before.id, (current) => {
    if (!EDITABLE.has(current.state)) throw new ConflictError('这一期已经发出或正在发送，不能再修改');
    const old = current.articles[input.column];
    const cover = input.cover === null ? undefined : (input.cover ?? old?.cover);
    const fields = checkArticle(input.fields, cover);
    changed = !old || JSON.stringify(strip(old)) !== JSON.stringify(fields);
    if (!changed) return current;
    const voids = approvalsVoidedBy(current, account.config.chain, actor);
    voided = voids.length;
    const article: BroadcastArticle = { ...fields, column: input.column, revisions: (old?.revisions ?? 0) + 1, updatedAt: at, updatedBy: actor.username };
    return {
      ...current,
      articles: { ...current.articles, [input.column]: article },
      revision: current.revision + 1,
      approvals: current.approvals.map((a) => (voids.includes(a) ? { ...a, invalidatedAt: at, invalidatedBy: actor.username } : a)),
      // A scheduled or failed issue goes back to review; its draft belongs to the old revision.
      state: 'open',
    };
  });
  if (!changed) return { issue, voided: 0, changed };
  const article = issue.articles[input.column]!;
  await revisionsOf(deps.store).insert({
    id: randomBytes(12).toString('hex'), issue: issue.id, column: input.column, n: article.revisions, issueRevision: issue.revision, at, by: actor.username, fields: strip(article),
  });
  const step = chainProgress(issue, account.config.chain).current?.step.name;
  audit(deps.store, nowOf(deps), {
    actor: actor.username, action: 'broadcast.edit', target: `群发 ${issue.id} 栏目 ${columnName(account, input.column)}`,
    detail: `第 ${article.revisions} 版${voided ? `；作废 ${voided} 个审核意见，审核链从“${step}”重新开始` : ''}${before.state === 'scheduled' ? '；已取消定时发送' : ''}`,
  });
  return { issue, voided, changed };
}

function strip(a: BroadcastArticle) {
  const { column: _c, revisions: _r, updatedAt: _u, updatedBy: _b, ...fields } = a;
  return fields;
}

export const columnName = (account: BroadcastAccount, id: string) => account.config.columns.find((c) => c.id === id)?.name ?? id;

export interface ColumnStatus {
  id: string;
  name: string;
  department: string;
  optional: boolean;
  article?: BroadcastArticle;
  /** Why it cannot go out yet: 缺稿, 缺封面图片… */
  gaps: string[];
}

/** Each column of the issue with what is missing (怕漏). */
export function columnStatus(issue: BroadcastIssue, account: BroadcastAccount): ColumnStatus[] {
  return issue.columns.map((id) => {
    const col = account.config.columns.find((c) => c.id === id);
    const article = issue.articles[id];
    const gaps = article ? articleGaps(article) : col?.optional ? [] : ['缺稿'];
    return { id, name: col?.name ?? id, department: col?.department ?? '', optional: !!col?.optional, article, gaps };
  });
}

/** The problems that keep the issue from being previewed or scheduled, in Chinese. */
export function issueGaps(issue: BroadcastIssue, account: BroadcastAccount): string[] {
  const gaps = columnStatus(issue, account).flatMap((c) => c.gaps.map((g) => `${c.name}：${g}`));
  if (Object.keys(issue.articles).filter((c) => issue.columns.includes(c)).length === 0) gaps.unshift('这一期还没有任何稿件');
  return gaps;
}

/** The articles that go out, in column order. */
export function articlesInOrder(issue: BroadcastIssue): BroadcastArticle[] {
  return issue.columns.map((c) => issue.articles[c]).filter((a): a is BroadcastArticle => !!a);
}

/** Moves the send time of an open issue; the deadline follows. */
export async function setSendTime(deps: BroadcastDeps, actor: Actor, input: { issue: string; date?: unknown; time: unknown }): Promise<BroadcastIssue> {
  const { issue, account } = await loadIssue(deps, input.issue);
  if (!isEditor(account, actor)) throw new ForbiddenError('只有审核链上的人员和平台管理员可以修改发送时间');
  const time = String(input.time ?? '');
  if (!HHMM.test(time)) throw new ValidationError('发送时间格式应为 HH:MM');
  const updated = await issuesOf(deps.store).update(issue.id, (current) => {
    if (current.state !== 'open') throw new ConflictError('请先取消定时发送，再修改发送时间');
    return { ...current, ...times(account, current.date, time), reminded: [] };
  });
  audit(deps.store, nowOf(deps), { actor: actor.username, action: 'broadcast.time', target: `群发 ${issue.id}`, detail: `发送时间改为 ${time}` });
  return updated;
}

export async function listIssues(deps: BroadcastDeps, account: string): Promise<BroadcastIssue[]> {
  const all = await issuesOf(deps.store).findBy('account', account);
  return all.sort((a, b) => b.date.localeCompare(a.date));
}

export async function articleRevisions(deps: BroadcastDeps, issue: string, column: string) {
  const all = await revisionsOf(deps.store).findBy('issue', issue);
  return all.filter((r) => r.column === column).sort((a, b) => b.n - a.n);
}
