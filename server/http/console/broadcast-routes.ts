// The console's 群发 pages: the list of issues with the suggested send time and one's reminders,
// an issue's columns (what is missing), its review chain and sending, and the article editor with
// its revisions and diffs. Every action checks the chain's rules in the broadcasts room; a refusal
// is shown on the issue page in Chinese with its status.
import { randomBytes } from 'node:crypto';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { AppError, NotFoundError, ValidationError } from '../../errors.js';
import type { SessionUser } from '../../console/index.js';
import {
  type Actor, type BroadcastAccount, type BroadcastDeps, type BroadcastIssue, LIMITS, approveStep, articleRevisions, canActOn, canWriteColumn, needsUnsentConfirmation, reconcileIssue, requireDelivery, chainProgress, columnStatus,
  createIssue, diffArticle, isEditor, issueGaps, listIssues, loadIssue, noticesFor, outcomeStatusName, rejectStep, saveArticle, scheduleIssue, sendIssue, sendPreviews,
  setSendTime, suggestSendTime, unscheduleIssue,
} from '../../broadcasts/index.js';
import { cityDate, cityMinutes, hhmm } from '../../calendar/index.js';
import { AUDIT_ACTION_NAMES, audit, readAudit } from '../../audit/index.js';
import { checkAttachments, type UploadedFile } from '../../loop/index.js';
import { multipartUpload, uploadedFiles } from '../multipart-upload.js';
import { requireCsrf } from './console-auth.js';
import { consoleAccount } from './console-account.js';
import { statusOf } from '../error-status.js';
import type { PageRenderer } from './page.js';

export interface BroadcastRouteDeps {
  broadcasts: BroadcastDeps;
  dataDir: string;
  page: PageRenderer;
  now: () => Date;
}

const actor = (res: Response): Actor => res.locals.user as SessionUser;
const param = (req: Request, name: string) => String(req.params[name] ?? '');
const clock = (iso: string) => hhmm(cityMinutes(new Date(iso)));

const STATE_NAMES: Record<BroadcastIssue['state'], string> = {
  open: '审核中', scheduled: '已安排定时发送', sending: '正在发送', sent: '已群发', published: '已发布', failed: '发送失败',
};
const MODE_NAMES = { sendall: '群发（mass/sendall）', openids: '按 openid 群发（mass/send）', publish: '发布，不通知关注者（freepublish）' } as const;

const FLASH: Record<string, string> = {
  created: '已新建这一期。', saved: '稿件已保存为新版本。', unchanged: '内容没有变化，未生成新版本。', approved: '已审核通过。', rejected: '已退回，审核链从第一步重新开始。',
  previewed: '预览已发出，请在手机上查看后回到这里确认。', scheduled: '已安排定时发送。', unscheduled: '已取消定时发送，回到审核中。', sent: '已提交给微信。', failed: '发送失败，详见下方“发送”。', time: '发送时间已修改。',
  reconciled: '已向微信核对：这一期已经发出。', 'reconciled-failed': '已核对：这一期改为“发送失败”，原因见下方“发送”；可以重试。',
  cover: '封面已上传，稿件已保存为新版本。', image: '图片已上传：把下面的代码粘贴到正文中。',
};

/** Cover and body images: JPG or PNG, sniffed and size-checked by the same checks as citizens' attachments. */
export const IMAGE_SPEC = [{ name: 'image', label: '图片', types: ['jpg', 'png'] as Array<'jpg' | 'png'>, maxSizeKb: 2048, required: true }];

function chainView(issue: BroadcastIssue, account: BroadcastAccount, user: Actor) {
  const progress = chainProgress(issue, account.config.chain);
  return {
    complete: progress.complete,
    steps: progress.steps.map((s) => ({
      id: s.step.id, name: s.step.name, need: s.step.approvals, have: s.approvals.length, done: s.done, current: s.current, preview: s.preview,
      approvals: s.approvals.map((a) => ({ user: a.user, at: a.at, revision: a.revision })),
      who: [...(s.step.users ?? []), ...(s.step.previewers ?? []).map((p) => p.user), ...(s.step.role ? [`${s.step.department ? `${s.step.department} ` : ''}${s.step.role === 'platform' ? '平台管理员' : s.step.role === 'dept-admin' ? '部门管理员' : '工作人员'}`] : [])].join('、'),
      canAct: s.current && canActOn(s.step, user) && !s.approvals.some((a) => a.user === user.username),
      previews: s.preview
        ? (s.step.previewers ?? []).map((p) => {
            const last = [...issue.previews].reverse().find((r) => r.user === p.user && r.revision === issue.revision);
            return { user: p.user, to: p.openid ? `openid ${p.openid}` : `微信号 ${p.wxname ?? '（未配置）'}`, sent: last?.ok, error: last?.error, at: last?.at, confirmed: s.approvals.some((a) => a.user === p.user) };
          })
        : [],
    })),
    currentName: progress.current?.step.name,
  };
}

/** Why WeChat would refuse this account's sends, in the words of the capability matrix. */
function deliveryRefusal(account: BroadcastAccount): string | undefined {
  try {
    requireDelivery(account, account.config.delivery ?? 'sendall');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function issueRow(issue: BroadcastIssue, account: BroadcastAccount) {
  const progress = chainProgress(issue, account.config.chain);
  const gaps = issueGaps(issue, account);
  return {
    id: issue.id, date: issue.date, state: issue.state, stateName: STATE_NAMES[issue.state], sendAt: clock(issue.sendAt), deadline: clock(issue.deadlineAt),
    where: issue.state === 'open' ? (progress.current ? `${progress.current.step.name}（${progress.current.approvals.length}/${progress.current.step.approvals}）` : '审核链已走完，待安排发送') : STATE_NAMES[issue.state],
    missing: gaps.length, revision: issue.revision,
  };
}

export function createBroadcastUploadRoutes(deps: BroadcastRouteDeps): Router {
  const router = Router();
  const parse = multipartUpload(IMAGE_SPEC, 5, deps.dataDir);
  const withUpload = (handler: (req: Request, res: Response, file: string, meta: { ext: 'jpg' | 'png'; mime: string; size: number; name: string }) => Promise<void>): RequestHandler[] => [
    parse,
    requireCsrf(),
    async (req, res, next) => {
      try {
        const files: UploadedFile[] = uploadedFiles(req);
        if (!files.length) throw new ValidationError('请选择一张 JPG 或 PNG 图片（最大 2MB）');
        const [checked] = await checkAttachments(IMAGE_SPEC, files);
        await handler(req, res, checked!.path, { ext: checked!.meta.ext as 'jpg' | 'png', mime: checked!.meta.mime, size: checked!.meta.size, name: checked!.meta.originalName });
      } catch (err) {
        next(err);
      }
    },
  ];
  const id = () => randomBytes(16).toString('hex');

  router.post('/broadcasts/:id/columns/:column/cover', ...withUpload(async (req, res, file, meta) => {
    const { issue, account } = await loadIssue(deps.broadcasts, param(req, 'id'));
    const column = param(req, 'column');
    if (!canWriteColumn(account, column, actor(res))) throw new NotFoundError('没有这个栏目');
    const current = issue.articles[column];
    if (!current) throw new ValidationError('请先保存稿件的标题和正文，再上传封面');
    const coverId = id();
    await deps.broadcasts.images.putFile(coverId, file);
    await saveArticle(deps.broadcasts, actor(res), { issue: issue.id, column, fields: current, cover: { id: coverId, ...meta } });
    res.redirect(303, `/console/broadcasts/${encodeURIComponent(issue.id)}/columns/${encodeURIComponent(column)}?msg=cover`);
  }));

  router.post('/broadcasts/:id/columns/:column/images', ...withUpload(async (req, res, file) => {
    const { issue, account } = await loadIssue(deps.broadcasts, param(req, 'id'));
    const column = param(req, 'column');
    if (!canWriteColumn(account, column, actor(res))) throw new NotFoundError('没有这个栏目');
    const imageId = id();
    await deps.broadcasts.images.putFile(imageId, file);
    audit(deps.broadcasts.store, deps.now(), { actor: actor(res).username, action: 'broadcast.edit', target: `群发 ${issue.id}`, detail: `上传正文图片 ${imageId}` });
    res.redirect(303, `/console/broadcasts/${encodeURIComponent(issue.id)}/columns/${encodeURIComponent(column)}?msg=image&image=${imageId}`);
  }));
  return router;
}

export function createBroadcastRoutes(deps: BroadcastRouteDeps): Router {
  const { page, now } = deps;
  const b = deps.broadcasts;
  const router = Router();

  const accountsFor = (user: Actor) => b.accounts().filter((a) => isEditor(a, user) || a.config.columns.some((c) => user.departments.includes(c.department)));

  // The list follows the header's account switcher: the chosen account's issues, or, when it has no
  // broadcasts (or none this user works on), the accounts that do, one click away.
  router.get('/broadcasts', async (req, res) => {
    const user = actor(res);
    const chosen = consoleAccount(res);
    const mine = accountsFor(user);
    const account = mine.find((a) => a.id === chosen.id);
    const shown = account
      ? [{
          id: account.id, name: account.name, type: account.type === 'service' ? '服务号' : '订阅号', editor: isEditor(account, user),
          issues: (await listIssues(b, account.id)).map((i) => issueRow(i, account)),
          suggestion: await suggestSendTime(b.store, now(), account.config.sendTime ?? '18:00', account.id), today: cityDate(now()),
          refusal: deliveryRefusal(account),
        }]
      : [];
    const elsewhere = account ? [] : mine.map((a) => ({ id: a.id, name: a.name }));
    page(res, 'broadcasts', `群发 · ${chosen.name}`, { accounts: shown, chosenName: chosen.name, elsewhere, notices: await noticesFor(b, user.username), flash: FLASH[String(req.query.msg ?? '')] }, '/console/broadcasts');
  });

  router.post('/broadcasts', async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const issue = await createIssue(b, actor(res), { account: consoleAccount(res).id, date: body.date, sendTime: body.sendTime || undefined });
    res.redirect(303, `/console/broadcasts/${encodeURIComponent(issue.id)}?msg=created`);
  });

  async function showIssue(req: Request, res: Response, status = 200, flashError?: string) {
    const user = actor(res);
    const { issue, account } = await loadIssue(b, param(req, 'id'));
    if (!accountsFor(user).some((a) => a.id === account.id)) throw new NotFoundError('没有这一期群发');
    const columns = columnStatus(issue, account).map((c) => ({ ...c, canWrite: canWriteColumn(account, c.id, user) }));
    const history = (await readAudit(b.store, 2000)).filter((r) => r.target.startsWith(`群发 ${issue.id}`)).map((r) => ({ ...r, action: AUDIT_ACTION_NAMES[r.action] ?? r.action }));
    const d = issue.delivery;
    const lastAttempt = d.attempts.at(-1);
    res.status(status);
    page(res, 'broadcast-issue', `群发 ${issue.date} 期`, {
      issue, account: { id: account.id, name: account.name, type: account.type === 'service' ? '服务号' : '订阅号' }, stateName: STATE_NAMES[issue.state],
      sendAt: clock(issue.sendAt), deadline: clock(issue.deadlineAt), columns, gaps: issueGaps(issue, account), chain: chainView(issue, account, user), editor: isEditor(account, user),
      mode: MODE_NAMES[d.mode], draft: d.draft ? { ...d.draft, current: d.draft.revision === issue.revision } : undefined, lastAttempt, attempts: [...d.attempts].reverse(),
      outcome: d.outcome ? { ...d.outcome, statusName: outcomeStatusName(d.outcome, d.mode) } : undefined,
      canSchedule: issue.state === 'open' || issue.state === 'failed', canRetry: issue.state === 'failed' || issue.state === 'scheduled', confirmUnsent: needsUnsentConfirmation(issue, now()),
      rejection: issue.rejection && !issue.approvals.some((a) => !a.invalidatedAt && a.at > issue.rejection!.at) ? issue.rejection : undefined,
      history, flash: FLASH[String(req.query.msg ?? '')], flashError,
    }, '/console/broadcasts');
  }

  router.get('/broadcasts/:id', (req, res) => showIssue(req, res));

  /** Runs an action, then back to the issue page; a refusal is shown there with its status. */
  const act = (fn: (req: Request, res: Response) => Promise<string>) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const msg = await fn(req, res);
      res.redirect(303, `/console/broadcasts/${encodeURIComponent(param(req, 'id'))}?msg=${msg}`);
    } catch (err) {
      if (!(err instanceof AppError) || err instanceof NotFoundError) return next(err);
      const status = statusOf(err);
      if ((req.get('accept') ?? '').includes('application/json')) return next(err);
      await showIssue(req, res, status, err.message).catch(next);
    }
  };
  const field = (req: Request, name: string) => (req.body as Record<string, unknown>)[name];

  router.post('/broadcasts/:id/approve', act(async (req, res) => (await approveStep(b, actor(res), { issue: param(req, 'id'), step: field(req, 'step'), revision: field(req, 'revision') }), 'approved')));
  router.post('/broadcasts/:id/reject', act(async (req, res) => (await rejectStep(b, actor(res), { issue: param(req, 'id'), step: field(req, 'step'), comment: field(req, 'comment') }), 'rejected')));
  router.post('/broadcasts/:id/preview', act(async (req, res) => {
    const only = field(req, 'only');
    const records = await sendPreviews(b, actor(res), { issue: param(req, 'id'), only: typeof only === 'string' && only ? only : undefined });
    const failed = records.filter((r) => !r.ok);
    if (failed.length) throw new ValidationError(`预览发送失败：${failed.map((r) => `${r.user}：${r.error}`).join('；')}`);
    return 'previewed';
  }));
  router.post('/broadcasts/:id/time', act(async (req, res) => (await setSendTime(b, actor(res), { issue: param(req, 'id'), time: field(req, 'time') }), 'time')));
  router.post('/broadcasts/:id/schedule', act(async (req, res) => (await scheduleIssue(b, actor(res), param(req, 'id')), 'scheduled')));
  router.post('/broadcasts/:id/unschedule', act(async (req, res) => (await unscheduleIssue(b, actor(res), param(req, 'id')), 'unscheduled')));
  router.post('/broadcasts/:id/send', act(async (req, res) => {
    const issue = await sendIssue(b, actor(res), param(req, 'id'), { confirmedUnsent: field(req, 'confirmedUnsent') === '1' });
    return issue.state === 'failed' ? 'failed' : 'sent';
  }));
  router.post('/broadcasts/:id/reconcile', act(async (req, res) => {
    const issue = await reconcileIssue(b, actor(res), param(req, 'id'));
    return issue.state === 'failed' ? 'reconciled-failed' : 'reconciled';
  }));

  router.get('/broadcasts/:id/columns/:column', async (req, res) => {
    const user = actor(res);
    const { issue, account } = await loadIssue(b, param(req, 'id'));
    const column = columnStatus(issue, account).find((c) => c.id === param(req, 'column'));
    if (!column || !canWriteColumn(account, column.id, user)) throw new NotFoundError('没有这个栏目');
    const revisions = await articleRevisions(b, issue.id, column.id);
    const wanted = Number(req.query.diff ?? revisions[0]?.n ?? 0);
    const shown = revisions.find((r) => r.n === wanted);
    const previous = shown ? revisions.find((r) => r.n === shown.n - 1) : undefined;
    const image = typeof req.query.image === 'string' && /^[0-9a-f]{32}$/.test(req.query.image) ? req.query.image : undefined;
    page(res, 'broadcast-article', `${column.name} · ${issue.date} 期`, {
      issue: { id: issue.id, date: issue.date, state: issue.state, revision: issue.revision }, column, article: column.article, limits: LIMITS,
      editable: ['open', 'scheduled', 'failed'].includes(issue.state),
      approvalsLive: issue.approvals.filter((a) => !a.invalidatedAt).length,
      revisions: revisions.map((r) => ({ n: r.n, at: r.at, by: r.by, shown: r.n === shown?.n })),
      diff: shown ? { n: shown.n, previous: previous?.n, fields: diffArticle(previous?.fields, shown.fields) } : undefined,
      imageSnippet: image ? `<img src="/console/broadcasts/images/${image}" alt="">` : undefined,
      flash: FLASH[String(req.query.msg ?? '')],
    }, '/console/broadcasts');
  });

  router.post('/broadcasts/:id/columns/:column', async (req, res, next) => {
    try {
      const { changed } = await saveArticle(b, actor(res), { issue: param(req, 'id'), column: param(req, 'column'), fields: req.body as Record<string, unknown> });
      res.redirect(303, `/console/broadcasts/${encodeURIComponent(param(req, 'id'))}/columns/${encodeURIComponent(param(req, 'column'))}?msg=${changed ? 'saved' : 'unchanged'}`);
    } catch (err) {
      next(err);
    }
  });

  router.get('/broadcasts/images/:image', async (req, res) => {
    const bytes = await b.images.get(param(req, 'image'));
    res.set({ 'Content-Type': bytes[0] === 0x89 ? 'image/png' : 'image/jpeg', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'private, max-age=3600' });
    res.send(bytes);
  });

  return router;
}
