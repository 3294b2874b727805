import assert from 'node:assert/strict';
import express from 'express';
import nock from 'nock';
import request from 'supertest';
import { loadConfig } from '../../server/config.js';
import { createCitizenAuthRouter } from '../../server/http/citizen-auth/citizen-auth-router.js';
import { errorHandler } from '../../server/http/error-handler.js';
import { CITIZEN_COOKIE, readCitizenSession, requireCitizen } from '../../server/http/identity.js';
import { createRenderer } from '../../server/render.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { buildFixture } from '../loop/applications/build-fixture.js';
import { TEST_VAULT_ENV } from '../support/vault-env.js';

function appWith(env: Record<string, string>) {
  const config = loadConfig({ SESSION_SECRET: 'a-test-session-secret-of-32-chars!', WECHAT_TOKEN: 'auth-test-token', DATA_DIR: '/tmp/onestop-auth-test', ...env });
  const deps = { config, store: createMemoryStore(), live: createLiveBuild(buildFixture()), renderer: createRenderer() };
  const app = express();
  app.use('/auth', createCitizenAuthRouter(deps));
  app.get('/whoami', requireCitizen(config.sessionSecret), (_req, res) => void res.json({ openid: res.locals.openid }));
  app.use(errorHandler());
  return { app, config };
}

/** The Secure oauth cookie, sent back by hand: supertest talks plain http. */
const oauthCookie = (res: request.Response) =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('os_oauth='))!.split(';')[0]!;

const sessionOf = (setCookie: string[] | string | undefined, secret: string) => {
  const line = ([] as string[]).concat(setCookie ?? []).find((c) => c.startsWith(`${CITIZEN_COOKIE}=`));
  return { line, openid: line ? readCitizenSession(decodeURIComponent(line.split(';')[0]!.split('=')[1]!), secret) : undefined };
};

describe('citizen sign-in', () => {
  describe('local mode', () => {
    const { app, config } = appWith({});

    it('shows a sign-in page clearly marked as local testing', async () => {
      const res = await request(app).get('/auth/local?next=/me/applications').expect(200);
      assert.match(res.text, /本地测试登录/);
      assert.match(res.text, /value="\/me\/applications"/);
    });

    it('sets a signed httpOnly lax cookie and redirects to a same-origin next', async () => {
      const res = await request(app).post('/auth/local').type('form').send({ openid: 'o-test-1', next: '/me/applications' }).expect(303);
      assert.equal(res.headers.location, '/me/applications');
      const { line, openid } = sessionOf(res.headers['set-cookie'], config.sessionSecret);
      assert.equal(openid, 'o-test-1');
      assert.match(line!, /HttpOnly/);
      assert.match(line!, /SameSite=Lax/);
      assert.doesNotMatch(line!, /Secure/);
    });

    it('answers JSON to a JSON sign-in, and the cookie then identifies the citizen', async () => {
      const agent = request.agent(app);
      await agent.post('/auth/local').send({ openid: 'o-json' }).expect(200, { openid: 'o-json' });
      await agent.get('/whoami').expect(200, { openid: 'o-json' });
    });

    it('refuses an openid with odd characters', async () => {
      const res = await request(app).post('/auth/local').send({ openid: '<script>' }).expect(400);
      assert.match(res.body.message, /openid/);
    });

    it('refuses a sign-in posted from another site, like every citizen POST', async () => {
      for (const headers of [{ Origin: 'https://evil.example' }, { 'Sec-Fetch-Site': 'cross-site' }, { 'Sec-Fetch-Site': 'same-site' }]) {
        const res = await request(app).post('/auth/local').set(headers).type('form').send({ openid: 'o-victim', next: '/' }).expect(403);
        assert.match(res.body.message, /拒绝跨站提交/);
        assert.equal(sessionOf(res.headers['set-cookie'], config.sessionSecret).line, undefined);
      }
      const own = await request(app).post('/auth/local').set({ 'Sec-Fetch-Site': 'same-origin' }).type('form').send({ openid: 'o-self', next: '/' }).expect(303);
      assert.equal(sessionOf(own.headers['set-cookie'], config.sessionSecret).openid, 'o-self');
    });

    it('has no WeChat sign-in without an AppID', async () => {
      await request(app).get('/auth/wechat').expect(404);
    });
  });

  describe('with WeChat credentials', () => {
    const { app, config } = appWith({ WECHAT_APPID: 'wxappid', WECHAT_SECRET: 'wxsecret', PUBLIC_BASE_URL: 'https://gov.example.cn', ...TEST_VAULT_ENV });
    before(() => {
      nock.disableNetConnect();
      nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    });
    afterEach(() => nock.cleanAll());
    after(() => nock.enableNetConnect());

    it('answers 404 for the local sign-in', async () => {
      await request(app).get('/auth/local').expect(404);
      await request(app).post('/auth/local').send({ openid: 'x' }).expect(404);
    });

    it('redirects to WeChat OAuth with snsapi_base, then exchanges the code and returns to next', async () => {
      const start = await request(app).get('/auth/wechat?next=/me/applications').expect(302);
      const target = new URL(start.headers.location!);
      assert.equal(target.origin + target.pathname, 'https://open.weixin.qq.com/connect/oauth2/authorize');
      assert.equal(target.searchParams.get('appid'), 'wxappid');
      assert.equal(target.searchParams.get('redirect_uri'), 'https://gov.example.cn/auth/wechat/callback');
      assert.equal(target.searchParams.get('scope'), 'snsapi_base');
      assert.equal(target.hash, '#wechat_redirect');
      const state = target.searchParams.get('state')!;

      const scope = nock('https://api.weixin.qq.com')
        .get('/sns/oauth2/access_token')
        .query({ appid: 'wxappid', secret: 'wxsecret', code: 'CODE1', grant_type: 'authorization_code' })
        .reply(200, { access_token: 'AT', expires_in: 7200, refresh_token: 'RT', openid: 'oWX123', scope: 'snsapi_base' });
      const back = await request(app).get(`/auth/wechat/callback?code=CODE1&state=${state}`).set('Cookie', oauthCookie(start)).expect(302);
      assert.ok(scope.isDone());
      assert.equal(back.headers.location, '/me/applications');
      const { line, openid } = sessionOf(back.headers['set-cookie'], config.sessionSecret);
      assert.equal(openid, 'oWX123');
      assert.match(line!, /Secure/, 'https public URL: secure cookie');
    });

    it('refuses a callback whose state does not match', async () => {
      const start = await request(app).get('/auth/wechat?next=/').expect(302);
      await request(app).get('/auth/wechat/callback?code=C&state=forged').set('Cookie', oauthCookie(start)).expect(401);
      const state = new URL(start.headers.location!).searchParams.get('state')!;
      await request(app).get(`/auth/wechat/callback?code=C&state=${state}`).expect(401, /登录已过期/);
    });

    it('does not let the state cookie be replayed as a citizen session', async () => {
      const start = await request(app).get('/auth/wechat?next=/').expect(302);
      const value = decodeURIComponent(oauthCookie(start).slice('os_oauth='.length));
      await request(app).get('/whoami').set('Cookie', `${CITIZEN_COOKIE}=${value}`).expect(401);
      assert.equal(readCitizenSession(value, config.sessionSecret), undefined);
    });

    it('answers 401, not 500, to a callback with a malformed state cookie', async () => {
      const res = await request(app).get('/auth/wechat/callback?code=C&state=x').set('Cookie', 'os_oauth=%E0%A4%A').expect(401);
      assert.match(res.body.message, /登录已过期/);
    });

    it('surfaces a WeChat error reply as 502 without signing in', async () => {
      const start = await request(app).get('/auth/wechat').expect(302);
      const state = new URL(start.headers.location!).searchParams.get('state')!;
      const scope = nock('https://api.weixin.qq.com').get('/sns/oauth2/access_token').query(true).reply(200, { errcode: 40029, errmsg: 'invalid code' });
      const res = await request(app).get(`/auth/wechat/callback?code=BAD&state=${state}`).set('Cookie', oauthCookie(start)).expect(502);
      assert.ok(scope.isDone());
      assert.equal(sessionOf(res.headers['set-cookie'], config.sessionSecret).openid, undefined);
    });
  });
});
