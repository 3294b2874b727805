// The platform team's pages: review with structural diffs, the merged phone preview, the one
// atomic city-wide publish, versions with rollback, and the audit log.
import { Router, type Request, type Response } from 'express';
import { BuildFailedError, NotFoundError, WechatApiError } from '../../errors.js';
import type { LiveBuild } from '../../live-build.js';
import type { Store } from '../../store/index.js';
import { AUDIT_ACTION_NAMES, readAudit } from '../../audit/index.js';
import { requireRole } from './console-auth.js';
import { departmentPath, describeDiff, diffBuilds, diffFiles, DRAFT_STATUS_NAMES, type DraftService, phonePreview, type SessionUser, withFile } from '../../console/index.js';
import type { Publisher } from '../../publish/index.js';
import type { PageRenderer } from './page.js';
import { consoleAccount, type ConsoleAccount } from './console-account.js';

const FLASH: Record<string, string> = {
  approved: '已批准。所有已批准的草稿将在下次发布时一起上线。',
  rejected: '已退回，部门管理员会看到您的意见。',
  published: '发布成功：新版本已上线，微信菜单已更新。',
  rolledback: '回滚成功：已按所选版本重新发布为新版本。',
};

export interface PlatformRouteDeps {
  store: Store;
  live: LiveBuild;
  drafts: DraftService;
  /** The city-wide publisher (review and publish); an account's own is consoleAccount(res).publisher. */
  publisher: Publisher;
  page: PageRenderer;
  /** Which audit records belong to the account shown (several accounts); all when absent. */
  auditFilter?: (account: ConsoleAccount) => (target: string) => boolean;
}

const user = (res: Response) => res.locals.user as SessionUser;
const param = (req: Request, name: string) => String(req.params[name] ?? '');

/** A refusal by WeChat or the builder is shown on the page instead of the generic error page. */
function failure(err: unknown): { message: string; diagnostics: unknown[] } | undefined {
  if (err instanceof WechatApiError) return { message: `微信拒绝了新菜单，线上版本保持不变。${err.message}`, diagnostics: [] };
  if (err instanceof BuildFailedError) return { message: err.message, diagnostics: (err.details as unknown[]) ?? [] };
  return undefined;
}

export function createPlatformRoutes(deps: PlatformRouteDeps): Router {
  const { drafts, publisher, page, store } = deps;
  const router = Router();
  const platform = requireRole('platform');

  async function renderReview(res: Response, extra: Record<string, unknown> = {}) {
    const currentFiles = await publisher.currentFiles();
    const published = publisher.build(currentFiles);
    const submitted = (await drafts.byStatus('submitted')).map((d) => {
      const candidateFiles = withFile(currentFiles, departmentPath(d.department), d.text);
      const candidate = publisher.build(candidateFiles);
      return {
        ...d, path: departmentPath(d.department), diff: describeDiff(diffBuilds(published, candidate)),
        fileDiff: diffFiles(currentFiles, candidateFiles), errors: candidate.diagnostics.filter((x) => x.severity === 'error'),
      };
    });
    const approved = await drafts.byStatus('approved');
    const merged = publisher.build(await drafts.mergedFiles());
    page(res, 'review', '审核与发布', {
      submitted,
      approved: approved.map((d) => ({ ...d, path: departmentPath(d.department) })),
      mergedDiff: describeDiff(diffBuilds(published, merged)),
      mergedErrors: merged.diagnostics.filter((x) => x.severity === 'error'),
      ...extra,
    }, '/console/review');
  }

  router.get('/review', platform, async (req, res) => renderReview(res, { flash: FLASH[String(req.query.msg ?? '')] }));

  router.post('/drafts/:id/approve', platform, async (req, res) => {
    await drafts.review(user(res), param(req, 'id'), 'approve', String((req.body as { comment?: unknown }).comment ?? ''));
    res.redirect(303, '/console/review?msg=approved');
  });

  router.post('/drafts/:id/reject', platform, async (req, res) => {
    await drafts.review(user(res), param(req, 'id'), 'reject', String((req.body as { comment?: unknown }).comment ?? ''));
    res.redirect(303, '/console/review?msg=rejected');
  });

  router.post('/publish', platform, async (req, res) => {
    try {
      await drafts.publishApproved(user(res), String((req.body as { note?: unknown }).note ?? '').slice(0, 200));
    } catch (err) {
      const shown = failure(err);
      if (!shown) throw err;
      res.status(err instanceof WechatApiError ? 502 : 422);
      return renderReview(res, { publishError: shown.message, publishDiagnostics: shown.diagnostics });
    }
    res.redirect(303, '/console/versions?msg=published');
  });

  router.get('/preview', platform, async (req, res) => {
    const draft = typeof req.query.draft === 'string' ? await drafts.get(user(res), req.query.draft) : undefined;
    const account = consoleAccount(res);
    const build = account.publisher.build(await drafts.mergedFiles(draft));
    page(res, 'preview', res.locals.consoleAccounts?.length ? `合并预览 · ${account.name}` : '合并预览', {
      preview: phonePreview(build),
      scope: draft
        ? `已发布版本 + 已批准草稿 + ${departmentPath(draft.department)} 草稿 #${draft.number}（${DRAFT_STATUS_NAMES[draft.status]}）`
        : '已发布版本 + 所有已批准草稿（下次发布后的样子）',
      draftId: draft?.id,
    }, '/console/preview');
  });

  async function renderVersions(res: Response, extra: Record<string, unknown> = {}) {
    const account = consoleAccount(res);
    const versions = await account.publisher.listVersions();
    const liveHash = account.live.current().hash;
    page(res, 'versions', res.locals.consoleAccounts?.length ? `版本与回滚 · ${account.name}` : '版本与回滚', {
      versions: versions.map((v, i) => ({ ...v, isCurrent: i === 0, previousNumber: versions[i + 1]?.number, isLive: v.hash === liveHash, fileCount: v.files.files.length, rollbackNumber: versions.find((x) => x.id === v.rollbackOf)?.number })),
      ...extra,
    }, '/console/versions');
  }

  router.get('/versions', platform, async (req, res) => renderVersions(res, { flash: FLASH[String(req.query.msg ?? '')] }));

  // The same review between any two published versions: what citizens saw change, and the files.
  router.get('/versions/compare', platform, async (req, res) => {
    const { publisher: own } = consoleAccount(res);
    const versions = await own.listVersions();
    const pick = (n: unknown) => versions.find((v) => String(v.number) === String(n ?? ''));
    const to = pick(req.query.to) ?? versions[0];
    const from = pick(req.query.from) ?? versions.find((v) => to && v.number === to.number - 1) ?? to;
    if (!from || !to) throw new NotFoundError('没有可比较的版本');
    page(res, 'version-compare', `版本 #${from.number} → #${to.number}`, {
      from, to, numbers: versions.map((v) => v.number),
      diff: describeDiff(diffBuilds(own.build(from.files), own.build(to.files))),
      fileDiff: diffFiles(from.files, to.files),
    }, '/console/versions');
  });

  router.post('/versions/:id/rollback', platform, async (req, res) => {
    try {
      // Versions and rollback are the account's own: the other accounts keep their menus.
      await consoleAccount(res).publisher.rollback(param(req, 'id'), user(res).username);
    } catch (err) {
      const shown = failure(err);
      if (!shown) throw err;
      res.status(err instanceof WechatApiError ? 502 : 422);
      return renderVersions(res, { publishError: shown.message });
    }
    res.redirect(303, '/console/versions?msg=rolledback');
  });

  router.get('/audit', platform, async (_req, res) => {
    const mine = deps.auditFilter?.(consoleAccount(res)) ?? (() => true);
    const records = (await readAudit(store)).filter((r) => mine(r.target)).map((r) => ({ ...r, actionName: AUDIT_ACTION_NAMES[r.action] ?? r.action }));
    page(res, 'audit', '审计日志', { records }, '/console/audit');
  });

  return router;
}
