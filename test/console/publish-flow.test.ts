import assert from 'node:assert/strict';
import nock from 'nock';
import type { Draft } from '../../server/console/drafts.js';
import type { CityVersion } from '../../server/publish/publisher.js';
import type { AuditRecord } from '../../server/audit/audit.js';
import { cityTime } from '../../server/http/console/page.js';
import { createStoreTokenStore } from '../../server/wechat/token-store.js';
import { createWechatClient } from '../../server/wechat/wechat-client.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { addTestUsers, createHarness, csrfFrom, editedDepartment, login, type Harness } from './harness.js';

const WX = 'https://api.weixin.qq.com';
const creds = { appId: 'wx1234567890abcdef', secret: 'SECRET' };
const TOKEN = { access_token: 'ACCESS_TOKEN_1', expires_in: 7200 };

describe('console publish flow against WeChat (nock)', () => {
  let h: Harness;

  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  beforeEach(async () => {
    const bootScope = nock(WX)
      .get('/cgi-bin/token').query({ grant_type: 'client_credential', appid: creds.appId, secret: creds.secret }).reply(200, TOKEN)
      .post('/cgi-bin/menu/create').query({ access_token: 'ACCESS_TOKEN_1' }).reply(200, { errcode: 0, errmsg: 'ok' });
    // The token is shared through the same store the console uses.
    const tokenStore = createStoreTokenStore(createMemoryStore(), creds.appId);
    h = await createHarness({ client: createWechatClient({ ...creds, tokenStore }) });
    assert.ok(bootScope.isDone(), 'bootstrap sends the initial menu to WeChat');
    await addTestUsers(h.store);
  });

  it('goes from draft to submitted, approved, published and rolled back', async () => {
    const jj = await login(h.app, 'jj-admin');
    const files = (await h.publisher.currentFiles()).files;
    const text = editedDepartment(files, 'jiaojing', (d) => {
      d.services[0].menuName = '查违章';
      d.services[0].keywords.push({ text: '违章处理' });
    });
    await jj.agent.post('/console/departments/jiaojing/drafts').type('form').send({ _csrf: jj.csrf, text }).expect(303);
    const [draft] = await h.store.collection<Draft>('drafts').list();
    assert.equal(draft!.status, 'draft');
    await jj.agent.post(`/console/drafts/${draft!.id}/submit`).type('form').send({ _csrf: jj.csrf }).expect(303);

    const plat = await login(h.app, 'plat');
    const review = await plat.agent.get('/console/review').expect(200);
    assert.match(review.text, /按钮“违章查询”改名为“查违章”/);
    assert.match(review.text, /新增关键词“违章处理”/);
    await plat.agent.post(`/console/drafts/${draft!.id}/approve`).type('form').send({ _csrf: plat.csrf, comment: '同意' }).expect(303);
    assert.equal((await h.store.collection<Draft>('drafts').get(draft!.id))!.status, 'approved');

    const before = h.live.current().hash;
    const scope = nock(WX)
      .post('/cgi-bin/menu/create', (body) => JSON.stringify(body).includes('查违章'))
      .query({ access_token: 'ACCESS_TOKEN_1' })
      .reply(200, { errcode: 0, errmsg: 'ok' });
    await plat.agent.post('/console/publish').type('form').send({ _csrf: plat.csrf, note: '交警改菜单名' }).expect(303).expect('location', '/console/versions?msg=published');
    assert.ok(scope.isDone());
    assert.notEqual(h.live.current().hash, before);
    assert.equal((await h.store.collection<Draft>('drafts').get(draft!.id))!.status, 'published');
    const versions = await h.publisher.listVersions();
    assert.deepEqual(versions.map((v) => v.number), [2, 1]);
    assert.equal(versions[0]!.note, '交警改菜单名');

    const rollbackScope = nock(WX)
      .post('/cgi-bin/menu/create', (body) => JSON.stringify(body).includes('违章查询') && !JSON.stringify(body).includes('查违章'))
      .query({ access_token: 'ACCESS_TOKEN_1' })
      .reply(200, { errcode: 0, errmsg: 'ok' });
    await plat.agent.post(`/console/versions/${versions[1]!.id}/rollback`).type('form').send({ _csrf: plat.csrf }).expect(303);
    assert.ok(rollbackScope.isDone());
    assert.equal(h.live.current().hash, before);
    const after = await h.publisher.listVersions();
    assert.equal(after[0]!.number, 3);
    assert.equal(after[0]!.rollbackOf, versions[1]!.id);

    const audit = await h.store.log<AuditRecord>('audit').read();
    assert.deepEqual(
      audit.filter((a) => a.action !== 'login').map((a) => `${a.actor} ${a.action}`),
      ['system bootstrap', 'jj-admin draft.save', 'jj-admin draft.submit', 'plat draft.approve', 'plat publish', 'plat rollback'],
    );
    const page = await plat.agent.get('/console/audit').expect(200);
    assert.match(page.text, /回滚/);
    // Times as the city reads them (Asia/Shanghai), never the stored UTC ISO string.
    const signIn = audit.find((a) => a.action === 'login')!;
    assert.ok(page.text.includes(`<td>${cityTime(signIn.at)}</td>`));
    const versionsPage = await plat.agent.get('/console/versions').expect(200);
    assert.ok(versionsPage.text.includes(`<td>${cityTime(after[0]!.publishedAt)}</td>`));
    for (const text of [page.text, versionsPage.text]) assert.doesNotMatch(text, /\d{4}-\d\d-\d\dT\d\d:\d\d/);
  });

  it('keeps the old version live when WeChat refuses the menu in the middle of a publish', async () => {
    const jj = await login(h.app, 'jj-admin');
    const text = editedDepartment((await h.publisher.currentFiles()).files, 'jiaojing', (d) => (d.services[0].menuName = '违章查'));
    await jj.agent.post('/console/departments/jiaojing/drafts').type('form').send({ _csrf: jj.csrf, text }).expect(303);
    const [draft] = await h.store.collection<Draft>('drafts').list();
    await jj.agent.post(`/console/drafts/${draft!.id}/submit`).type('form').send({ _csrf: jj.csrf }).expect(303);
    const plat = await login(h.app, 'plat');
    await plat.agent.post(`/console/drafts/${draft!.id}/approve`).type('form').send({ _csrf: plat.csrf }).expect(303);

    const before = h.live.current().hash;
    const versionsBefore = await h.store.collection<CityVersion>('versions').count();
    const scope = nock(WX)
      .post('/cgi-bin/menu/create').query({ access_token: 'ACCESS_TOKEN_1' })
      .reply(200, { errcode: 40018, errmsg: 'invalid button name size rid: 6645c0a2-1a2b3c4d' });
    const res = await plat.agent.post('/console/publish').type('form').send({ _csrf: plat.csrf, note: '' });
    assert.ok(scope.isDone());
    assert.equal(res.status, 502);
    assert.match(res.text, /微信拒绝了新菜单，线上版本保持不变/);
    assert.match(res.text, /40018/);
    assert.match(res.text, /菜单名称长度超过限制/);
    assert.equal(h.live.current().hash, before);
    assert.equal(await h.store.collection<CityVersion>('versions').count(), versionsBefore);
    assert.equal((await h.store.collection<Draft>('drafts').get(draft!.id))!.status, 'approved');
    // The approved draft is still offered for the next publish.
    assert.match(res.text, /已批准、待发布（1）/);
    csrfFrom(res.text);
  });

  it('refuses to publish a city that does not build, naming the problem', async () => {
    const plat = await login(h.app, 'plat');
    const files = await h.publisher.currentFiles();
    const broken = editedDepartment(files.files, 'jiaojing', (d) => (d.services[0].id = 'Bad Id'));
    await assert.rejects(
      h.publisher.publish({ files: files.files.map((f) => (f.path === 'departments/jiaojing.json' ? { ...f, text: broken } : f)) }, 'plat', 'x'),
      (err: Error & { code?: string }) => err.code === 'BUILD_FAILED' && /构建有 \d+ 个错误/.test(err.message),
    );
    assert.equal((await h.publisher.listVersions()).length, 1);
    await plat.agent.get('/console/versions').expect(200);
  });
});
