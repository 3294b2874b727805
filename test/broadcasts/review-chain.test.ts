// The review chain through the console over HTTP, with the app's own WeChat stand-in: the whole
// chain to a scheduled send and WeChat's completion event, an edit after approvals, a rejection,
// and the quota refusal before scheduling.
import assert from 'node:assert/strict';
import { BROADCAST_ACCOUNT, type BroadcastApp, startBroadcastApp } from './broadcast-app.js';
import { approve, approveThrough, ISSUE, post, PREVIEW_STEPS, REVIEW_STEPS, sessions, waitFor, writeArticle, writeIssue } from './chain-steps.js';
import { issuesOf, sendDueIssues } from '../../server/broadcasts/index.js';
import { readStandinOutbox } from '../../server/wechat/index.js';
import { readAudit } from '../../server/audit/index.js';
import type { Session } from './broadcast-app.js';

describe('broadcast review chain', function () {
  this.timeout(60_000);
  let app: BroadcastApp;
  let s: Record<string, Session>;

  beforeEach(async () => {
    app = await startBroadcastApp();
    s = await sessions(app);
    const created = await post(s.plat!, '/console/broadcasts', { date: '2026-12-03', sendTime: '17:30' });
    assert.equal(created.status, 303);
  });
  afterEach(() => app.close());

  const issue = () => issuesOf(app.store).get(ISSUE).then((i) => i!);

  it('takes an issue from two drafters through editor, leader and three previewers to a scheduled send and its outcome', async () => {
    const page = await s['jj-editor']!.agent.get(`/console/broadcasts/${ISSUE}`).expect(200);
    assert.match(page.text, /警情：缺稿/, 'the editor sees the missing column');
    // Filled from the road conditions when the stand-in answers (its signature check uses the real clock, this test a fixed one), otherwise left blank.
    assert.match(page.text, /出行天气：(还有【待填写】未填|缺封面图片)/, 'the recurring column starts from its template');
    await writeIssue(s);
    await approveThrough(s, REVIEW_STEPS);
    const early = await approve(s['jj-preview1']!, 'yulan');
    assert.equal(early.status, 409, 'a previewer cannot confirm before seeing the preview');
    assert.equal((await post(s['jj-preview1']!, `/console/broadcasts/${ISSUE}/preview`)).status, 303);
    const previews = await readStandinOutbox(app.standinStore, 'sim-jj-preview1');
    assert.equal(previews.filter((r) => r.kind === 'preview').length, 1, 'WeChat preview reached the previewer through the internal account');
    assert.equal((await readStandinOutbox(app.standinStore)).filter((r) => r.kind === 'preview').length, 3);
    assert.equal((await readStandinOutbox(app.store)).filter((r) => r.kind === 'preview').length, 0, 'nothing went through the primary account');
    await approveThrough(s, PREVIEW_STEPS);
    assert.equal((await post(s.plat!, `/console/broadcasts/${ISSUE}/schedule`)).status, 303);
    assert.equal((await issue()).state, 'scheduled');

    app.clock.now = new Date('2026-12-03T09:31:00Z'); // 17:31 in the city
    const [sent] = await sendDueIssues(app.broadcasts);
    assert.equal(sent?.state, 'sent');
    assert.ok(sent?.delivery.msgId);
    const done = await waitFor(async () => ((await issue()).delivery.outcome ? issue() : undefined));
    assert.equal(done.delivery.outcome?.status, 'send success');
    assert.equal(done.delivery.outcome?.articleUrls.length, 3);
    assert.deepEqual(await app.accounts.get(BROADCAST_ACCOUNT).client.broadcasts!.massStatus(done.delivery.msgId!), { status: 'SEND_SUCCESS' }, 'the stand-in answers mass/get');
    const mass = (await readStandinOutbox(app.standinStore, 'sim-anyone')).filter((r) => r.kind === 'mass');
    assert.equal(mass.length, 1, 'a follower of the internal account received the broadcast once');
    assert.equal((await readStandinOutbox(app.store)).filter((r) => r.kind === 'mass').length, 0, 'the primary account sent nothing');
    const actions = (await readAudit(app.store)).filter((r) => r.target.startsWith(`群发 ${ISSUE}`)).map((r) => r.action);
    for (const a of ['broadcast.create', 'broadcast.edit', 'broadcast.approve', 'broadcast.preview', 'broadcast.schedule', 'broadcast.send', 'broadcast.outcome']) assert.ok(actions.includes(a as never), `audited ${a}`);
  });

  it('restarts the chain from the editor’s step when the editor edits after the leader approved', async () => {
    await writeIssue(s);
    await approveThrough(s, REVIEW_STEPS);
    await writeArticle(s['jj-editor']!, 'jingqing', { title: '今日警情通报。' });
    const after = await issue();
    const live = after.approvals.filter((a) => !a.invalidatedAt).map((a) => `${a.user}@${a.step}`);
    assert.deepEqual(live, ['jj-writer1@chugao', 'jj-writer2@chugao'], 'the drafters’ approvals stand; editor and leader must approve again');
    const page = await s['jj-editor']!.agent.get(`/console/broadcasts/${ISSUE}`).expect(200);
    assert.match(page.text, /当前：编辑审核/);
    assert.equal((await approve(s['jj-leader']!, 'lingdao')).status, 409, 'the leader cannot approve before the editor again');
    assert.equal((await post(s.plat!, `/console/broadcasts/${ISSUE}/schedule`)).status, 409, 'nothing unreviewed can be scheduled');
  });

  it('restarts from the first step when a drafter edits after every approval', async () => {
    await writeIssue(s);
    await approveThrough(s, REVIEW_STEPS);
    await writeArticle(s['jj-writer2']!, 'yuqing', { body: '<p>市民点赞文明礼让，。</p>' });
    assert.equal((await issue()).approvals.filter((a) => !a.invalidatedAt).length, 0);
  });

  it('sends a rejected issue back to the drafters with the comment shown', async () => {
    await writeIssue(s);
    await approveThrough(s, REVIEW_STEPS.slice(0, 3));
    const res = await post(s['jj-leader']!, `/console/broadcasts/${ISSUE}/reject`, { step: 'lingdao', comment: '警情一稿第二段标点有误' });
    assert.equal(res.status, 303);
    const page = await s['jj-writer1']!.agent.get(`/console/broadcasts/${ISSUE}`).expect(200);
    assert.match(page.text, /警情一稿第二段标点有误/);
    assert.match(page.text, /当前：初稿/);
    assert.equal((await issue()).approvals.filter((a) => !a.invalidatedAt).length, 0);
    const empty = await post(s['jj-leader']!, `/console/broadcasts/${ISSUE}/reject`, { step: 'chugao', comment: ' ' });
    assert.equal(empty.status, 400, 'a rejection needs a reason');
  });

  it('refuses a step from someone not on it', async () => {
    await writeIssue(s);
    const res = await approve(s['jj-leader']!, 'chugao');
    assert.equal(res.status, 403);
    assert.match(res.text, /您不在“初稿”这一步的审核人员中/);
  });
});

describe('broadcast quota before scheduling', function () {
  this.timeout(60_000);
  let app: BroadcastApp;
  afterEach(() => app.close());

  it('refuses a second broadcast on one day for the internal subscription account, in Chinese', async () => {
    app = await startBroadcastApp();
    assert.equal(app.live.current().account.type, 'subscription');
    const s = await sessions(app);
    for (const sendTime of ['12:00', '17:30']) {
      const id = `jiaojing-neibu-2026-12-0${sendTime === '12:00' ? 3 : 4}`;
      await post(s.plat!, '/console/broadcasts', { date: id.slice(-10), sendTime });
    }
    await writeIssue(s);
    await approveThrough(s, REVIEW_STEPS);
    await post(s['jj-preview1']!, `/console/broadcasts/${ISSUE}/preview`);
    await approveThrough(s, PREVIEW_STEPS);
    assert.equal((await post(s.plat!, `/console/broadcasts/${ISSUE}/schedule`)).status, 303);
    // A second issue for the same day, moved onto 2026-12-03 by its send time.
    await post(s.plat!, '/console/broadcasts', { date: '2026-12-05', sendTime: '18:00' });
    const other = await issuesOf(app.store).update('jiaojing-neibu-2026-12-05', (i) => ({ ...i, sendAt: '2026-12-03T10:00:00.000Z', deadlineAt: '2026-12-03T09:00:00.000Z' }));
    assert.equal(other.date, '2026-12-05');
    await writeIssue(s, 'jiaojing-neibu-2026-12-05');
    await writeArticle(s['jj-writer1']!, 'ketang', {}, 'jiaojing-neibu-2026-12-05');
    await writeArticle(s['jj-writer1']!, 'falv', {}, 'jiaojing-neibu-2026-12-05');
    const { uploadCover } = await import('./chain-steps.js');
    for (const c of ['ketang', 'falv']) await uploadCover(s['jj-writer1']!, c, 'jiaojing-neibu-2026-12-05');
    await approveThrough(s, REVIEW_STEPS, 'jiaojing-neibu-2026-12-05');
    await post(s['jj-preview1']!, '/console/broadcasts/jiaojing-neibu-2026-12-05/preview');
    await approveThrough(s, PREVIEW_STEPS, 'jiaojing-neibu-2026-12-05');
    const refused = await post(s.plat!, '/console/broadcasts/jiaojing-neibu-2026-12-05/schedule');
    assert.equal(refused.status, 409);
    assert.match(refused.text, /是订阅号，每天只能群发 1 次：2026-12-03 已安排或已发出 2026-12-03 期/);
    assert.equal((await issuesOf(app.store).get('jiaojing-neibu-2026-12-05'))?.state, 'open');
  });
});

describe('a broadcast WeChat refuses half-way', function () {
  this.timeout(60_000);
  let app: BroadcastApp;
  afterEach(() => app.close());

  it('keeps the draft, marks nothing published and shows WeChat’s reason on the issue page', async () => {
    app = await startBroadcastApp({ account: (a) => void (a.broadcasts!.delivery = 'publish') });
    const s = await sessions(app);
    await post(s.plat!, '/console/broadcasts', { date: '2026-12-03', sendTime: '17:30' });
    await writeIssue(s);
    await writeArticle(s['jj-writer2']!, 'yuqing', { body: '<p>违规测试</p>' });
    await approveThrough(s, REVIEW_STEPS);
    await post(s['jj-preview1']!, `/console/broadcasts/${ISSUE}/preview`);
    await approveThrough(s, PREVIEW_STEPS);
    await post(s.plat!, `/console/broadcasts/${ISSUE}/schedule`);
    const res = await post(s.plat!, `/console/broadcasts/${ISSUE}/send`);
    assert.equal(res.status, 303);
    const stored = (await issuesOf(app.store).get(ISSUE))!;
    assert.equal(stored.state, 'failed');
    assert.equal(stored.delivery.publishId, undefined);
    const page = await s.plat!.agent.get(`/console/broadcasts/${ISSUE}`).expect(200);
    assert.match(page.text, /发送失败/);
    assert.match(page.text, /微信接口错误 53503：草稿未通过发布检查/);
    assert.match(page.text, new RegExp(`微信草稿 <code>${stored.delivery.draft!.mediaId}</code>`), 'the draft is shown');
    assert.match(page.text, /重试发送/);
  });
});

describe('the simulator and broadcasts', function () {
  this.timeout(60_000);
  let app: BroadcastApp;
  afterEach(() => app.close());

  it('shows its citizen the broadcast and a previewer the preview', async () => {
    app = await startBroadcastApp();
    const s = await sessions(app);
    await post(s.plat!, '/console/broadcasts', { date: '2026-12-03', sendTime: '17:30' });
    await writeIssue(s);
    await approveThrough(s, REVIEW_STEPS);
    const since = new Date(Date.now() - 1000).toISOString();
    await post(s['jj-preview1']!, `/console/broadcasts/${ISSUE}/preview`);
    await approveThrough(s, PREVIEW_STEPS);
    await post(s.plat!, `/console/broadcasts/${ISSUE}/schedule`);
    await post(s.plat!, `/console/broadcasts/${ISSUE}/send`);
    const previewer = await s['jj-preview1']!.agent.get(`/console/api/simulate/outbox?since=${encodeURIComponent(since)}`).expect(200);
    const titles = JSON.stringify(previewer.body);
    assert.equal((titles.match(/今日警情通报/g) ?? []).length, 2, 'the preview and the broadcast');
    const citizen = await s['jj-editor']!.agent.get(`/console/api/simulate/outbox?since=${encodeURIComponent(since)}`).expect(200);
    assert.equal((JSON.stringify(citizen.body).match(/今日警情通报/g) ?? []).length, 1, 'any follower gets the broadcast only');
  });
});
