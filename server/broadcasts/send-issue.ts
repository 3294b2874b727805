// Sending an issue through WeChat: covers become permanent material, body images go through
// uploadimg, the articles become one draft (draft/add), and the draft is broadcast (mass/sendall
// or mass/send) or published (freepublish/submit). Every step's result is stored as it happens, so
// a refusal in the middle leaves the draft on record and nothing marked sent; a retry reuses the
// draft and the clientmsgid, so WeChat never sends one revision twice.
import { ConflictError, ForbiddenError, WechatApiError } from '../errors.js';
import { audit } from '../audit/index.js';
import type { DraftArticle } from '../wechat/index.js';
import type { Actor, BroadcastAccount, BroadcastDeps, BroadcastIssue, Delivery, PreviewRecord } from './broadcast-types.js';
import { issuesOf } from './broadcast-types.js';
import { canActOn, chainProgress, isEditor } from './chain.js';
import { articlesInOrder, issueGaps, loadIssue, nowOf } from './issues.js';
import { BODY_IMAGE_SRC, bodyImageIds } from './sanitize-body.js';
import { requireDelivery } from './accounts.js';

export class BroadcastUnavailableError extends ConflictError {}

function api(deps: BroadcastDeps, account: string) {
  const found = deps.wechat(account);
  if (!found) throw new BroadcastUnavailableError('未连接微信接口，无法预览或发送群发');
  return found;
}

const saveDelivery = (deps: BroadcastDeps, id: string, fn: (d: Delivery, issue: BroadcastIssue) => Partial<BroadcastIssue> & { delivery?: Delivery }) =>
  issuesOf(deps.store).update(id, (current) => ({ ...current, ...fn(current.delivery, current) }));

/** The WeChat draft of the current revision: made once per revision, with covers and images uploaded once. */
export async function ensureDraft(deps: BroadcastDeps, issue: BroadcastIssue): Promise<{ issue: BroadcastIssue; mediaId: string }> {
  if (issue.delivery.draft?.revision === issue.revision) return { issue, mediaId: issue.delivery.draft.mediaId };
  const wechat = api(deps, issue.account);
  let current = issue;
  const articles: DraftArticle[] = [];
  for (const article of articlesInOrder(current)) {
    const cover = article.cover!;
    let thumb = current.delivery.coverMedia[cover.id];
    if (!thumb) {
      const { mediaId } = await wechat.addImageMaterial(await deps.images.get(cover.id), `${cover.id}.${cover.ext}`, cover.mime);
      current = await saveDelivery(deps, current.id, (d) => ({ delivery: { ...d, coverMedia: { ...d.coverMedia, [cover.id]: mediaId } } }));
      thumb = mediaId;
    }
    let content = article.body;
    for (const imageId of bodyImageIds(article.body)) {
      let url = current.delivery.bodyImages[imageId];
      if (!url) {
        const bytes = await deps.images.get(imageId);
        const png = bytes[0] === 0x89;
        const uploaded = await wechat.uploadBodyImage(bytes, `${imageId}.${png ? 'png' : 'jpg'}`, png ? 'image/png' : 'image/jpeg');
        current = await saveDelivery(deps, current.id, (d) => ({ delivery: { ...d, bodyImages: { ...d.bodyImages, [imageId]: uploaded } } }));
        url = uploaded;
      }
      content = content.replaceAll(`src="/console/broadcasts/images/${imageId}"`, `src="${url.replace(/"/g, '&quot;')}"`);
    }
    if (BODY_IMAGE_SRC.test(content)) throw new Error('body image left unreplaced');
    articles.push({
      title: article.title, author: article.author, digest: article.digest, content, content_source_url: article.sourceUrl,
      thumb_media_id: thumb, need_open_comment: article.comments ? 1 : 0, only_fans_can_comment: 0,
    });
  }
  const mediaId = await wechat.addDraft(articles);
  const at = nowOf(deps).toISOString();
  const revision = current.revision;
  current = await saveDelivery(deps, current.id, (d) => ({ delivery: { ...d, draft: { revision, mediaId, at } } }));
  return { issue: current, mediaId };
}

const errorText = (err: unknown) => (err instanceof WechatApiError ? err.message : `发送失败：${(err as Error).message}`);

/** WeChat's real preview (mass/preview) of the current revision to the previewers of the current step. */
export async function sendPreviews(deps: BroadcastDeps, actor: Actor, input: { issue: string; only?: string }): Promise<PreviewRecord[]> {
  const { issue, account } = await loadIssue(deps, input.issue);
  if (issue.state !== 'open') throw new ConflictError('这一期不在审核中');
  const step = chainProgress(issue, account.config.chain).current;
  if (!step?.preview) throw new ConflictError('当前步骤不是预览确认');
  if (!canActOn(step.step, actor) && !isEditor(account, actor)) throw new ForbiddenError('您不能发送这一期的预览');
  requireDelivery(account, 'preview');
  const gaps = issueGaps(issue, account);
  if (gaps.length) throw new ConflictError(`还不能预览：${gaps.join('；')}`);
  const targets = (step.step.previewers ?? []).filter((p) => !input.only || p.user === input.only);
  const { issue: withDraft, mediaId } = await ensureDraft(deps, issue);
  const records: PreviewRecord[] = [];
  for (const p of targets) {
    const at = nowOf(deps).toISOString();
    const to = p.openid ? { openid: p.openid } : p.wxname ? { wxname: p.wxname } : undefined;
    try {
      if (!to) throw new Error(`预览人 ${p.user} 没有配置 openid 或微信号`);
      await api(deps, issue.account).preview(to, mediaId);
      records.push({ user: p.user, revision: withDraft.revision, at, ok: true });
    } catch (err) {
      records.push({ user: p.user, revision: withDraft.revision, at, ok: false, error: errorText(err) });
    }
  }
  await issuesOf(deps.store).update(issue.id, (current) => ({ ...current, previews: [...current.previews, ...records] }));
  audit(deps.store, nowOf(deps), {
    actor: actor.username, action: 'broadcast.preview', target: `群发 ${issue.id}`,
    detail: records.map((r) => `${r.user}：${r.ok ? '已发送预览' : r.error}`).join('；'),
  });
  return records;
}

/** WeChat remembers a clientmsgid for 24 hours; an hour's margin for clocks and queues. */
export const CLIENTMSGID_WINDOW_MS = 23 * 3600_000;

/** A retry asked for after a send of unknown outcome, where retrying could send the issue twice. */
export class BroadcastUnsentUnknownError extends ConflictError {}
const UNSENT_UNKNOWN =
  '上次发送结果未知（中断或微信没有应答），且已超过 23 小时：微信只在 24 小时内按 clientmsgid 去重，重试可能重复群发。请先在微信公众平台“发表记录/已群发”中确认这一期没有发出，再勾选“已确认未发出”后重试。';
const UNPUBLISHED_UNKNOWN =
  '上次发布结果未知（中断或微信没有应答），之后这一期又修改过：重试会提交新的草稿，若上次其实已发布，将再发布一次。请先在微信公众平台“发表记录”中确认上次没有发布，再勾选“已确认未发出”后重试。';

/**
 * Whether a retry needs staff to confirm on WeChat's console that the last send did not go out. A
 * broadcast (mass send) carries the same clientmsgid, edited or not, so WeChat refuses it as a repeat
 * (45065) for 24 hours; after that it cannot tell. A publish has no clientmsgid: only resubmitting the
 * draft that was sent is safe (WeChat deletes a draft once published), so an edit since needs the check.
 */
export function needsUnsentConfirmation(issue: BroadcastIssue, now: Date): boolean {
  const { unknownOutcome, mode } = issue.delivery;
  if (!unknownOutcome) return false;
  if (mode === 'publish') return unknownOutcome.revision !== issue.revision;
  return now.getTime() - Date.parse(unknownOutcome.since) > CLIENTMSGID_WINDOW_MS;
}

function clientMsgId(issue: BroadcastIssue): string {
  return `${issue.id}-r${issue.revision}`.slice(0, 64);
}

function wasAlreadySent(err: unknown): string | undefined {
  if (!(err instanceof WechatApiError) || err.errcode !== 45065) return undefined;
  const reply = (err as WechatApiError & { reply?: Record<string, unknown> }).reply;
  return String(reply?.msg_id ?? '');
}

/**
 * Sends a scheduled (or failed) issue now. WeChat refusing any step leaves the issue `failed` with
 * its reason and whatever was already made (draft, material); nothing is marked sent.
 */
export async function sendIssue(deps: BroadcastDeps, actor: Actor | 'timer', id: string, options: { confirmedUnsent?: boolean } = {}): Promise<BroadcastIssue> {
  const by = actor === 'timer' ? '定时发送' : actor.username;
  return deps.store.withLock(`broadcast-send:${id}`, async () => {
    const { issue, account } = await loadIssue(deps, id);
    if (actor !== 'timer' && !isEditor(account, actor)) throw new ForbiddenError('只有审核链上的人员和平台管理员可以发送');
    if (issue.state !== 'scheduled' && issue.state !== 'failed') throw new ConflictError('这一期不在待发送状态（请先走完审核链并安排发送）');
    if (!chainProgress(issue, account.config.chain).complete) throw new ConflictError('审核链尚未走完，不能发送');
    requireDelivery(account, issue.delivery.mode);
    if (needsUnsentConfirmation(issue, nowOf(deps)) && !options.confirmedUnsent) throw new BroadcastUnsentUnknownError(issue.delivery.mode === 'publish' ? UNPUBLISHED_UNKNOWN : UNSENT_UNKNOWN);
    const since = nowOf(deps).toISOString();
    let current = await issuesOf(deps.store).update(id, (c) => ({
      // After a send of unknown outcome the clientmsgid stays, even when the issue was edited since: a new
      // one would let WeChat broadcast the edited issue a second time if the first had gone out.
      ...c, state: 'sending', delivery: { ...c.delivery, sendingSince: since, clientmsgid: c.delivery.clientmsgid && (c.delivery.unknownOutcome || c.delivery.clientmsgid.endsWith(`-r${c.revision}`)) ? c.delivery.clientmsgid : clientMsgId(c) },
    }));
    const at = () => nowOf(deps).toISOString();
    let delivering = false;
    try {
      const made = await ensureDraft(deps, current);
      current = made.issue;
      delivering = true;
      const result = await deliver(deps, account, current, made.mediaId);
      current = await saveDelivery(deps, id, (d) => {
        const { unknownOutcome: _known, ...rest } = d;
        return { state: d.mode === 'publish' ? 'published' : 'sent', delivery: { ...rest, ...result, attempts: [...d.attempts, { at: at(), by, ok: true }] } };
      });
      audit(deps.store, nowOf(deps), { actor: by, action: 'broadcast.send', target: `群发 ${id}`, detail: describe(current.delivery) });
      return current;
    } catch (err) {
      const error = errorText(err);
      const errcode = err instanceof WechatApiError ? err.errcode : undefined;
      // No answer to the send itself: it may have gone out. Kept until a send succeeds (or WeChat says 45065).
      const unknown = delivering && errcode === -1;
      current = await saveDelivery(deps, id, (d) => ({
        state: 'failed',
        delivery: { ...d, ...(unknown ? { unknownOutcome: d.unknownOutcome ?? { since: d.sendingSince ?? since, why: 'no-answer' as const, revision: current.revision } } : {}), attempts: [...d.attempts, { at: at(), by, ok: false, error, ...(errcode === undefined ? {} : { errcode }) }] },
      }));
      audit(deps.store, nowOf(deps), { actor: by, action: 'broadcast.send-failed', target: `群发 ${id}`, detail: `${error}${current.delivery.draft ? `；草稿 ${current.delivery.draft.mediaId} 已保留` : ''}` });
      return current;
    }
  });
}

async function deliver(deps: BroadcastDeps, account: BroadcastAccount, issue: BroadcastIssue, mediaId: string): Promise<Partial<Delivery>> {
  const wechat = api(deps, account.id);
  const clientmsgid = issue.delivery.clientmsgid!;
  try {
    switch (issue.delivery.mode) {
      case 'publish': {
        const r = await wechat.publish(mediaId);
        return { publishId: r.publishId, msgDataId: r.msgDataId };
      }
      case 'openids': {
        if (account.type !== 'service') throw new ConflictError('按 openid 群发（mass/send）只对服务号开放');
        const r = await wechat.sendToOpenids(mediaId, account.config.openids ?? [], clientmsgid);
        return { msgId: r.msgId, msgDataId: r.msgDataId };
      }
      default: {
        const r = await wechat.sendAll(mediaId, { tagId: account.config.tagId }, clientmsgid);
        return { msgId: r.msgId, msgDataId: r.msgDataId };
      }
    }
  } catch (err) {
    // A retry of a send that did reach WeChat (the first answer was lost): it is sent, once.
    const earlier = wasAlreadySent(err);
    if (earlier !== undefined) return { msgId: earlier || issue.delivery.msgId };
    throw err;
  }
}

function describe(d: Delivery): string {
  if (d.mode === 'publish') return `已提交发布（publish_id ${d.publishId}）`;
  return `已提交群发（msg_id ${d.msgId}，clientmsgid ${d.clientmsgid}）`;
}

/** Scheduled issues whose send time has come. */
export async function sendDueIssues(deps: BroadcastDeps): Promise<BroadcastIssue[]> {
  const now = nowOf(deps);
  const due = await issuesOf(deps.store).list((i) => i.state === 'scheduled' && new Date(i.sendAt) <= now);
  const out: BroadcastIssue[] = [];
  for (const issue of due) out.push(await sendIssue(deps, 'timer', issue.id));
  return out;
}
