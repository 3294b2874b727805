// A further account's follower whose 30-day session ran out signs in again through that account
// (an openid exists only on its own AppID), never through the primary's web authorisation.
import assert from 'node:assert/strict';
import nock from 'nock';
import request from 'supertest';
import { ACCOUNT_HINT_COOKIE, CITIZEN_COOKIE, readAccountHint, readCitizenIdentity, signAccountHint } from '../../server/http/identity.js';
import { signLink } from '../../server/accounts/index.js';
import { accountFile, cityWith } from './city-fixture.js';
import { createCityApp, credentialsFor, type CityApp } from './harness.js';

const cookieOf = (res: request.Response, name: string) => {
  const line = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
  return line === undefined ? undefined : { pair: line.split(';')[0]!, value: decodeURIComponent(line.split(';')[0]!.slice(name.length + 1)), line };
};

describe('signing in again through the account a citizen came through', () => {
  let app: CityApp;
  let cleanup: () => Promise<void>;
  // The sample city (chuxing: a subscription account) plus a verified service account, which may use web authorisation.
  before(async () => {
    const made = await cityWith({ 'accounts/shuiwu.json': accountFile({ name: '江城税务', type: 'service', organiser: 'shuiwu', topics: ['banshui'], menu: { buttons: [{ topic: 'banshui' }] } }) });
    cleanup = made.cleanup;
    app = createCityApp(made.city);
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  after(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await cleanup();
  });
  const hintCookie = (account: string) => `${ACCOUNT_HINT_COOKIE}=${encodeURIComponent(signAccountHint(account, app.config.sessionSecret))}`;
  const apiBase = () => app.config.wechat.apiBase ?? 'https://api.weixin.qq.com';

  it('a subscription account’s signed link remembers the account; after the session is gone the page says how to go on', async () => {
    // The link chuxing's reply carries (signed for this citizen, as the gateway signs a subscription account's links).
    const link = signLink({ account: 'chuxing', openid: 'o-chuxing-1', url: `${app.config.publicBaseUrl}/s/jiaojing/weifa-chaxun`, publicBaseUrl: app.config.publicBaseUrl, secret: app.config.sessionSecret, now: new Date() });
    const url = new URL(link);
    const opened = await request(app.app).get(url.pathname + url.search).expect(303);
    assert.equal(readAccountHint(cookieOf(opened, ACCOUNT_HINT_COOKIE)?.value, app.config.sessionSecret), 'chuxing');
    assert.match(cookieOf(opened, ACCOUNT_HINT_COOKIE)!.line, /HttpOnly/);

    // 30 days later the browser has dropped the session cookie and keeps only the hint.
    const page = await request(app.app).get('/me/applications').set('Cookie', cookieOf(opened, ACCOUNT_HINT_COOKIE)!.pair).expect(302);
    assert.equal(page.headers.location, '/auth/wechat?next=%2Fme%2Fapplications');
    const signIn = await request(app.app).get(page.headers.location!).set('Cookie', cookieOf(opened, ACCOUNT_HINT_COOKIE)!.pair).expect(200);
    assert.match(signIn.text, /登录已过期/);
    assert.match(signIn.text, /订阅号不能在网页中直接登录/);
    assert.match(signIn.text, /公众号“江城出行”/);
    assert.equal(cookieOf(signIn, CITIZEN_COOKIE), undefined, 'no session from the primary’s OAuth');
    assert.doesNotMatch(signIn.text, /open\.weixin\.qq\.com/);
    // Someone who really is the primary's follower may still sign in there.
    const primary = app.accounts.primary();
    const unescaped = signIn.text.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    assert.ok(unescaped.includes(`href="/auth/wechat?next=%2Fme%2Fapplications&account=${primary.id}"`));
    const asPrimary = await request(app.app).get(`/auth/wechat?next=%2Fme%2Fapplications&account=${primary.id}`).set('Cookie', hintCookie('chuxing')).expect(302);
    assert.equal(new URL(asPrimary.headers.location!).searchParams.get('appid'), app.config.wechat.appId);
  });

  it('a service account’s follower signs in through that account’s own AppID and secret', async () => {
    const own = credentialsFor('shuiwu');
    const start = await request(app.app).get('/auth/wechat?next=/me/applications').set('Cookie', hintCookie('shuiwu')).expect(302);
    const target = new URL(start.headers.location!);
    assert.equal(target.searchParams.get('appid'), own.appId);
    assert.notEqual(own.appId, app.config.wechat.appId);
    const exchange = nock(apiBase())
      .get('/sns/oauth2/access_token')
      .query({ appid: own.appId, secret: own.secret, code: 'CODE-CG', grant_type: 'authorization_code' })
      .reply(200, { access_token: 'AT', expires_in: 7200, openid: 'o-shuiwu-5', scope: 'snsapi_base' });
    const back = await request(app.app)
      .get(`/auth/wechat/callback?code=CODE-CG&state=${target.searchParams.get('state')}`)
      .set('Cookie', cookieOf(start, 'os_oauth')!.pair)
      .expect(302);
    assert.ok(exchange.isDone());
    assert.equal(back.headers.location, '/me/applications');
    assert.deepEqual(readCitizenIdentity(cookieOf(back, CITIZEN_COOKIE)!.value, app.config.sessionSecret), { openid: 'o-shuiwu-5', account: 'shuiwu' });
    assert.equal(readAccountHint(cookieOf(back, ACCOUNT_HINT_COOKIE)!.value, app.config.sessionSecret), 'shuiwu');
  });

  it('?account= names the account; a sign-in through the primary forgets the hint', async () => {
    const start = await request(app.app).get('/auth/wechat?next=/&account=shuiwu').expect(302);
    assert.equal(new URL(start.headers.location!).searchParams.get('appid'), credentialsFor('shuiwu').appId);

    const primary = await request(app.app).get('/auth/wechat?next=/').expect(302);
    const target = new URL(primary.headers.location!);
    assert.equal(target.searchParams.get('appid'), app.config.wechat.appId);
    nock(apiBase()).get('/sns/oauth2/access_token').query({ appid: app.config.wechat.appId, secret: app.config.wechat.secret, code: 'CODE-P', grant_type: 'authorization_code' }).reply(200, { openid: 'o-primary-3' });
    const back = await request(app.app).get(`/auth/wechat/callback?code=CODE-P&state=${target.searchParams.get('state')}`).set('Cookie', `${cookieOf(primary, 'os_oauth')!.pair}; ${hintCookie('chuxing')}`).expect(302);
    assert.deepEqual(readCitizenIdentity(cookieOf(back, CITIZEN_COOKIE)!.value, app.config.sessionSecret), { openid: 'o-primary-3' });
    assert.match(cookieOf(back, ACCOUNT_HINT_COOKIE)!.line, /Expires=Thu, 01 Jan 1970/);
  });

  it('ignores a forged hint and an account the city does not have', async () => {
    for (const cookie of [`${ACCOUNT_HINT_COOKIE}=chuxing`, hintCookie('no-such-account')]) {
      const res = await request(app.app).get('/auth/wechat?next=/').set('Cookie', cookie).expect(302);
      assert.equal(new URL(res.headers.location!).searchParams.get('appid'), app.config.wechat.appId);
    }
    const asked = await request(app.app).get('/auth/wechat?next=/&account=no-such-account').expect(302);
    assert.equal(new URL(asked.headers.location!).searchParams.get('appid'), app.config.wechat.appId);
  });
});
