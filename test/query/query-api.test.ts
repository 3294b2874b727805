// POST /api/services/:dept/:service/query, the H5 query form and result pages bound to the asker.
import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { loadConfig } from '../../server/config.js';
import { createQueryApiRouter, createQueryPagesRouter, errorHandler } from '../../server/http/index.js';
import { CITIZEN_COOKIE, signCitizenSession } from '../../server/http/identity.js';

import { createLiveBuild } from '../../server/live-build.js';
import { createRateLimiter, createResultPages } from '../../server/query/index.js';
import { createRenderer } from '../../server/render.js';
import { cityWithRestriction, WEDNESDAY } from './query-fixture.js';

const SECRET = 'query-api-test-secret';

function setup(edit?: (city: ReturnType<typeof cityWithRestriction>) => void) {
  const city = cityWithRestriction();
  edit?.(city);
  const clock = { now: WEDNESDAY };
  const config = loadConfig({ SESSION_SECRET: SECRET, DATA_DIR: '/tmp/onestop-query-api' });
  const queries = { limiter: createRateLimiter(), pages: createResultPages(), now: () => clock.now };
  const app = express();
  const live = createLiveBuild(city.build());
  app.use('/api', createQueryApiRouter({ config, live, queries }));
  app.use(createQueryPagesRouter({ config, live, renderer: createRenderer(), queries, now: () => clock.now }));
  app.use(errorHandler());
  const cookie = (openid: string) => `${CITIZEN_COOKIE}=${encodeURIComponent(signCitizenSession(openid, SECRET, clock.now))}`;
  return { app, clock, cookie };
}

const withPage = (city: ReturnType<typeof cityWithRestriction>) => {
  city.service('jiaojing/xianxing').steps.query.reply.page = { title: '限行尾号', list: 'rows', fields: [{ key: 'tail', label: '尾号' }, { key: 'hours', label: '时段' }] };
};

describe('query API', () => {
  it('answers found with the reply text and the rows', async () => {
    const { app } = setup();
    const res = await request(app).post('/api/services/jiaojing/xianxing/query').send({ plateTail: '3' }).expect(200);
    assert.equal(res.body.found, true);
    assert.equal(res.body.reply, '尾号311月25日（周三）限行 7:00—9:00');
    assert.deepEqual(res.body.data.rows, [{ day: 'wed', tail: '3', hours: '7:00—9:00' }]);
  });

  it('answers not found with found: false', async () => {
    const { app } = setup();
    const res = await request(app).post('/api/services/jiaojing/xianxing/query').send({ plateTail: '4' }).expect(200);
    assert.deepEqual([res.body.found, res.body.data.rows], [false, []]);
  });

  it('refuses a bad input with 400 and field details', async () => {
    const { app } = setup();
    const res = await request(app).post('/api/services/jiaojing/xianxing/query').send({ plateTail: '33' }).expect(400);
    assert.deepEqual(res.body.details, [{ field: 'plateTail', label: '车牌尾号', message: '请发送车牌最后一位数字' }]);
  });

  it('names a missing required input in the details', async () => {
    const { app } = setup((city) => (city.service('jiaojing/xianxing').steps.query.inputs[0].required = true));
    const res = await request(app).post('/api/services/jiaojing/xianxing/query').send({}).expect(400);
    assert.deepEqual(res.body.details, [{ field: 'plateTail', label: '车牌尾号', message: '请填写“车牌尾号”' }]);
  });

  it('answers 404 for a service without a query', async () => {
    const { app } = setup();
    await request(app).post('/api/services/jiaojing/fakuan-jiaona/query').send({}).expect(404);
  });

  it('answers 429 past the per-minute limit', async () => {
    const { app } = setup((city) => (city.account.queries = { perMinute: 1 }));
    await request(app).post('/api/services/jiaojing/xianxing/query').send({ plateTail: '3' }).expect(200);
    const res = await request(app).post('/api/services/jiaojing/xianxing/query').send({ plateTail: '3' }).expect(429);
    assert.equal(res.body.code, 'TOO_MANY_QUERIES');
  });

  it('refuses a cross-site POST', async () => {
    const { app } = setup();
    await request(app).post('/api/services/jiaojing/xianxing/query').set('Sec-Fetch-Site', 'cross-site').send({}).expect(403);
  });
});

describe('query result pages', () => {
  it('shows the page to the citizen who asked, and to nobody else', async () => {
    const { app, cookie } = setup(withPage);
    const res = await request(app).post('/api/services/jiaojing/xianxing/query').set('Cookie', cookie('o-asker')).send({}).expect(200);
    const path = new URL(res.body.pageUrl).pathname;
    const page = await request(app).get(path).set('Cookie', cookie('o-asker')).expect(200);
    assert.match(page.text, /限行尾号/);
    assert.match(page.text, /7:00—9:00/);
    assert.equal(page.headers['cache-control'], 'no-store');
    const other = await request(app).get(path).set('Cookie', cookie('o-someone-else')).expect(404);
    assert.doesNotMatch(other.text, /7:00—9:00/);
  });

  it('sends an anonymous visitor to sign in first', async () => {
    const { app, cookie } = setup(withPage);
    const res = await request(app).post('/api/services/jiaojing/xianxing/query').set('Cookie', cookie('o-asker')).send({}).expect(200);
    await request(app).get(new URL(res.body.pageUrl).pathname).expect(302);
  });

  it('expires after the city’s resultPageMinutes', async () => {
    const { app, clock, cookie } = setup((city) => {
      withPage(city);
      city.account.queries = { resultPageMinutes: 5 };
    });
    const res = await request(app).post('/api/services/jiaojing/xianxing/query').set('Cookie', cookie('o-asker')).send({}).expect(200);
    clock.now = new Date(WEDNESDAY.getTime() + 5 * 60_000 + 1);
    await request(app).get(new URL(res.body.pageUrl).pathname).set('Cookie', cookie('o-asker')).expect(404);
  });

  it('keeps no page for an anonymous API caller', async () => {
    const { app } = setup(withPage);
    const res = await request(app).post('/api/services/jiaojing/xianxing/query').send({}).expect(200);
    assert.equal(res.body.pageUrl, null);
  });

  it('serves the form of a public table query to a citizen who has not signed in', async () => {
    const { app } = setup();
    const res = await request(app).get('/s/jiaojing/xianxing/query').expect(200);
    assert.match(res.text, /id="q-plateTail"/);
  });

  it('sends a citizen who has not signed in to sign-in first for a personal query (one with proof inputs)', async () => {
    const { app, cookie } = setup((city) => {
      const query = city.service('jiaojing/xianxing').steps.query;
      query.inputs[0].required = true;
      query.proof = [query.inputs[0].name];
    });
    const res = await request(app).get('/s/jiaojing/xianxing/query').expect(302);
    assert.equal(res.headers.location, `/auth/local?next=${encodeURIComponent('/s/jiaojing/xianxing/query')}`);
    await request(app).get('/s/jiaojing/xianxing/query').set('Cookie', cookie('o-asker')).expect(200);
  });

  it('serves the H5 query form with the declared inputs', async () => {
    const { app, cookie } = setup();
    const res = await request(app).get('/s/jiaojing/xianxing/query').set('Cookie', cookie('o-asker')).expect(200);
    assert.match(res.text, /id="q-plateTail"/);
    assert.match(res.text, /data-action="\/api\/services\/jiaojing\/xianxing\/query"/);
  });
});
