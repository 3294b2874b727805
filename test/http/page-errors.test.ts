// Each surface renders its own errors: a citizen's H5 page answers with a Chinese page whatever
// went wrong, while the JSON API keeps answering { code, message, details }.
import assert from 'node:assert/strict';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import { loadConfig, projectRoot } from '../../server/config.js';
import { CITIZEN_COOKIE, signCitizenSession } from '../../server/http/identity.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createPaymentProvider } from '../../server/loop/payment/create-payment-provider.js';
import { createPublisher } from '../../server/publish/publisher.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { FakeWechatClient } from '../fakes/fake-wechat-client.js';

describe('error pages per surface', () => {
  let app: ReturnType<typeof createApp>;
  let cookie: string;
  before(async () => {
    const config = loadConfig({ PUBLIC_BASE_URL: 'https://gov.example.cn', SESSION_SECRET: 'page-errors-test-secret', DATA_DIR: '/nonexistent-onestop-page-errors' });
    const store = createMemoryStore();
    const live = createLiveBuild(buildAccount(await loadCityFromDir(path.join(projectRoot, 'topics')), { publicBaseUrl: config.publicBaseUrl }));
    const wechat = new FakeWechatClient();
    app = createApp({ config, store, live, wechat, pay: createPaymentProvider(config, store), publisher: createPublisher({ store, live, client: wechat, publicBaseUrl: config.publicBaseUrl }) });
    cookie = `${CITIZEN_COOKIE}=${signCitizenSession('alice', config.sessionSecret)}`;
  });

  it('answers the apply page of a service without online processing with a Chinese page, not JSON', async () => {
    const res = await request(app).get('/s/jiaojing/nianjian-yuyue/apply').set('Cookie', cookie).expect(409);
    assert.match(res.headers['content-type'] ?? '', /text\/html/);
    assert.match(res.text, /暂不支持在线申请，请到办事大厅办理/);
    assert.doesNotMatch(res.text, /"code"\s*:/);
  });

  it('answers the same refusal on the JSON API as { code, message, details }', async () => {
    const res = await request(app).post('/api/services/jiaojing/nianjian-yuyue/applications').set('Cookie', cookie).expect(409);
    assert.equal(res.body.code, 'CONFLICT');
    assert.match(res.body.message, /暂不支持在线申请/);
  });

  it('answers an expired query result page and its photo with a Chinese page, not JSON', async () => {
    const page = await request(app).get('/q/no-such-token').set('Cookie', cookie).expect(404);
    assert.match(page.headers['content-type'] ?? '', /text\/html/);
    assert.match(page.text, /查询结果不存在或已过期/);
    const photo = await request(app).get('/q/no-such-token/photo/0/0').set('Cookie', cookie).expect(404);
    assert.match(photo.headers['content-type'] ?? '', /text\/html/);
    assert.match(photo.text, /照片不存在或已过期/);
    assert.doesNotMatch(photo.text, /"code"\s*:/);
  });

  it('answers a query of a service without one on the JSON API as { code, message, details }', async () => {
    const res = await request(app).post('/api/services/jiaojing/nianjian-yuyue/query').set('Cookie', cookie).send({}).expect(404);
    assert.equal(res.body.code, 'NOT_FOUND');
  });

  it('answers the citizen’s sign-in and the local cashier with a Chinese page, not JSON', async () => {
    const wechat = await request(app).get('/auth/wechat').expect(404);
    assert.match(wechat.headers['content-type'] ?? '', /text\/html/);
    const bad = await request(app).post('/auth/local').type('form').send({ openid: '<script>', next: '/' }).expect(400);
    assert.match(bad.headers['content-type'] ?? '', /text\/html/);
    assert.match(bad.text, /openid/);
    const cashier = await request(app).get('/pay/local/NO-SUCH-ORDER').set('Cookie', cookie).expect(404);
    assert.match(cashier.headers['content-type'] ?? '', /text\/html/);
    assert.doesNotMatch(cashier.text, /"code"\s*:/);
  });

  it('answers an unknown API path with JSON 404', async () => {
    const res = await request(app).get('/api/no-such-thing').expect(404);
    assert.equal(res.body.code, 'NOT_FOUND');
  });
});
