// Records carry the account they came through, and everything sent to a citizen about them goes
// through that account's own client: an openid is only valid on its own account.
import assert from 'node:assert/strict';
import nock from 'nock';
import request from 'supertest';
import { signLink } from '../../server/accounts/index.js';
import { addUser } from '../../server/console/users.js';
import { createStaffToken } from '../../server/desk/staff-tokens.js';
import type { Application } from '../../server/loop/applications/application-types.js';
import { CITIZEN_COOKIE, signCitizenSession } from '../../server/http/identity.js';
import { textXml } from '../gateway/harness.js';
import { sampleCity } from './city-fixture.js';
import { createCityApp, credentialsFor, type CityApp } from './harness.js';

const WX = 'http://wx.test';
const PASSWORD = 'correct-horse-battery';
const UNMATCHED = 'zzqq 这是一条没有任何关键词的留言 0421';
const CLAIM = { name: '张三', idNumber: '11010519491231002X', mobile: '13800138000', bankCard: '6222020200112233445' };
const SERVICE = '/api/services/renshe/shiye-baoxianjin/applications';

async function signInConsole(city: CityApp, username = 'plat') {
  await addUser(city.store, { username, role: 'platform', departments: [], password: PASSWORD });
  const agent = request.agent(city.app);
  const login = await agent.get('/console/login').expect(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
  await agent.post('/console/login').type('form').send({ username, password: PASSWORD, _csrf: csrf }).expect(303);
  const home = await agent.get('/console/').expect(200);
  return { agent, csrf: /name="_csrf" value="([^"]+)"/.exec(home.text)![1]! };
}

/** The citizen's browser after opening a signed link of `account` (what its chat replies carry). */
async function citizenOf(city: CityApp, account: string, openid: string) {
  const agent = request.agent(city.app);
  const link = signLink({ account, openid, url: '/me/applications', publicBaseUrl: city.config.publicBaseUrl, secret: city.config.sessionSecret, now: new Date() });
  await agent.get(link.slice(city.config.publicBaseUrl.length)).expect(303);
  return agent;
}

/** A citizen session cookie, as /auth/link (with an account) or the primary's web sign-in (without) sets it. */
const sessionOf = (city: CityApp, openid: string, account?: string) => `${CITIZEN_COOKIE}=${encodeURIComponent(signCitizenSession(openid, city.config.sessionSecret, new Date(), account))}`;

async function ticketOf(city: CityApp, openid: string) {
  const tickets = await city.store.collection<{ id: string; openid: string; account?: string }>('deskTickets').list();
  return tickets.find((t) => t.openid === openid)!;
}

/** WeChat's classic token for one account's appid, then the customer-service send with exactly that token. */
function expectCustomSend(account: string, touser: string, content: RegExp) {
  const { appId, secret } = credentialsFor(account);
  // Only this account's appid gets TOKEN_<account> (once: the client keeps it), and the send must carry it.
  return nock(WX)
    .get('/cgi-bin/token')
    .optionally()
    .query({ grant_type: 'client_credential', appid: appId, secret })
    .reply(200, { access_token: `TOKEN_${account}`, expires_in: 7200 })
    .post('/cgi-bin/message/custom/send', (body: { touser: string; msgtype: string; text: { content: string } }) => body.touser === touser && body.msgtype === 'text' && content.test(body.text.content))
    .query({ access_token: `TOKEN_${account}` })
    .reply(200, { errcode: 0, errmsg: 'ok' });
}

describe('records carry the account they came through', () => {
  describe('through each account’s real client (nock proves the appid and token)', () => {
    let city: CityApp;
    before(async () => {
      nock.disableNetConnect();
      nock.enableNetConnect(/127\.0\.0\.1|localhost/);
      city = createCityApp(await sampleCity(), { realClients: { apiBase: WX }, config: { publicBaseUrl: 'http://localhost:3000' } });
    });
    afterEach(() => nock.cleanAll());
    after(() => nock.enableNetConnect());

    it('answers a 江城出行 follower’s desk message through 江城出行’s client, and shows the account to staff', async () => {
      await city.push('/wechat/chuxing', 'chuxing', textXml(UNMATCHED, 'o-cx-desk')).expect(200);
      const ticket = await ticketOf(city, 'o-cx-desk');
      assert.equal(ticket.account, 'chuxing');
      const { agent, csrf } = await signInConsole(city);
      const desk = await agent.get('/console/work/desk').expect(200);
      assert.match(desk.text, new RegExp(`id="ticket-${ticket.id}"[\\s\\S]*?来自“江城出行”`));
      assert.match((await agent.get(`/console/work/desk/${ticket.id}`).expect(200)).text, /<th>公众号<\/th><td>江城出行/);
      const scope = expectCustomSend('chuxing', 'o-cx-desk', /^您好，路灯已报修$/);
      await agent.post(`/console/work/desk/${ticket.id}/reply`).type('form').send({ text: '您好，路灯已报修', _csrf: csrf }).expect(303);
      assert.ok(scope.isDone(), 'sent with 江城出行’s appid and token, never the primary’s');
      const stored = await city.store.collection<{ id: string; status: string; replies?: Array<{ sent: boolean }> }>('deskTickets').get(ticket.id);
      assert.deepEqual([stored?.status, stored?.replies?.at(-1)?.sent], ['answered', true]);
    });

    it('sends an application’s progress notices through the account it was made in', async () => {
      const citizen = await citizenOf(city, 'chuxing', 'o-cx-app');
      const submitted = expectCustomSend('chuxing', 'o-cx-app', /^【办理进度】失业保险金申领，申请编号 [A-Z]+-\d{8}-\d{4}，已收件（.+）。查看详情：http/);
      const res = await citizen.post(SERVICE).field(CLAIM).expect(201);
      assert.ok(submitted.isDone());
      const app = await city.store.collection<Application>('applications').get(res.body.no);
      assert.equal(app?.account, 'chuxing');
      const staff = await createStaffToken(city.store, 'renshe', '窗口1');
      const moved = expectCustomSend('chuxing', 'o-cx-app', /已受理/);
      await request(city.app).post(`/api/applications/${res.body.no}/transitions`).set('Authorization', `Bearer ${staff}`).send({ to: 'accepted' }).expect(200);
      assert.ok(moved.isDone(), 'the staff move notified through 江城出行 too');
      const { agent } = await signInConsole(city, 'plat2');
      assert.match((await agent.get(`/console/work/applications/${res.body.no}`).expect(200)).text, /<th>公众号<\/th><td>江城出行（进度通知经该公众号发出）/);
      const log = (await city.store.log<{ applicationNo: string; account?: string; channel?: string; status: string }>('notifications').read()).filter((r) => r.applicationNo === res.body.no);
      assert.deepEqual(log.map((r) => [r.account, r.channel, r.status]), [['chuxing', 'customer-service', 'sent'], ['chuxing', 'customer-service', 'sent']]);
    });
  });

  describe('with a fake client per account', () => {
    let city: CityApp;
    before(async () => {
      city = createCityApp(await sampleCity());
    });

    it('keeps the primary’s template notices for a session without an account (records from before read as the primary)', async () => {
      const res = await request(city.app).post(SERVICE).set('Cookie', sessionOf(city, 'o-main')).field(CLAIM).expect(201);
      const app = await city.store.collection<Application>('applications').get(res.body.no);
      assert.equal(app?.account, undefined);
      assert.deepEqual(city.clients.get('jiangcheng')!.templates.map((t) => [t.openid, t.templateId]), [['o-main', 'TM_PROGRESS_0002']]);
      assert.equal(city.clients.get('chuxing')!.texts.length, 0);
    });

    it('records a notice for an account the city no longer has as failed, sending nothing through the primary', async () => {
      const staff = await createStaffToken(city.store, 'renshe', '窗口2');
      const res = await request(city.app).post(SERVICE).set('Cookie', sessionOf(city, 'o-gone', 'chuxing')).field(CLAIM).expect(201);
      await city.store.collection<Application>('applications').update(res.body.no, (a) => ({ ...a, account: 'closed-account' }));
      const before = city.clients.get('jiangcheng')!.templates.length;
      const moved = await request(city.app).post(`/api/applications/${res.body.no}/transitions`).set('Authorization', `Bearer ${staff}`).send({ to: 'accepted' });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.equal(city.clients.get('jiangcheng')!.templates.length, before);
      assert.equal(city.clients.get('jiangcheng')!.texts.filter((t) => t.openid === 'o-gone').length, 0);
      const last = (await city.store.log<{ applicationNo: string; status: string; error?: string }>('notifications').read()).filter((r) => r.applicationNo === res.body.no).at(-1);
      assert.equal(last?.status, 'failed');
      assert.match(last?.error ?? '', /closed-account/);
    });

    it('keeps two accounts’ conversations of one openid apart on the desk', async () => {
      await city.push('/wechat/chuxing', 'chuxing', textXml(UNMATCHED, 'o-both')).expect(200);
      await city.push('/wechat', 'jiangcheng', textXml(`${UNMATCHED} 二`, 'o-both')).expect(200);
      const tickets = (await city.store.collection<{ id: string; openid: string; account?: string }>('deskTickets').list()).filter((t) => t.openid === 'o-both');
      assert.deepEqual(tickets.map((t) => t.account).sort(), ['chuxing', 'jiangcheng']);
    });
  });
});
