// The citizen's H5 pages through the app: what the application form says before submitting, how
// plates are read, the home page search, 我的预约 without appointments, signing out and the cookie.
import assert from 'node:assert/strict';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import type { AccountBuild } from '../../server/builder/types.js';
import { loadConfig, projectRoot } from '../../server/config.js';
import { createCitizenAuthRouter } from '../../server/http/citizen-auth/citizen-auth-router.js';
import { errorHandler } from '../../server/http/error-handler.js';
import { CITIZEN_COOKIE } from '../../server/http/identity.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createRenderer } from '../../server/render.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { makeContext } from '../loop/appointment/fixture-build.js';
import { createTestApp, type TestApp } from '../loop/applications/test-app.js';
import { buildFixture } from '../loop/applications/build-fixture.js';

describe('citizen pages', () => {
  let city: AccountBuild;
  before(async function () {
    this.timeout(30_000);
    city = buildAccount(await loadCityFromDir(path.join(projectRoot, 'topics')), { publicBaseUrl: 'https://gov.example.cn' });
  });

  describe('the application form', () => {
    let t: TestApp;
    beforeEach(() => (t = createTestApp({ build: city })));
    afterEach(() => t.cleanup());

    it('shows the fee, the promised time limit and what happens next before the submit button', async () => {
      const res = await request(t.app).get('/s/renshe/shebaoka-buban/apply').set('Cookie', t.cookie('o-a')).expect(200);
      const notice = res.text.slice(res.text.indexOf('id="before-submit"'), res.text.indexOf('id="submit"'));
      assert.match(notice, /费用：收费 20\.00 元/);
      assert.match(notice, /承诺时限：受理后 10 个工作日内办结（补齐补正、挂起期间暂停计时）/);
      assert.match(notice, /接下来：提交后请先在线缴费，缴费后工作人员开始受理/);
    });

    // 交通违法查询 is an instant query now (no application); 罚款缴纳 still takes a plate in its form.
    it('reads a plate typed in lower case as capitals', async () => {
      const res = await request(t.app).post('/api/services/jiaojing/fakuan-jiaona/applications').set('Cookie', t.cookie('o-a'))
        .field('decisionNumber', '420100000012345').field('plateNumber', '鄂a12345').field('mobile', '13800000000').expect(201);
      assert.equal(res.body.data.plateNumber, '鄂A12345');
    });
  });

  describe('the home page search', () => {
    let t: TestApp;
    before(() => (t = createTestApp({ build: city })));
    after(() => t.cleanup());
    const results = async (q: string) => {
      const res = await request(t.app).get('/').query({ q }).expect(200);
      const start = res.text.indexOf('id="search-results"');
      assert.ok(start > 0, 'results are shown');
      return res.text.slice(start, res.text.indexOf('查看全部主题', start));
    };

    it('has a search box', async () => {
      assert.match((await request(t.app).get('/').expect(200)).text, /<input id="q" name="q" type="search"/);
    });

    it('finds services by name, by a keyword inside the question and by department', async () => {
      assert.match(await results('社保卡'), /href="\/s\/renshe\/shebaoka-buban"/);
      assert.match(await results('我想补办社保卡'), /href="\/s\/renshe\/shebaoka-buban"[^]*关键词“补办社保卡”/);
      const byDepartment = await results(city.departments.find((d) => d.id === 'gongjijin')!.name);
      assert.match(byDepartment, /href="\/s\/gongjijin\//);
      assert.doesNotMatch(byDepartment, /href="\/s\/jiaojing\//);
    });

    it('finds a matter (一件事) by its name and by its keyword, listed before the services', async () => {
      const byName = await results('二手房交易一件事');
      assert.match(byName, /class="matter-entry"><a href="\/m\/ershoufang-jiaoyi">二手房交易一件事<\/a> <span class="tag">一件事<\/span> <span class="muted">牵头部门：[^·]+ · 事项名称/);
      const byKeyword = await results('我要办二手房交易');
      assert.match(byKeyword, /href="\/m\/ershoufang-jiaoyi"[^]*关键词“二手房交易”/);
      // 二手房交税 is 契税申报's keyword: the service is found too, after the matter.
      const both = await results('二手房');
      const [matterAt, serviceAt] = [both.indexOf('/m/ershoufang-jiaoyi'), both.indexOf('/s/shuiwu/qishui-shenbao')];
      assert.ok(matterAt > 0 && serviceAt > matterAt, both);
      assert.doesNotMatch(await results('社保卡'), /matter-entry/);
    });

    it('says so when nothing matches', async () => {
      assert.match(await results('火星移民'), /没有找到相关事项/);
    });
  });

  describe('我的预约', () => {
    it('has a back link and, without appointments, says what to do with a button', async () => {
      const t = makeContext();
      const res = await request(t.app).get('/me/appointments').set('Cookie', t.cookie('o-none')).expect(200);
      assert.match(res.text, /<a class="back" href="\/">/);
      assert.match(res.text, /id="no-appointments"[^]*<a class="btn" href="\/">去预约办事<\/a>/);
      assert.match(res.text, /<form method="post" action="\/auth\/logout" id="signout">/);
    });
  });

  describe('signing in and out', () => {
    const config = loadConfig({ SESSION_SECRET: 'a-test-session-secret-of-32-chars!', DATA_DIR: '/tmp/onestop-pages-test' });
    const app = express();
    app.use('/auth', createCitizenAuthRouter({ config, store: createMemoryStore(), live: createLiveBuild(buildFixture()), renderer: createRenderer() }));
    app.use(errorHandler());

    it('keeps the session cookie for the 30 days the README promises', async () => {
      const res = await request(app).post('/auth/local').send({ openid: 'o-cookie' }).expect(200);
      const line = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${CITIZEN_COOKIE}=`))!;
      assert.match(line, /Max-Age=2592000/);
    });

    it('signs out by clearing the cookie and going home; another site cannot sign a citizen out', async () => {
      const res = await request(app).post('/auth/logout').expect(303);
      assert.equal(res.headers.location, '/');
      const line = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${CITIZEN_COOKIE}=`))!;
      assert.match(line, /Expires=Thu, 01 Jan 1970/);
      await request(app).post('/auth/logout').set('Sec-Fetch-Site', 'cross-site').expect(403);
    });
  });
});
