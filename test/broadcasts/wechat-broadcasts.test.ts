// The broadcast calls against WeChat's real request and reply shapes (nock at the HTTP boundary):
// every API, a refusal in the middle (draft made, sendall refused: nothing marked sent, the draft
// kept), and an idempotent retry after a timeout (same clientmsgid; WeChat's 45065 means sent once).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { createWechatClient } from '../../server/wechat/wechat-client.js';
import { createMemoryTokenStore } from '../../server/wechat/token-store.js';
import type { BroadcastApi } from '../../server/wechat/client-types.js';
import { type Actor, type BroadcastAccount, type BroadcastDeps, approveStep, createIssue, createMemoryImages, issuesOf, saveArticle, scheduleIssue, sendIssue, sendPreviews } from '../../server/broadcasts/index.js';
import { WechatApiError } from '../../server/errors.js';
import { PNG } from './broadcast-app.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/wechat/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
const WX = 'https://api.weixin.qq.com';
const creds = { appId: 'wx1234567890abcdef', secret: 'SECRET' };
const TOKEN = { access_token: 'ACCESS_TOKEN_1' };
const DRAFT = fixture('broadcast-draft-add').media_id as string;
const THUMB = fixture('broadcast-add-material').media_id as string;
const IMAGE_ID = 'ab'.repeat(16);
const COVER_ID = 'cd'.repeat(16);

const editor: Actor = { username: 'jj-editor', role: 'dept-admin', departments: ['jiaojing'] };
const account = (over: Partial<BroadcastAccount['config']> = {}, type: BroadcastAccount['type'] = 'subscription'): BroadcastAccount => ({
  id: 'jj-internal', name: '江城交警内部', type, verified: true,
  config: {
    columns: [{ id: 'jingqing', name: '警情', department: 'jiaojing' }],
    chain: [{ id: 'bianji', name: '编辑审核', users: ['jj-editor'], approvals: 1 }, { id: 'yulan', name: '预览确认', approvals: 1, previewers: [{ user: 'jj-editor', openid: 'oPreviewer0001' }] }],
    sendTime: '17:30', ...over,
  },
});

function client(timeoutMs = 2000): BroadcastApi {
  return createWechatClient({ ...creds, tokenStore: createMemoryTokenStore(), timeoutMs }).broadcasts!;
}

/** nock hands binary multipart bodies over as hex. */
const multipart = (body: string) => (/^[0-9a-f]+$/.test(body) ? Buffer.from(body, 'hex').toString('latin1') : body);

const tokenOnce = () => nock(WX).get('/cgi-bin/token').query(true).reply(200, { ...TOKEN, expires_in: 7200 });

describe('WeChat broadcast calls', () => {
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  it('uploads a body image to media/uploadimg as multipart "media" and returns its URL', async () => {
    const scope = tokenOnce()
      .post('/cgi-bin/media/uploadimg', (body: string) => /name="media"; filename="a\.png"/.test(multipart(body)) && /Content-Type: image\/png/i.test(multipart(body)) && multipart(body).includes('\x89PNG'))
      .query(TOKEN).reply(200, fixture('broadcast-uploadimg'));
    assert.equal(await client().uploadBodyImage(PNG, 'a.png', 'image/png'), fixture('broadcast-uploadimg').url);
    assert.ok(scope.isDone());
  });

  it('adds a cover as permanent image material', async () => {
    const scope = tokenOnce().post('/cgi-bin/material/add_material', (body: string) => /name="media"; filename="c\.jpg"/.test(multipart(body))).query({ ...TOKEN, type: 'image' }).reply(200, fixture('broadcast-add-material'));
    assert.deepEqual(await client().addImageMaterial(PNG, 'c.jpg', 'image/jpeg'), { mediaId: THUMB, url: fixture('broadcast-add-material').url });
    assert.ok(scope.isDone());
  });

  it('creates a draft with draft/add’s article fields', async () => {
    const article = { title: '标题', author: '作者', digest: '摘要', content: '<p>正文</p>', content_source_url: 'https://a.cn', thumb_media_id: THUMB, need_open_comment: 1 as const, only_fans_can_comment: 0 as const };
    const scope = tokenOnce()
      .post('/cgi-bin/draft/add', (body) => (assert.deepEqual(body, { articles: [{ article_type: 'news', ...article }] }), true))
      .query(TOKEN).reply(200, fixture('broadcast-draft-add'));
    assert.equal(await client().addDraft([article]), DRAFT);
    assert.ok(scope.isDone());
  });

  it('previews a draft by openid and by WeChat id', async () => {
    const scope = tokenOnce()
      .post('/cgi-bin/message/mass/preview', { touser: 'oPreviewer0001', msgtype: 'mpnews', mpnews: { media_id: DRAFT } }).query(TOKEN).reply(200, fixture('broadcast-preview-ok'))
      .post('/cgi-bin/message/mass/preview', { towxname: 'jj-wx-3', msgtype: 'mpnews', mpnews: { media_id: DRAFT } }).query(TOKEN).reply(200, fixture('broadcast-preview-ok'));
    const api = client();
    await api.preview({ openid: 'oPreviewer0001' }, DRAFT);
    await api.preview({ wxname: 'jj-wx-3' }, DRAFT);
    assert.ok(scope.isDone());
  });

  it('broadcasts to all followers and to a tag with clientmsgid', async () => {
    const scope = tokenOnce()
      .post('/cgi-bin/message/mass/sendall', { filter: { is_to_all: true }, mpnews: { media_id: DRAFT }, msgtype: 'mpnews', send_ignore_reprint: 0, clientmsgid: 'jj-1' }).query(TOKEN).reply(200, fixture('broadcast-sendall-ok'))
      .post('/cgi-bin/message/mass/sendall', { filter: { is_to_all: false, tag_id: 2 }, mpnews: { media_id: DRAFT }, msgtype: 'mpnews', send_ignore_reprint: 0, clientmsgid: 'jj-2' }).query(TOKEN).reply(200, fixture('broadcast-sendall-ok'));
    const api = client();
    assert.deepEqual(await api.sendAll(DRAFT, {}, 'jj-1'), { msgId: '1000000001', msgDataId: '2247483651' });
    await api.sendAll(DRAFT, { tagId: 2 }, 'jj-2');
    assert.ok(scope.isDone());
  });

  it('broadcasts to an openid list with mass/send, and explains 40130 in Chinese', async () => {
    const scope = tokenOnce()
      .post('/cgi-bin/message/mass/send', { touser: ['oA00000001', 'oB00000002'], mpnews: { media_id: DRAFT }, msgtype: 'mpnews', send_ignore_reprint: 0, clientmsgid: 'jj-3' }).query(TOKEN).reply(200, fixture('broadcast-send-ok'))
      .post('/cgi-bin/message/mass/send').query(TOKEN).reply(200, fixture('broadcast-send-40130'));
    const api = client();
    assert.equal((await api.sendToOpenids(DRAFT, ['oA00000001', 'oB00000002'], 'jj-3')).msgId, '1000000002');
    const err = await api.sendToOpenids(DRAFT, ['oA00000001'], 'jj-4').catch((e: unknown) => e);
    assert.ok(err instanceof WechatApiError);
    assert.equal(err.errcode, 40130);
    assert.match(err.message, /至少需要 2 个接收者/);
    assert.ok(scope.isDone());
  });

  it('publishes a draft, reads the publish job, and explains 53503 in Chinese', async () => {
    const scope = tokenOnce()
      .post('/cgi-bin/freepublish/submit', { media_id: DRAFT }).query(TOKEN).reply(200, fixture('broadcast-freepublish-submit'))
      .post('/cgi-bin/freepublish/get', { publish_id: '2247483700' }).query(TOKEN).reply(200, fixture('broadcast-freepublish-get'))
      .post('/cgi-bin/freepublish/submit').query(TOKEN).reply(200, fixture('broadcast-freepublish-53503'));
    const api = client();
    assert.deepEqual(await api.publish(DRAFT), { publishId: '2247483700', msgDataId: '2247483701' });
    assert.deepEqual(await api.publishStatus('2247483700'), { status: 0, articleUrls: ['https://mp.weixin.qq.com/s/b5O8OUs7lWn4mZ0qH6k3sQ'] });
    const err = await api.publish(DRAFT).catch((e: unknown) => e);
    assert.ok(err instanceof WechatApiError);
    assert.equal(err.errcode, 53503);
    assert.match(err.message, /草稿未通过发布检查/);
    assert.ok(scope.isDone());
  });
});

describe('sendIssue against WeChat', () => {
  let deps: BroadcastDeps;
  let config: BroadcastAccount;
  const clock = { now: new Date('2026-12-03T01:00:00Z') };

  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  after(() => nock.enableNetConnect());
  afterEach(() => nock.cleanAll());

  /** An issue through its chain (editor + one previewer) and scheduled for 17:30, its preview already sent. */
  async function readyIssue(api: BroadcastApi, acct = account()) {
    config = acct;
    deps = { store: createMemoryStore(), accounts: () => [config], images: createMemoryImages(), wechat: () => api, now: () => clock.now };
    await deps.images.put(COVER_ID, PNG);
    await deps.images.put(IMAGE_ID, PNG);
    const issue = await createIssue(deps, editor, { account: 'jj-internal', date: '2026-12-03' });
    const body = `<p>今日警情平稳。</p><p><img src="/console/broadcasts/images/${IMAGE_ID}" alt=""></p>`;
    await saveArticle(deps, editor, { issue: issue.id, column: 'jingqing', fields: { title: '今日警情', author: '指挥中心', digest: '平稳', body, sourceUrl: 'https://jj.example.cn/1', comments: 'on' }, cover: { id: COVER_ID, ext: 'png', mime: 'image/png', size: PNG.length, name: 'c.png' } });
    await approveStep(deps, editor, { issue: issue.id, step: 'bianji' });
    return issue.id;
  }

  /** uploads (cover material, body image) and draft/add, checked field by field. */
  const draftCalls = (scope: nock.Scope) =>
    scope
      .post('/cgi-bin/material/add_material').query({ ...TOKEN, type: 'image' }).reply(200, fixture('broadcast-add-material'))
      .post('/cgi-bin/media/uploadimg').query(TOKEN).reply(200, fixture('broadcast-uploadimg'))
      .post('/cgi-bin/draft/add', (b: { articles: Array<Record<string, unknown>> }) => {
        const [a] = b.articles;
        assert.equal(a?.thumb_media_id, THUMB);
        assert.equal(a?.need_open_comment, 1);
        assert.match(String(a?.content), new RegExp(`<img src="${String(fixture('broadcast-uploadimg').url).replace(/[.?]/g, '\\$&')}"`), 'the body image points at WeChat’s URL');
        assert.doesNotMatch(String(a?.content), /\/console\//);
        return true;
      })
      .query(TOKEN).reply(200, fixture('broadcast-draft-add'));

  it('keeps the draft and marks nothing sent when sendall is refused, with 45028 in Chinese', async () => {
    const scope = draftCalls(tokenOnce())
      .post('/cgi-bin/message/mass/preview').query(TOKEN).reply(200, fixture('broadcast-preview-ok'))
      .post('/cgi-bin/message/mass/sendall').query(TOKEN).reply(200, fixture('broadcast-sendall-45028'));
    const id = await readyIssue(client());
    await sendPreviews(deps, editor, { issue: id });
    await approveStep(deps, editor, { issue: id, step: 'yulan' });
    await scheduleIssue(deps, editor, id);
    const result = await sendIssue(deps, editor, id);
    assert.equal(result.state, 'failed');
    assert.equal(result.delivery.msgId, undefined, 'nothing marked sent');
    assert.equal(result.delivery.draft?.mediaId, DRAFT, 'the draft is kept');
    assert.match(result.delivery.attempts.at(-1)?.error ?? '', /微信接口错误 45028：群发次数已用完/);
    assert.ok(scope.isDone());

    // The retry reuses the draft: no second upload or draft/add, the same clientmsgid.
    const clientmsgid = result.delivery.clientmsgid;
    const retry = nock(WX).post('/cgi-bin/message/mass/sendall', (b) => b.clientmsgid === clientmsgid && b.mpnews.media_id === DRAFT).query(TOKEN).reply(200, fixture('broadcast-sendall-ok'));
    const sent = await sendIssue(deps, editor, id);
    assert.equal(sent.state, 'sent');
    assert.equal(sent.delivery.msgId, '1000000001');
    assert.ok(retry.isDone());
  });

  it('retries a send whose answer timed out with the same clientmsgid, and 45065 counts as sent once', async () => {
    const seen: string[] = [];
    const scope = draftCalls(tokenOnce())
      .post('/cgi-bin/message/mass/preview').query(TOKEN).reply(200, fixture('broadcast-preview-ok'))
      .post('/cgi-bin/message/mass/sendall', (b) => (seen.push(b.clientmsgid), true)).query(TOKEN).delay(1500).reply(200, fixture('broadcast-sendall-ok'))
      .post('/cgi-bin/message/mass/sendall', (b) => (seen.push(b.clientmsgid), true)).query(TOKEN).reply(200, fixture('broadcast-sendall-45065'));
    const id = await readyIssue(client(400));
    await sendPreviews(deps, editor, { issue: id });
    await approveStep(deps, editor, { issue: id, step: 'yulan' });
    await scheduleIssue(deps, editor, id);
    const first = await sendIssue(deps, editor, id);
    assert.equal(first.state, 'failed');
    assert.match(first.delivery.attempts.at(-1)?.error ?? '', /没有应答，结果未知/);
    const second = await sendIssue(deps, editor, id);
    assert.equal(second.state, 'sent');
    assert.equal(second.delivery.msgId, '1000000001', 'the msg_id WeChat names for the earlier send');
    assert.equal(seen.length, 2);
    assert.equal(seen[0], seen[1], 'both tries carry one clientmsgid');
    assert.equal((await issuesOf(deps.store).get(id))?.delivery.attempts.filter((a) => a.ok).length, 1);
    assert.ok(scope.isDone());
  });

  it('publishes instead of broadcasting when the account says publish, without a quota', async () => {
    const scope = draftCalls(tokenOnce())
      .post('/cgi-bin/message/mass/preview').query(TOKEN).reply(200, fixture('broadcast-preview-ok'))
      .post('/cgi-bin/freepublish/submit', { media_id: DRAFT }).query(TOKEN).reply(200, fixture('broadcast-freepublish-submit'));
    const id = await readyIssue(client(), account({ delivery: 'publish' }));
    await sendPreviews(deps, editor, { issue: id });
    await approveStep(deps, editor, { issue: id, step: 'yulan' });
    await scheduleIssue(deps, editor, id);
    const done = await sendIssue(deps, editor, id);
    assert.equal(done.state, 'published');
    assert.equal(done.delivery.publishId, '2247483700');
    assert.ok(scope.isDone());
  });
});
