// An issue a crash left in `sending`: settled with WeChat when its id is on record (mass/get,
// freepublish/get), otherwise made retryable with the same clientmsgid, so a retry cannot broadcast
// twice; at start-up (startServer) and by staff's 核对发送结果.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { loadConfig } from '../../server/config.js';
import { startServer } from '../../server/main.js';
import { createLowdbStore } from '../../server/store/lowdb-store.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { createWechatClient } from '../../server/wechat/wechat-client.js';
import { createMemoryTokenStore } from '../../server/wechat/token-store.js';
import type { BroadcastApi } from '../../server/wechat/client-types.js';
import {
  type Actor, type BroadcastAccount, type BroadcastDeps, type BroadcastIssue, BroadcastUnsentUnknownError, createMemoryImages, issuesOf, needsUnsentConfirmation, reconcileIssue, reconcileSendingIssues, sendIssue,
} from '../../server/broadcasts/index.js';
import { readAudit } from '../../server/audit/index.js';
import { type BroadcastApp, login, startBroadcastApp } from './broadcast-app.js';
import { post } from './chain-steps.js';

const WX = 'https://api.weixin.qq.com';
const TOKEN = { access_token: 'ACCESS_TOKEN_R' };
const editor: Actor = { username: 'jj-editor', role: 'dept-admin', departments: ['jiaojing'] };
const account: BroadcastAccount = {
  id: 'jj', name: '江城交警内部通', type: 'subscription', verified: true,
  config: { columns: [{ id: 'jingqing', name: '警情', department: 'jiaojing' }], chain: [{ id: 'bianji', name: '编辑审核', users: ['jj-editor'], approvals: 1 }] },
};

/** An issue whose chain is done and whose send a crash cut short: draft made, clientmsgid stored, state `sending`. */
function stuckIssue(over: Partial<BroadcastIssue['delivery']> = {}, id = 'jj-2026-12-03'): BroadcastIssue {
  return {
    id, account: 'jj', date: id.slice(-10), columns: ['jingqing'],
    articles: { jingqing: { column: 'jingqing', title: '今日警情', author: '', digest: '', body: '<p>平稳</p>', sourceUrl: '', comments: false, cover: { id: 'cd'.repeat(16), ext: 'png', mime: 'image/png', size: 1, name: 'c.png' }, revisions: 1, updatedAt: '', updatedBy: 'jj-editor' } },
    revision: 1, approvals: [{ step: 'bianji', user: 'jj-editor', at: '2026-12-03T01:00:00.000Z', revision: 1 }], previews: [],
    sendAt: '2026-12-03T09:30:00.000Z', deadlineAt: '2026-12-03T08:30:00.000Z', state: 'sending',
    delivery: { mode: 'sendall', coverMedia: {}, bodyImages: {}, attempts: [], draft: { revision: 1, mediaId: 'DRAFT_MEDIA_ID', at: '2026-12-03T09:30:01.000Z' }, clientmsgid: `${id}-r1`, sendingSince: '2026-12-03T09:30:00.000Z', ...over },
    reminded: [], createdAt: '2026-12-03T00:00:00.000Z', createdBy: 'jj-editor',
  };
}

describe('reconciling an issue stuck in sending', () => {
  const clock = { now: new Date('2026-12-03T09:40:00Z') };
  let deps: BroadcastDeps;
  const api = (): BroadcastApi => createWechatClient({ appId: 'wxjj0000000000001', secret: 'S', tokenStore: createMemoryTokenStore(), timeoutMs: 2000 }).broadcasts!;
  const withIssue = async (issue: BroadcastIssue, wechat = api()) => {
    deps = { store: createMemoryStore(), accounts: () => [account], images: createMemoryImages(), wechat: () => wechat, now: () => clock.now };
    await issuesOf(deps.store).insert(issue);
  };
  const tokenOnce = () => nock(WX).get('/cgi-bin/token').query(true).reply(200, { ...TOKEN, expires_in: 7200 });

  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  it('asks WeChat (mass/get) when the msg_id is on record, and marks a sent broadcast sent', async () => {
    const scope = tokenOnce().post('/cgi-bin/message/mass/get', { msg_id: 1000000001 }).query(TOKEN).reply(200, { msg_id: 1000000001, msg_status: 'SEND_SUCCESS' });
    await withIssue(stuckIssue({ msgId: '1000000001' }));
    const [settled] = await reconcileSendingIssues(deps);
    assert.equal(settled?.state, 'sent');
    assert.ok(scope.isDone());
    const trail = (await readAudit(deps.store)).filter((r) => r.action === 'broadcast.reconcile');
    assert.match(trail[0]?.detail ?? '', /微信确认已群发/);
  });

  it('asks WeChat (freepublish/get) for a publish and records a refused one as failed, in Chinese', async () => {
    const scope = tokenOnce().post('/cgi-bin/freepublish/get', { publish_id: '2247483700' }).query(TOKEN).reply(200, { publish_id: '2247483700', publish_status: 4, article_detail: { count: 0, item: [] } });
    await withIssue(stuckIssue({ mode: 'publish', publishId: '2247483700' }));
    const [settled] = await reconcileSendingIssues(deps);
    assert.equal(settled?.state, 'failed');
    assert.match(settled?.delivery.attempts.at(-1)?.error ?? '', /微信报告发布失败：平台审核不通过/);
    assert.ok(scope.isDone());
  });

  it('makes an issue without WeChat’s id retryable, and the retry with the same clientmsgid sends it once (45065)', async () => {
    await withIssue(stuckIssue());
    const [settled] = await reconcileSendingIssues(deps);
    assert.equal(settled?.state, 'failed');
    assert.equal(settled?.delivery.unknownOutcome?.why, 'interrupted');
    assert.match(settled?.delivery.attempts.at(-1)?.error ?? '', /结果未知：可以重试，同一 clientmsgid 在 24 小时内不会重复群发/);
    // The crashed send had reached WeChat: the retry carries its clientmsgid, WeChat answers 45065 with the msg_id.
    const scope = tokenOnce()
      .post('/cgi-bin/message/mass/sendall', (b) => b.clientmsgid === 'jj-2026-12-03-r1' && b.mpnews.media_id === 'DRAFT_MEDIA_ID')
      .query(TOKEN).reply(200, { errcode: 45065, errmsg: 'clientmsgid exist', msg_id: 1000000009 });
    const retried = await sendIssue(deps, editor, settled!.id);
    assert.equal(retried.state, 'sent');
    assert.equal(retried.delivery.msgId, '1000000009');
    assert.equal(retried.delivery.unknownOutcome, undefined);
    assert.ok(scope.isDone());
  });

  it('asks staff to confirm on WeChat’s console before retrying once the 24-hour clientmsgid window has passed', async () => {
    await withIssue(stuckIssue());
    await reconcileSendingIssues(deps);
    clock.now = new Date('2026-12-04T09:00:00Z'); // 23.5 h after the interrupted send began
    try {
      await assert.rejects(sendIssue(deps, editor, 'jj-2026-12-03'), (err: unknown) => err instanceof BroadcastUnsentUnknownError && /已超过 23 小时/.test((err as Error).message));
      assert.equal((await issuesOf(deps.store).get('jj-2026-12-03'))?.state, 'failed', 'nothing was sent');
      const scope = tokenOnce().post('/cgi-bin/message/mass/sendall').query(TOKEN).reply(200, { errcode: 0, errmsg: 'send job submission success', msg_id: 1000000010, msg_data_id: 2247483650 });
      const sent = await sendIssue(deps, editor, 'jj-2026-12-03', { confirmedUnsent: true });
      assert.equal(sent.state, 'sent');
      assert.ok(scope.isDone());
    } finally {
      clock.now = new Date('2026-12-03T09:40:00Z');
    }
  });

  it('keeps the clientmsgid of a send of unknown outcome when the issue is edited before the retry', async () => {
    await withIssue(stuckIssue());
    await reconcileSendingIssues(deps);
    // Edited and approved again since (revision 2, its draft made for the preview).
    await issuesOf(deps.store).update('jj-2026-12-03', (i) => ({
      ...i, state: 'scheduled', revision: 2, approvals: [{ ...i.approvals[0]!, revision: 2 }],
      delivery: { ...i.delivery, draft: { revision: 2, mediaId: 'DRAFT_MEDIA_ID_2', at: '2026-12-03T09:50:00.000Z' } },
    }));
    // The first send had gone out: WeChat refuses the edited one as a repeat of that clientmsgid.
    const scope = tokenOnce()
      .post('/cgi-bin/message/mass/sendall', (b) => b.clientmsgid === 'jj-2026-12-03-r1' && b.mpnews.media_id === 'DRAFT_MEDIA_ID_2')
      .query(TOKEN).reply(200, { errcode: 45065, errmsg: 'clientmsgid exist', msg_id: 1000000011 });
    const retried = await sendIssue(deps, editor, 'jj-2026-12-03');
    assert.ok(scope.isDone(), 'the retry carried the first send’s clientmsgid');
    assert.equal(retried.state, 'sent');
    assert.equal(retried.delivery.msgId, '1000000011');
  });

  it('asks staff to confirm before publishing an issue edited after a publish of unknown outcome', async () => {
    await withIssue(stuckIssue({ mode: 'publish', clientmsgid: undefined }));
    const [settled] = await reconcileSendingIssues(deps);
    assert.equal(settled?.delivery.unknownOutcome?.revision, 1);
    assert.equal(needsUnsentConfirmation(settled!, clock.now), false, 'resubmitting the same draft is safe');
    await issuesOf(deps.store).update('jj-2026-12-03', (i) => ({
      ...i, revision: 2, approvals: [{ ...i.approvals[0]!, revision: 2 }],
      delivery: { ...i.delivery, draft: { revision: 2, mediaId: 'DRAFT_MEDIA_ID_2', at: '2026-12-03T09:50:00.000Z' } },
    }));
    await assert.rejects(sendIssue(deps, editor, 'jj-2026-12-03'), (err: unknown) => err instanceof BroadcastUnsentUnknownError && /发表记录.*确认上次没有发布/.test((err as Error).message));
    assert.equal((await issuesOf(deps.store).get('jj-2026-12-03'))?.state, 'failed', 'nothing was submitted');
    const scope = tokenOnce().post('/cgi-bin/freepublish/submit', { media_id: 'DRAFT_MEDIA_ID_2' }).query(TOKEN).reply(200, { errcode: 0, errmsg: 'ok', publish_id: '2247483701', msg_data_id: 2247483651 });
    const published = await sendIssue(deps, editor, 'jj-2026-12-03', { confirmedUnsent: true });
    assert.ok(scope.isDone());
    assert.equal(published.state, 'published');
  });

  it('leaves an issue alone that is no longer sending, and refuses staff who are not on the chain', async () => {
    await withIssue({ ...stuckIssue(), state: 'sent', delivery: { ...stuckIssue().delivery, msgId: '1' } });
    assert.deepEqual((await reconcileSendingIssues(deps)).map((i) => i.state), []);
    await assert.rejects(reconcileIssue(deps, editor, 'jj-2026-12-03'), /不在“正在发送”状态/);
    await issuesOf(deps.store).update('jj-2026-12-03', (i) => ({ ...i, state: 'sending' }));
    await assert.rejects(reconcileIssue(deps, { username: 'someone', role: 'staff', departments: ['renshe'] }, 'jj-2026-12-03'), /只有审核链上的人员/);
  });
});

describe('reconciling at start-up and from the console', function () {
  this.timeout(120_000);

  it('settles an issue a crash left in sending when the server starts', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'onestop-reconcile-'));
    try {
      const store = await createLowdbStore(path.join(dataDir, 'store'));
      const id = 'jiaojing-neibu-2026-12-03';
      await issuesOf(store).insert({ ...stuckIssue({}, id), account: 'jiaojing-neibu' });
      await store.close();
      const lines: string[] = [];
      const running = await startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0' }), (line) => lines.push(line));
      await running.close();
      assert.ok(lines.some((l) => l.includes(`群发 ${id}：启动时核对中断的发送，现为“发送失败（可重试）”`)), lines.join('\n'));
      const after = await createLowdbStore(path.join(dataDir, 'store'));
      const reopened = (await issuesOf(after).get(id))!;
      await after.close();
      assert.equal(reopened.state, 'failed');
      assert.equal(reopened.delivery.unknownOutcome?.since, '2026-12-03T09:30:00.000Z');
      assert.equal(reopened.delivery.clientmsgid, `${id}-r1`, 'the retry keeps the clientmsgid');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  describe('the console', () => {
    let app: BroadcastApp;
    afterEach(() => app.close());

    it('offers 核对发送结果 on an issue shown as sending, and afterwards the retry with a note on the unknown outcome', async () => {
      app = await startBroadcastApp();
      const id = 'jiaojing-neibu-2026-12-03';
      await issuesOf(app.store).insert({ ...stuckIssue({}, id), account: 'jiaojing-neibu', columns: ['jingqing'] });
      const plat = await login(app.base, 'plat');
      const before = await plat.agent.get(`/console/broadcasts/${id}`).expect(200);
      assert.match(before.text, /name="reconcile"/);
      const res = await post(plat, `/console/broadcasts/${id}/reconcile`);
      assert.equal(res.status, 303);
      const after = await plat.agent.get(`/console/broadcasts/${id}?msg=reconciled-failed`).expect(200);
      assert.match(after.text, /id="unknown-outcome"[^>]*>上次发送结果未知（发送途中服务停止/);
      assert.match(after.text, /重试发送/);
      assert.doesNotMatch(after.text, /name="reconcile"/);
    });
  });
});
