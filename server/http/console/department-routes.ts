// Department admins' pages: their department's file in the editor, live checks, drafts, upload,
// submission for review, and a phone preview of a draft. Staff see the same pages read-only.
import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import type { Store } from '../../store/index.js';
import { canEditDepartment, requireCsrf } from './console-auth.js';
import { departmentPath, type Draft, DRAFT_STATUS_NAMES, type DraftService, isMatterKey, isPlatformFile, isTableFile, MAX_DRAFT_BYTES, ownerOf, phonePreview, type SessionUser } from '../../console/index.js';
import { AppError, ValidationError } from '../../errors.js';
import type { Publisher } from '../../publish/index.js';
import type { PageRenderer } from './page.js';

const FLASH: Record<string, string> = {
  saved: '草稿已保存。',
  uploaded: '文件已上传并保存为草稿。',
  submitted: '草稿已提交审核，请等待平台管理员处理。',
};

/** Why submitting this draft was refused, from its state now (the redirect carries no text). */
function refusalMessage(draft: Draft, errors: number): string {
  if (draft.status !== 'draft') return `草稿 #${draft.number} 当前状态为“${DRAFT_STATUS_NAMES[draft.status]}”，不能提交审核。`;
  if (errors > 0) return `草稿 #${draft.number} 还有 ${errors} 个错误，请修正并保存后再提交审核。`;
  return `草稿 #${draft.number} 未能提交审核，请重试。`;
}

const OPEN: Draft['status'][] = ['draft', 'submitted', 'approved', 'rejected'];

/** The editor's URL for a draft key (a table's key keeps its slashes inside one path segment). */
const editorUrl = (key: string) => `/console/departments/${encodeURIComponent(key)}`;
/** Whether the user may change the drafts of `key` (a table belongs to its department). */
const mayEdit = (u: SessionUser, key: string) => (isPlatformFile(key) ? u.role === 'platform' : canEditDepartment(u, ownerOf(key)!));

function skeleton(key: string): string {
  if (isTableFile(key)) return '';
  if (isPlatformFile(key)) {
    const id = key.replace(/\.json$/, '');
    return `${JSON.stringify({ $schema: '../schemas/topic.schema.json', id, name: '', menuName: '', lead: '', services: [] }, null, 2)}\n`;
  }
  return `${JSON.stringify({ $schema: '../../schemas/department.schema.json', id: key, name: '', halls: [], services: [] }, null, 2)}\n`;
}

const withStatusName = (d: Draft) => ({ ...d, statusName: DRAFT_STATUS_NAMES[d.status] });
const user = (res: Response) => res.locals.user as SessionUser;
const param = (req: Request, name: string) => String(req.params[name] ?? '');

export interface DepartmentRouteDeps {
  store: Store;
  drafts: DraftService;
  publisher: Publisher;
  page: PageRenderer;
}

/** Upload runs before the router-wide CSRF check: the token is inside the multipart body. */
export function createUploadRoute(deps: DepartmentRouteDeps): Router {
  const router = Router();
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_DRAFT_BYTES, files: 1, fields: 5, headerPairs: 20 },
    fileFilter: (_req, file, cb) => cb(null, /\.(json|csv)$/i.test(file.originalname)),
  }).single('file');
  // busboy's own errors (no or wrong boundary, a truncated body, a malformed part header) are the
  // client's mistake: 400 with a Chinese message, not 500. Multer's limit errors keep their mapping.
  const parse = (req: Request, res: Response, next: NextFunction) =>
    upload(req, res, (err?: unknown) => {
      const malformed = err instanceof Error && !(err instanceof multer.MulterError) && !(err instanceof AppError) && (err as NodeJS.ErrnoException).syscall === undefined;
      next(malformed ? new ValidationError('上传内容格式不正确（multipart 表单不完整或已损坏），请重新提交') : err);
    });
  router.post('/departments/:id/upload', parse, requireCsrf(), async (req, res) => {
    const file = (req as Request & { file?: Express.Multer.File }).file;
    if (!file) throw new ValidationError('请选择一个 .json 或 .csv 文件（最大 512 KB）');
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(file.buffer);
    } catch {
      throw new ValidationError('文件不是 UTF-8 编码的文本，请另存为 UTF-8 后再上传');
    }
    const draft = await deps.drafts.save(user(res), param(req, 'id'), text.replace(/^\uFEFF/, ''));
    res.redirect(303, `${editorUrl(draft.department)}?draft=${draft.id}&msg=uploaded`);
  });
  return router;
}

export function createDepartmentRoutes(deps: DepartmentRouteDeps): Router {
  const { drafts, page } = deps;
  const router = Router();

  router.get('/departments', async (_req, res) => {
    const ids = [...(await drafts.platformFiles(user(res))), ...(await drafts.matterFiles(user(res))), ...(await drafts.departments(user(res))), ...(await drafts.tables(user(res)))];
    const rows = await Promise.all(
      ids.map(async (id) => {
        const history = await drafts.history(user(res), id);
        const open = history.find((d) => OPEN.includes(d.status));
        return { id, path: departmentPath(id), platformFile: isPlatformFile(id), table: isTableFile(id), latest: open && withStatusName(open), published: (await drafts.publishedText(id)) !== undefined };
      }),
    );
    page(res, 'departments', '部门文件', { rows, canAddTopic: user(res).role === 'platform' }, '/console/departments');
  });

  router.get('/departments/new-topic', async (req, res) => {
    const id = String(req.query.id ?? '');
    if (!/^[a-z][a-z0-9-]*$/.test(id) || id === 'account') throw new ValidationError('主题 id 只能由小写字母、数字和连字符组成，且以字母开头');
    await drafts.history(user(res), `${id}.json`); // platform role only
    res.redirect(303, `/console/departments/${id}.json`);
  });

  router.get('/departments/:id', async (req, res) => {
    const id = param(req, 'id');
    const history = await drafts.history(user(res), id); // checks access first
    const wanted = typeof req.query.draft === 'string' ? history.find((d) => d.id === req.query.draft) : undefined;
    const current = wanted ?? history.find((d) => OPEN.includes(d.status));
    const published = await drafts.publishedText(id);
    const text = current?.text ?? published ?? skeleton(id);
    const check = await drafts.check(user(res), id, text);
    const refused = req.query.msg === 'refused' && current ? refusalMessage(current, check.summary.errors) : undefined;
    const editable = isMatterKey(id) ? await drafts.canEdit(user(res), id) : mayEdit(user(res), id);
    page(res, 'editor', `编辑 ${departmentPath(id)}`, {
      department: id,
      path: departmentPath(id),
      text,
      check,
      current: current && withStatusName(current),
      canSubmit: current?.status === 'draft' && editable,
      history: history.map(withStatusName),
      canEdit: editable,
      isTable: isTableFile(id),
      isPublishedText: !current,
      flash: FLASH[String(req.query.msg ?? '')],
      flashError: refused,
    }, '/console/departments');
  });

  router.post('/api/departments/:id/check', async (req, res) => {
    res.json(await drafts.check(user(res), param(req, 'id'), (req.body as { text?: unknown }).text as string));
  });

  router.post('/departments/:id/drafts', async (req, res) => {
    const draft = await drafts.save(user(res), param(req, 'id'), (req.body as { text?: unknown }).text as string);
    res.redirect(303, `${editorUrl(draft.department)}?draft=${draft.id}&msg=saved`);
  });

  router.post('/drafts/:id/submit', async (req, res) => {
    let draft: Draft;
    try {
      draft = await drafts.submit(user(res), param(req, 'id'));
    } catch (err) {
      // A refused submission (errors left, status changed) goes back to the editor, which
      // explains why next to the file, instead of a bare error page.
      if (!(err instanceof ValidationError)) throw err;
      const refused = await drafts.get(user(res), param(req, 'id'));
      res.redirect(303, `${editorUrl(refused.department)}?draft=${refused.id}&msg=refused`);
      return;
    }
    res.redirect(303, `${editorUrl(draft.department)}?draft=${draft.id}&msg=submitted`);
  });

  router.get('/departments/:id/preview', async (req, res) => {
    const id = param(req, 'id');
    const history = await drafts.history(user(res), id);
    const draft = history.find((d) => d.id === req.query.draft) ?? history.find((d) => OPEN.includes(d.status));
    const files = draft ? await drafts.mergedFiles(draft) : await deps.publisher.currentFiles();
    const build = deps.publisher.build(files);
    page(res, 'preview', `预览 ${departmentPath(id)}`, {
      preview: phonePreview(build),
      scope: draft ? `已发布版本 + 已批准草稿 + ${departmentPath(id)} 草稿 #${draft.number}（${DRAFT_STATUS_NAMES[draft.status]}）` : '当前已发布版本',
      draftId: draft?.id,
    }, '/console/departments');
  });

  return router;
}
