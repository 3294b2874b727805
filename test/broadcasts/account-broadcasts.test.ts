// Broadcasts belong to one account of the city (the sample's internal subscription account
// 江城交警内部通): every WeChat call of its issues goes out with that account's appid and access
// token (nock at the HTTP boundary), its completion events count only on its own callback, the
// quota is its own type's, and an account WeChat does not let mass-send is refused in Chinese.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { createAccountRegistry, type AccountRegistry } from '../../server/accounts/index.js';
import { buildCity } from '../../server/builder/index.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import { loadConfig, projectRoot } from '../../server/config.js';
import { CapabilityMissingError } from '../../server/capabilities/index.js';
import { consoleBroadcastDeps } from '../../server/http/index.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createPublisher } from '../../server/publish/publisher.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { createWechatClient } from '../../server/wechat/wechat-client.js';
import { createMemoryTokenStore } from '../../server/wechat/token-store.js';
import { type Actor, type BroadcastDeps, type BroadcastIssue, approveStep, createIssue, createMemoryImages, issuesOf, saveArticle, scheduleIssue, sendIssue, sendPreviews } from '../../server/broadcasts/index.js';
import type { Account } from '../../server/model/index.js';
import { sampleCity } from '../accounts/city-fixture.js';
import { createCityApp } from '../accounts/harness.js';
import { PNG } from './broadcast-app.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/wechat/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
const WX = 'https://api.weixin.qq.com';
const JJ = 'jiaojing-neibu';
const CREDS = {
  jiangcheng: { appId: 'wxjiangcheng00001', secret: 'PRIMARY_SECRET', token: 'PRIMARY_TOKEN' },
  chuxing: { appId: 'wxchuxing00000001', secret: 'CHUXING_SECRET', token: 'CHUXING_TOKEN' },
  [JJ]: { appId: 'wxjiaojingneibu01', secret: 'JJ_SECRET', token: 'JJ_TOKEN' },
} as Record<string, { appId: string; secret: string; token: string }>;
const IMAGE_ID = 'ab'.repeat(16);
const COVER_ID = 'cd'.repeat(16);
const editor: Actor = { username: 'jj-editor', role: 'dept-admin', departments: ['jiaojing'] };

/** The sample city's three accounts, each with its own real WeChat client (own appid, secret and token store). */
async function city(): Promise<{ accounts: AccountRegistry; deps: BroadcastDeps; account: (id: string) => Account }> {
  const store = createMemoryStore();
  const config = loadConfig({ SESSION_SECRET: 'broadcast-test-session-secret-32chars', PUBLIC_BASE_URL: 'http://127.0.0.1:1', PAY_PROVIDER: 'local' });
  const built = buildCity(await loadCityFromDir(path.join(projectRoot, 'topics')), { publicBaseUrl: config.publicBaseUrl });
  const runtimes = built.accounts.map((build, i) => {
    const id = build.account.id!;
    const live = createLiveBuild(build);
    const c = CREDS[id]!;
    const client = createWechatClient({ appId: c.appId, secret: c.secret, tokenStore: createMemoryTokenStore(), timeoutMs: 2000 });
    return { id, live, client, publisher: createPublisher({ store, live, client, publicBaseUrl: config.publicBaseUrl, ...(i === 0 ? {} : { account: id }) }), credentials: { token: c.token, appId: c.appId, secret: c.secret } };
  });
  const accounts = createAccountRegistry(runtimes);
  const clock = new Date('2026-12-03T01:00:00Z');
  const deps = { ...consoleBroadcastDeps({ config, store, accounts }, () => clock), images: createMemoryImages() };
  // A short chain (editor, one previewer) so each test reaches the send in a few steps.
  const internal = accounts.get(JJ).live.current().account as Account;
  internal.broadcasts = {
    ...internal.broadcasts!,
    columns: [{ id: 'jingqing', name: '警情', department: 'jiaojing' }],
    chain: [{ id: 'bianji', name: '编辑审核', users: ['jj-editor'], approvals: 1 }, { id: 'yulan', name: '预览确认', approvals: 1, previewers: [{ user: 'jj-editor', openid: 'oPreviewer0001' }] }],
  };
  return { accounts, deps, account: (id) => accounts.get(id).live.current().account as Account };
}

async function writtenIssue(deps: BroadcastDeps): Promise<string> {
  await deps.images.put(COVER_ID, PNG);
  await deps.images.put(IMAGE_ID, PNG);
  const issue = await createIssue(deps, editor, { account: JJ, date: '2026-12-03' });
  const body = `<p>今日警情平稳。</p><p><img src="/console/broadcasts/images/${IMAGE_ID}" alt=""></p>`;
  await saveArticle(deps, editor, { issue: issue.id, column: 'jingqing', fields: { title: '今日警情', author: '指挥中心', digest: '平稳', body, sourceUrl: '', comments: 'on' }, cover: { id: COVER_ID, ext: 'png', mime: 'image/png', size: PNG.length, name: 'c.png' } });
  await approveStep(deps, editor, { issue: issue.id, step: 'bianji' });
  return issue.id;
}

describe('broadcasts of the internal account', () => {
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  it('keys the issue by the account whose file configures broadcasts', async () => {
    const { deps } = await city();
    assert.deepEqual(deps.accounts().map((a) => [a.id, a.type]), [[JJ, 'subscription']], 'the primary and 江城出行 have no broadcasts');
    const issue = await createIssue(deps, editor, { account: JJ, date: '2026-12-03' });
    assert.equal(issue.id, `${JJ}-2026-12-03`);
    assert.equal(issue.account, JJ);
  });

  it('makes every WeChat call of an issue with the internal account’s appid and access token', async () => {
    const { deps } = await city();
    const token = { access_token: 'JJ_ACCESS_TOKEN' };
    // Only the internal account's credentials get a token; any call with another account's would find no interceptor and fail.
    const scope = nock(WX)
      .get('/cgi-bin/token').query({ grant_type: 'client_credential', appid: CREDS[JJ]!.appId, secret: CREDS[JJ]!.secret }).reply(200, { ...token, expires_in: 7200 })
      .post('/cgi-bin/material/add_material').query({ ...token, type: 'image' }).reply(200, fixture('broadcast-add-material'))
      .post('/cgi-bin/media/uploadimg').query(token).reply(200, fixture('broadcast-uploadimg'))
      .post('/cgi-bin/draft/add').query(token).reply(200, fixture('broadcast-draft-add'))
      .post('/cgi-bin/message/mass/preview', { touser: 'oPreviewer0001', msgtype: 'mpnews', mpnews: { media_id: String(fixture('broadcast-draft-add').media_id) } }).query(token).reply(200, fixture('broadcast-preview-ok'))
      .post('/cgi-bin/message/mass/sendall', (b) => b.clientmsgid === `${JJ}-2026-12-03-r1` && b.filter.is_to_all === true).query(token).reply(200, fixture('broadcast-sendall-ok'));
    const id = await writtenIssue(deps);
    const [preview] = await sendPreviews(deps, editor, { issue: id });
    assert.equal(preview?.ok, true, preview?.error);
    await approveStep(deps, editor, { issue: id, step: 'yulan' });
    await scheduleIssue(deps, editor, id);
    const sent = await sendIssue(deps, editor, id);
    assert.equal(sent.state, 'sent', sent.delivery.attempts.at(-1)?.error);
    assert.equal(sent.delivery.msgId, '1000000001');
    assert.ok(scope.isDone());
  });

  it('checks the quota of the internal account’s own type: one broadcast a day for a subscription account', async () => {
    const { deps } = await city();
    const token = { access_token: 'JJ_ACCESS_TOKEN' };
    nock(WX)
      .get('/cgi-bin/token').query({ grant_type: 'client_credential', appid: CREDS[JJ]!.appId, secret: CREDS[JJ]!.secret }).reply(200, { ...token, expires_in: 7200 })
      .post('/cgi-bin/material/add_material').query({ ...token, type: 'image' }).reply(200, fixture('broadcast-add-material'))
      .post('/cgi-bin/media/uploadimg').query(token).reply(200, fixture('broadcast-uploadimg'))
      .post('/cgi-bin/draft/add').query(token).reply(200, fixture('broadcast-draft-add'))
      .post('/cgi-bin/message/mass/preview').query(token).reply(200, fixture('broadcast-preview-ok'));
    const id = await writtenIssue(deps);
    await sendPreviews(deps, editor, { issue: id });
    await approveStep(deps, editor, { issue: id, step: 'yulan' });
    await scheduleIssue(deps, editor, id);
    // A second issue whose send time falls on the same day.
    const other = await createIssue(deps, editor, { account: JJ, date: '2026-12-04' });
    await issuesOf(deps.store).update(other.id, (i): BroadcastIssue => ({ ...i, state: 'scheduled', sendAt: '2026-12-03T11:00:00.000Z' }));
    await issuesOf(deps.store).update(id, (i): BroadcastIssue => ({ ...i, state: 'open' }));
    await assert.rejects(scheduleIssue(deps, editor, id), /“江城交警内部通”是订阅号，每天只能群发 1 次/);
  });

  it('refuses an unverified account before anything reaches WeChat, naming the missing capability in Chinese', async () => {
    const { deps, account } = await city();
    account(JJ).verified = false;
    const id = await writtenIssue(deps);
    const refused = (err: unknown) => err instanceof CapabilityMissingError && /公众号“江城交警内部通”是未认证订阅号，没有“群发（按标签或全部关注者）”能力/.test(err.message);
    await assert.rejects(sendPreviews(deps, editor, { issue: id }), refused);
    await approveStep(deps, editor, { issue: id, step: 'yulan' }).catch(() => undefined); // the preview step cannot be confirmed without a preview
    await assert.rejects(scheduleIssue(deps, editor, id), refused);
    assert.equal((await issuesOf(deps.store).get(id))?.state, 'open');
  });

  it('refuses to schedule an openid-list send from a subscription account', async () => {
    const { deps, account } = await city();
    account(JJ).broadcasts!.delivery = 'openids';
    const issue = await createIssue(deps, editor, { account: JJ, date: '2026-12-03' });
    await assert.rejects(scheduleIssue(deps, editor, issue.id), (err: unknown) => err instanceof CapabilityMissingError && /没有“按 OpenID 列表群发”能力/.test(err.message));
  });
});

describe('broadcast completion events per account', () => {
  const massFinish = (msgId: string) =>
    `<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[oMpHelper]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[MASSSENDJOBFINISH]]></Event><MsgID>${msgId}</MsgID><Status><![CDATA[send success]]></Status><TotalCount>3000</TotalCount><FilterCount>2990</FilterCount><SentCount>2988</SentCount><ErrorCount>2</ErrorCount><ArticleUrlResult><Count>1</Count><ResultList><item><ArticleIdx>1</ArticleIdx><ArticleUrl><![CDATA[http://mp.weixin.qq.com/s?mid=1]]></ArticleUrl></item></ResultList></ArticleUrlResult></xml>`;

  it('records MASSSENDJOBFINISH on /wechat/jiaojing-neibu and ignores the same event on another account’s callback', async () => {
    const app = createCityApp(await sampleCity());
    const issue = { id: `${JJ}-2026-12-03`, account: JJ, date: '2026-12-03', columns: [], articles: {}, revision: 1, approvals: [], previews: [], sendAt: '2026-12-03T09:30:00.000Z', deadlineAt: '2026-12-03T08:30:00.000Z', state: 'sent', delivery: { mode: 'sendall', coverMedia: {}, bodyImages: {}, attempts: [], msgId: '1000000001' }, reminded: [], createdAt: '', createdBy: 'x' } as BroadcastIssue;
    await issuesOf(app.store).insert(issue);
    await app.push('/wechat', 'jiangcheng', massFinish('1000000001')).expect(200);
    await app.push('/wechat/chuxing', 'chuxing', massFinish('1000000001')).expect(200);
    assert.equal((await issuesOf(app.store).get(issue.id))?.delivery.outcome, undefined, 'not the internal account’s callback');
    await app.push(`/wechat/${JJ}`, JJ, massFinish('1000000001')).expect(200, 'success');
    const outcome = (await issuesOf(app.store).get(issue.id))?.delivery.outcome;
    assert.equal(outcome?.sentCount, 2988);
    assert.deepEqual(outcome?.articleUrls, ['http://mp.weixin.qq.com/s?mid=1']);
  });
});
