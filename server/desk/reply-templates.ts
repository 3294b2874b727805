// 常用回复: saved answers a department's staff reuse on desk tickets (opening hours, documents to
// bring, the hotline). A template belongs to one department, or to every department when the
// platform team saves it without one; staff see their own departments' and the shared ones.
import { randomBytes } from 'node:crypto';
import { NotFoundError, ValidationError } from '../errors.js';
import type { Doc, Store } from '../store/index.js';
import { MAX_REPLY, parseText } from './desk-tickets.js';
import { inScope, type WorkScope } from './work-scope.js';

export interface ReplyTemplate extends Doc {
  /** Absent: shared by every department (only the platform team saves these). */
  department?: string;
  title: string;
  text: string;
  createdBy: string;
  createdAt: string;
}

const MAX_TITLE = 30;
const templatesOf = (store: Store) => store.collection<ReplyTemplate>('deskReplyTemplates');

/** The templates usable for a ticket of `department` (its own and the shared ones), by title. */
export async function listReplyTemplates(store: Store, scope: WorkScope, department?: string): Promise<ReplyTemplate[]> {
  const all = await templatesOf(store).list();
  return all
    .filter((t) => (t.department === undefined || inScope(scope, t.department)) && (department === undefined || t.department === undefined || t.department === department))
    .sort((a, b) => a.title.localeCompare(b.title, 'zh') || a.id.localeCompare(b.id));
}

export async function loadReplyTemplate(store: Store, scope: WorkScope, id: string): Promise<ReplyTemplate> {
  const found = await templatesOf(store).get(id);
  if (!found || (found.department !== undefined && !inScope(scope, found.department))) throw new NotFoundError(`常用回复不存在：${id}`, { id });
  return found;
}

export interface NewTemplate {
  department: unknown;
  title: unknown;
  text: unknown;
}

export async function addReplyTemplate(store: Store, scope: WorkScope, input: NewTemplate, change: { actor: string; now: Date }): Promise<ReplyTemplate> {
  const title = parseText(input.title, '标题', MAX_TITLE, 'title');
  const text = parseText(input.text, '回复内容', MAX_REPLY, 'text');
  const department = typeof input.department === 'string' && input.department ? input.department : undefined;
  if (department === undefined ? !scope.all : !inScope(scope, department)) throw new ValidationError('请选择本部门；通用模板只能由平台添加', { field: 'department' });
  return templatesOf(store).insert({
    id: `rt-${randomBytes(6).toString('hex')}`,
    ...(department ? { department } : {}),
    title,
    text,
    createdBy: change.actor,
    createdAt: change.now.toISOString(),
  });
}

export async function deleteReplyTemplate(store: Store, scope: WorkScope, id: string): Promise<ReplyTemplate> {
  const found = await loadReplyTemplate(store, scope, id);
  if (found.department === undefined && !scope.all) throw new NotFoundError(`常用回复不存在：${id}`, { id });
  await templatesOf(store).delete(id);
  return found;
}
