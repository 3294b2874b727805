// Department drafts: a department's file edited in the console, saved as numbered drafts that go
// draft → submitted → approved/rejected → published (or superseded by a newer one). Checking a
// draft builds the whole city with it, on top of the published files and the other departments'
// pending drafts, so a keyword conflict with a neighbour's pending change shows before review.
import { randomUUID } from 'node:crypto';
import type { AccountBuild, CityFiles, Diagnostic } from '../builder/index.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import type { Doc, Store } from '../store/index.js';
import { audit } from '../audit/index.js';
import type { CityVersion, Publisher } from '../publish/index.js';
import { canAccessDepartment, canEditDepartment, type SessionUser } from './users.js';
import { canEditMatter, canSeeMatter, isMatterKey, matterKeyPath, missingConfirmations } from './matter-drafts.js';

export type DraftStatus = 'draft' | 'submitted' | 'approved' | 'rejected' | 'published' | 'superseded';

export const DRAFT_STATUS_NAMES: Readonly<Record<DraftStatus, string>> = {
  draft: '草稿', submitted: '待审核', approved: '已批准', rejected: '已退回', published: '已发布', superseded: '已被新草稿取代',
};

export interface DiagnosticsSummary {
  errors: number;
  warnings: number;
  codes: string[];
}

export interface Draft extends Doc {
  /**
   * The department id; for the platform's own files their path (account.json, <topic>.json);
   * for a department's query table its path (data/<department>/<file>.csv|json).
   */
  department: string;
  number: number;
  text: string;
  status: DraftStatus;
  author: string;
  createdAt: string;
  submittedAt?: string;
  reviewer?: string;
  reviewedAt?: string;
  comment?: string;
  diagnostics: DiagnosticsSummary;
  publishedVersion?: number;
  /** A matter draft: the departments that confirmed it (the lead by submitting it). */
  confirmations?: Array<{ department: string; by: string; at: string }>;
}

/** A diagnostic placed in the edited file: conflicts reported on the other side point back here. */
export interface EditorDiagnostic extends Diagnostic {
  /** The line in the edited file to mark. */
  editorLine: number;
  /** The other file involved, when the problem was reported there. */
  otherFile?: string;
}

export interface CheckResult {
  diagnostics: EditorDiagnostic[];
  summary: DiagnosticsSummary;
  /** Problems elsewhere in the city not involving this file. */
  otherErrors: number;
}

export const MAX_DRAFT_BYTES = 512 * 1024;
const DEPARTMENT_ID = /^[a-z][a-z0-9-]*$/;
/** account.json and the topic files: the platform team's own files, drafted like a department's. */
const PLATFORM_FILE = /^[a-z][a-z0-9-]*\.json$/;

export const isPlatformFile = (key: string) => PLATFORM_FILE.test(key);
/** A department's data table for its queries: edited and reviewed like its file, owned by it. */
const TABLE_FILE = /^data\/([a-z][a-z0-9-]*)\/[A-Za-z0-9_-]{1,64}\.(csv|json)$/;
export const isTableFile = (key: string) => TABLE_FILE.test(key);
/** The department a draft key belongs to (undefined for the platform's files). */
export const ownerOf = (key: string): string | undefined => (isPlatformFile(key) ? undefined : (TABLE_FILE.exec(key)?.[1] ?? key));
const PENDING: DraftStatus[] = ['submitted', 'approved'];

/** The file a draft key names: departments/<id>.json, matters/<id>.json (key matters:<id>), or a platform file (account.json, <topic>.json) or a table as is. */
export const departmentPath = (key: string) => (isPlatformFile(key) || isTableFile(key) ? key : isMatterKey(key) ? matterKeyPath(key) : `departments/${key}.json`);

/** The query tables of the departments in `departments`, as draft keys (their paths). */
export function tablesIn(files: CityFiles, departments: string[] | 'all'): string[] {
  return files.files
    .map((f) => f.path)
    .filter((p) => TABLE_FILE.test(p) && (departments === 'all' || departments.includes(TABLE_FILE.exec(p)![1]!)))
    .sort();
}

/** The platform's files in a city: account.json first, then the topic files. */
export function platformFilesIn(files: CityFiles): string[] {
  const top = files.files.map((f) => f.path).filter((p) => isPlatformFile(p));
  return ['account.json', ...top.filter((p) => p !== 'account.json').sort()];
}

export function withFile(files: CityFiles, path: string, text: string): CityFiles {
  const rest = files.files.filter((f) => f.path !== path);
  const unreadable = files.unreadable?.filter((u) => u.path !== path);
  const sorted = [...rest, { path, text }].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return unreadable?.length ? { files: sorted, unreadable } : { files: sorted };
}

export function departmentsIn(files: CityFiles): string[] {
  return files.files
    .map((f) => /^departments\/([a-z][a-z0-9-]*)\.json$/.exec(f.path)?.[1])
    .filter((d): d is string => d !== undefined)
    .sort();
}

export function placeDiagnostics(build: AccountBuild, path: string): CheckResult {
  const diagnostics: EditorDiagnostic[] = [];
  let otherErrors = 0;
  for (const d of build.diagnostics) {
    if (d.file === path) diagnostics.push({ ...d, editorLine: d.line, ...(d.related && d.related.file !== path ? { otherFile: d.related.file } : {}) });
    else if (d.related?.file === path) diagnostics.push({ ...d, editorLine: d.related.line, otherFile: d.file });
    else if (d.severity === 'error') otherErrors++;
  }
  diagnostics.sort((a, b) => a.editorLine - b.editorLine || a.column - b.column);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return {
    diagnostics,
    summary: { errors, warnings: diagnostics.length - errors, codes: [...new Set(diagnostics.map((d) => d.code))].sort() },
    otherErrors,
  };
}

export interface DraftService {
  departments(user: SessionUser): Promise<string[]>;
  /** account.json and the topic files, for the platform role only (others get none). */
  platformFiles(user: SessionUser): Promise<string[]>;
  /** The query tables of the departments the user may see (data/<department>/<file>). */
  tables(user: SessionUser): Promise<string[]>;
  publishedText(department: string): Promise<string | undefined>;
  check(user: SessionUser, department: string, text: string): Promise<CheckResult>;
  save(user: SessionUser, department: string, text: string): Promise<Draft>;
  submit(user: SessionUser, draftId: string): Promise<Draft>;
  review(user: SessionUser, draftId: string, decision: 'approve' | 'reject', comment: string): Promise<Draft>;
  /** Matter files (keys matters:<id>) the user's departments are involved in; all for the platform. */
  matterFiles(user: SessionUser): Promise<string[]>;
  /** Whether the user may save and submit drafts of this key. */
  canEdit(user: SessionUser, key: string): Promise<boolean>;
  /** A department's admin confirms a submitted matter draft for its department. */
  confirm(user: SessionUser, draftId: string, department: string): Promise<Draft>;
  /** Submitted matter drafts the user's departments are involved in (all for the platform). */
  matterDrafts(user: SessionUser): Promise<Array<{ draft: Draft; published: string | undefined; missing: string[] }>>;
  get(user: SessionUser, draftId: string): Promise<Draft>;
  history(user: SessionUser, department: string): Promise<Draft[]>;
  byStatus(status: DraftStatus): Promise<Draft[]>;
  /** Published files with every approved draft applied (and optionally one more draft). */
  mergedFiles(extra?: Draft): Promise<CityFiles>;
  publishApproved(user: SessionUser, note: string): Promise<CityVersion>;
}

export function createDraftService(deps: { store: Store; publisher: Publisher; now?: () => Date }): DraftService {
  const { store, publisher } = deps;
  const now = deps.now ?? (() => new Date());
  const drafts = store.collection<Draft>('drafts', { indexes: ['department', 'status'] });

  async function assertMatter(user: SessionUser, key: string, edit: boolean, text?: string) {
    const published = (await publisher.currentFiles()).files.find((f) => f.path === matterKeyPath(key))?.text;
    if (!canSeeMatter(user, published, text) && !(edit && !published && text && canEditMatter(user, undefined, text))) {
      throw new ForbiddenError('只有该一件事的牵头部门和配合部门可以查看');
    }
    if (edit && !canEditMatter(user, published, text)) throw new ForbiddenError('只有牵头部门的管理员可以修改和提交一件事');
  }

  function assertDepartment(user: SessionUser, department: string, edit: boolean) {
    if (isMatterKey(department)) return; // checked by assertMatter, which needs the published file
    if (isPlatformFile(department)) {
      if (user.role !== 'platform') throw new ForbiddenError('account.json 和主题文件只有平台管理员可以查看和修改');
      return;
    }
    const owner = ownerOf(department)!;
    if (!DEPARTMENT_ID.test(owner)) throw new NotFoundError(`部门不存在：${department}`);
    if (!canAccessDepartment(user, owner)) throw new ForbiddenError(`您无权访问部门“${owner}”`);
    if (edit && !canEditDepartment(user, owner)) throw new ForbiddenError('只有该部门的管理员可以修改和提交草稿');
  }

  /** Latest draft in one of the statuses, per department, except one department. */
  async function pendingExcept(department?: string, statuses: DraftStatus[] = PENDING): Promise<Draft[]> {
    const latest = new Map<string, Draft>();
    for (const d of await drafts.list((d) => statuses.includes(d.status) && d.department !== department)) {
      const seen = latest.get(d.department);
      if (!seen || d.number > seen.number) latest.set(d.department, d);
    }
    return [...latest.values()];
  }

  function apply(files: CityFiles, list: Draft[]): CityFiles {
    return list.reduce((acc, d) => withFile(acc, departmentPath(d.department), d.text), files);
  }

  async function checkText(department: string, text: string): Promise<CheckResult> {
    const base = apply(await publisher.currentFiles(), await pendingExcept(department));
    return placeDiagnostics(publisher.build(withFile(base, departmentPath(department), text)), departmentPath(department));
  }

  async function load(user: SessionUser, draftId: string): Promise<Draft> {
    const draft = await drafts.get(draftId);
    // Another department's draft answers exactly like a missing one: ids reveal nothing.
    if (!draft) throw new NotFoundError('草稿不存在');
    if (isMatterKey(draft.department)) {
      const published = (await publisher.currentFiles()).files.find((f) => f.path === matterKeyPath(draft.department))?.text;
      if (!canSeeMatter(user, published, draft.text)) throw new NotFoundError('草稿不存在');
      return draft;
    }
    const owner = ownerOf(draft.department);
    if (owner === undefined ? user.role !== 'platform' : !canAccessDepartment(user, owner)) throw new NotFoundError('草稿不存在');
    return draft;
  }

  async function supersede(department: string, statuses: DraftStatus[], exceptId: string) {
    for (const d of await drafts.list((d) => d.department === department && statuses.includes(d.status) && d.id !== exceptId)) {
      await drafts.update(d.id, (c) => (statuses.includes(c.status) ? { ...c, status: 'superseded' } : c));
    }
  }

  function textOf(input: unknown): string {
    if (typeof input !== 'string' || input.trim() === '') throw new ValidationError('文件内容为空');
    if (Buffer.byteLength(input, 'utf8') > MAX_DRAFT_BYTES) throw new ValidationError('文件过大：最多 512 KB');
    return input;
  }

  return {
    async departments(user) {
      const all = departmentsIn(await publisher.currentFiles());
      return user.role === 'platform' ? all : [...new Set([...user.departments])].sort();
    },

    async platformFiles(user) {
      return user.role === 'platform' ? platformFilesIn(await publisher.currentFiles()) : [];
    },

    async tables(user) {
      return tablesIn(await publisher.currentFiles(), user.role === 'platform' ? 'all' : user.departments);
    },

    async publishedText(department) {
      return (await publisher.currentFiles()).files.find((f) => f.path === departmentPath(department))?.text;
    },

    async check(user, department, text) {
      assertDepartment(user, department, false);
      if (isMatterKey(department)) await assertMatter(user, department, false, typeof text === 'string' ? text : undefined);
      return checkText(department, textOf(text));
    },

    async save(user, department, rawText) {
      assertDepartment(user, department, true);
      const text = textOf(rawText);
      if (isMatterKey(department)) await assertMatter(user, department, true, text);
      const { summary } = await checkText(department, text);
      const draft = await store.withLock(`drafts:${department}`, async () => {
        const numbers = (await drafts.list((d) => d.department === department)).map((d) => d.number);
        const created: Draft = {
          id: randomUUID(), department, number: Math.max(0, ...numbers) + 1, text, status: 'draft',
          author: user.username, createdAt: now().toISOString(), diagnostics: summary,
        };
        await drafts.insert(created);
        // One open draft per department: a new save replaces unreviewed ones (approved ones stay queued).
        await supersede(department, ['draft', 'submitted'], created.id);
        return created;
      });
      audit(store, now(), { actor: user.username, action: 'draft.save', target: `${departmentPath(department)} 草稿 #${draft.number}`, detail: `${summary.errors} 个错误，${summary.warnings} 个警告` });
      return draft;
    },

    async submit(user, draftId) {
      const draft = await load(user, draftId);
      assertDepartment(user, draft.department, true);
      if (isMatterKey(draft.department)) await assertMatter(user, draft.department, true, draft.text);
      if (draft.status !== 'draft') throw new ValidationError(`草稿 #${draft.number} 当前状态为“${DRAFT_STATUS_NAMES[draft.status]}”，不能提交审核`);
      const { summary } = await checkText(draft.department, draft.text);
      if (summary.errors > 0) throw new ValidationError(`草稿 #${draft.number} 还有 ${summary.errors} 个错误，请修正后再提交审核`);
      const updated = await drafts.update(draft.id, (c) => {
        if (c.status !== 'draft') throw new ValidationError('草稿状态已变化，请刷新页面');
        // Submitting a matter is its lead department's confirmation; the cooperating ones follow.
        const lead = isMatterKey(c.department) ? (JSON.parse(c.text) as { lead?: string }).lead : undefined;
        const confirmations = lead ? [{ department: lead, by: user.username, at: now().toISOString() }] : undefined;
        return { ...c, status: 'submitted', submittedAt: now().toISOString(), diagnostics: summary, ...(confirmations ? { confirmations } : {}) };
      });
      audit(store, now(), { actor: user.username, action: 'draft.submit', target: `${departmentPath(draft.department)} 草稿 #${draft.number}` });
      return updated;
    },

    async review(user, draftId, decision, comment) {
      if (user.role !== 'platform') throw new ForbiddenError('只有平台管理员可以审核草稿');
      const draft = await load(user, draftId);
      const note = (comment ?? '').trim().slice(0, 1000);
      if (decision === 'reject' && !note) throw new ValidationError('退回草稿时请填写意见，告诉部门需要修改什么');
      if (decision === 'approve' && isMatterKey(draft.department)) {
        const missing = missingConfirmations(draft, await this.publishedText(draft.department));
        if (missing.length > 0) throw new ValidationError(`一件事须经牵头部门和全部配合部门确认后才能批准，尚未确认：${missing.join('、')}`, { missing });
      }
      const updated = await drafts.update(draft.id, (c) => {
        if (c.status !== 'submitted') throw new ValidationError(`草稿 #${c.number} 当前状态为“${DRAFT_STATUS_NAMES[c.status]}”，不能审核`);
        return { ...c, status: decision === 'approve' ? 'approved' : 'rejected', reviewer: user.username, reviewedAt: now().toISOString(), ...(note ? { comment: note } : {}) };
      });
      if (decision === 'approve') await supersede(draft.department, ['approved'], draft.id);
      audit(store, now(), {
        actor: user.username, action: decision === 'approve' ? 'draft.approve' : 'draft.reject',
        target: `${departmentPath(draft.department)} 草稿 #${draft.number}`, ...(note ? { detail: note } : {}),
      });
      return updated;
    },

    async confirm(user, draftId, department) {
      const draft = await load(user, draftId);
      if (!isMatterKey(draft.department)) throw new ValidationError('只有一件事的草稿需要各部门确认');
      if (!canEditDepartment(user, department)) throw new ForbiddenError('只有该部门的管理员可以确认');
      const published = await this.publishedText(draft.department);
      if (!missingConfirmations(draft, published).includes(department)) throw new ValidationError(`部门“${department}”无需确认或已确认`);
      const at = now().toISOString();
      const updated = await drafts.update(draft.id, (c) => {
        if (c.status !== 'submitted') throw new ValidationError(`草稿 #${c.number} 当前状态为“${DRAFT_STATUS_NAMES[c.status]}”，不能确认`);
        return { ...c, confirmations: [...(c.confirmations ?? []).filter((x) => x.department !== department), { department, by: user.username, at }] };
      });
      audit(store, now(), { actor: user.username, action: 'draft.confirm', target: `${departmentPath(draft.department)} 草稿 #${draft.number}`, detail: `部门 ${department} 确认` });
      return updated;
    },

    async matterFiles(user) {
      const files = (await publisher.currentFiles()).files.filter((f) => /^matters\/[a-z][a-z0-9-]*\.json$/.test(f.path));
      return files.filter((f) => canSeeMatter(user, f.text)).map((f) => `matters:${f.path.slice('matters/'.length, -'.json'.length)}`).sort();
    },

    async canEdit(user, key) {
      if (!isMatterKey(key)) return canEditDepartment(user, key);
      return canEditMatter(user, await this.publishedText(key));
    },

    async matterDrafts(user) {
      const out = [];
      for (const draft of await drafts.list((d) => isMatterKey(d.department) && d.status === 'submitted')) {
        const published = await this.publishedText(draft.department);
        if (canSeeMatter(user, published, draft.text)) out.push({ draft, published, missing: missingConfirmations(draft, published) });
      }
      return out.sort((a, b) => a.draft.createdAt.localeCompare(b.draft.createdAt));
    },

    get: load,

    async history(user, department) {
      assertDepartment(user, department, false);
      if (isMatterKey(department)) await assertMatter(user, department, false);
      return (await drafts.list((d) => d.department === department)).sort((a, b) => b.number - a.number);
    },

    async byStatus(status) {
      return (await drafts.list((d) => d.status === status)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },

    async mergedFiles(extra) {
      const pending = await pendingExcept(extra?.department, ['approved']);
      const merged = apply(await publisher.currentFiles(), pending);
      return extra ? withFile(merged, departmentPath(extra.department), extra.text) : merged;
    },

    async publishApproved(user, note) {
      if (user.role !== 'platform') throw new ForbiddenError('只有平台管理员可以发布');
      let included: Draft[] = [];
      return publisher.publish(
        async (current) => {
          included = await pendingExcept(undefined, ['approved']);
          if (!included.length) throw new ValidationError('没有已批准的草稿可以发布');
          return apply(current, included);
        },
        user.username,
        () => note.trim() || `发布 ${included.map((d) => `${d.department} 草稿 #${d.number}`).join('、')}`,
        {
          // Only after WeChat accepted: a refusal leaves every draft approved.
          onPublished: async (version) => {
            for (const d of included) await drafts.update(d.id, (c) => ({ ...c, status: 'published', publishedVersion: version.number }));
          },
        },
      );
    },
  };
}
