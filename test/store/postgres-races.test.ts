// Two server processes on one database, modelled as two store instances with their own pools
// (no shared memory, only PostgreSQL between them). Each race would break with in-process locks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import request from 'supertest';
import { createStoreRateLimit } from '../../server/http/store-rate-limit.js';
import { creditPayment } from '../../server/loop/payment/credit-payment.js';
import type { LocalPaymentProvider } from '../../server/loop/payment/local-payment-provider.js';
import { createPostgresStore, type PostgresStore } from '../../server/store/postgres/postgres-store.js';
import type { AccountBuild } from '../../server/builder/types.js';
import { APPOINTMENT_SERVICE, makeContext, SERVICE, VALID_FIELDS } from '../loop/appointment/fixture-build.js';
import { createTestApp, move, payThroughCashier, submitLicence, type TestApp } from '../loop/applications/test-app.js';
import { createStoreTokenStore } from '../../server/wechat/token-store.js';
import { createWechatClient } from '../../server/wechat/wechat-client.js';
import { dropSchema, freshSchema, usePostgres } from '../support/postgres.js';

const wechatFixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/wechat/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('two processes on one PostgreSQL database (needs PostgreSQL)', () => {
  let url: string;
  let schema: string;
  let a: PostgresStore;
  let b: PostgresStore;
  const apps: TestApp[] = [];
  const twoApps = (now?: string) => {
    const pair = [createTestApp({ store: a, ...(now ? { now } : {}) }), createTestApp({ store: b, ...(now ? { now } : {}) })] as const;
    apps.push(...pair);
    return pair;
  };

  before(async function () {
    url = (await usePostgres(this)).url;
  });
  beforeEach(async () => {
    schema = freshSchema();
    [a, b] = await Promise.all([createPostgresStore(url, { schema, poolSize: 6 }), createPostgresStore(url, { schema, poolSize: 6 })]);
  });
  afterEach(async () => {
    for (const t of apps.splice(0)) t.cleanup();
    await Promise.all([a.close(), b.close()]);
    await dropSchema(url, schema);
  });

  it('gives 100 citizens spread over both processes exactly the 5 seats of a slot', async function () {
    this.timeout(60_000);
    const contexts = [makeContext({ store: a }), makeContext({ store: b })];
    const start = '2026-03-06T01:00:00.000Z';
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        request(contexts[i % 2]!.app).post(`/api/services/${SERVICE}/appointments`).set('Cookie', contexts[i % 2]!.cookie(`citizen-${i}`)).send({ hall: 'tianhe', start, fields: VALID_FIELDS }),
      ),
    );
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 5, `statuses: ${statuses.join(',')}`);
    assert.equal(statuses.filter((s) => s === 409).length, 95);
    const numbers = results.filter((r) => r.status === 201).map((r) => r.body.appointment.number);
    assert.equal(new Set(numbers).size, 5, 'appointment numbers are distinct');
  });

  it('gives 60 citizens over both processes, two services and four slots exactly the hall’s 4 seats of the day', async function () {
    this.timeout(60_000);
    const other = 'shebao/shebaoka-shenling';
    const withDayCap = (build: AccountBuild) => {
      build.halls = build.halls.map((h) => (h.id === 'tianhe' ? { ...h, appointmentsPerDay: 4 } : h));
      build.services.push({ ...APPOINTMENT_SERVICE, ref: other, id: 'shebaoka-shenling', name: '社保卡申领' });
    };
    const contexts = [makeContext({ store: a, build: withDayCap }), makeContext({ store: b, build: withDayCap })];
    const starts = ['2026-03-06T01:00:00.000Z', '2026-03-06T01:30:00.000Z', '2026-03-06T02:00:00.000Z', '2026-03-06T06:00:00.000Z'];
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        request(contexts[i % 2]!.app)
          .post(`/api/services/${i % 3 ? SERVICE : other}/appointments`)
          .set('Cookie', contexts[i % 2]!.cookie(`citizen-${i}`))
          .send({ hall: 'tianhe', start: starts[i % 4], fields: VALID_FIELDS }),
      ),
    );
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 4, `statuses: ${statuses.join(',')}`);
    assert.equal(statuses.filter((s) => s === 409).length, 56);
  });

  it('numbers applications submitted to both processes without gaps or duplicates', async function () {
    this.timeout(60_000);
    const [one, two] = twoApps();
    const numbers = await Promise.all(Array.from({ length: 16 }, (_, i) => submitLicence(i % 2 ? one : two, `citizen-${i}`)));
    const expected = Array.from({ length: 16 }, (_, i) => `JJ-20261120-${String(i + 1).padStart(4, '0')}`);
    assert.deepEqual([...numbers].sort(), expected);
  });

  it('holds one citizen to one daily upload quota whichever process the uploads reach', async function () {
    this.timeout(60_000);
    const [one, two] = [
      createTestApp({ store: a, config: { uploadQuota: { filesPerDay: 4, bytesPerDay: 100 * 1024 * 1024 } } }),
      createTestApp({ store: b, config: { uploadQuota: { filesPerDay: 4, bytesPerDay: 100 * 1024 * 1024 } } }),
    ];
    apps.push(one, two);
    // Each licence application carries two attachments: four files allow two of six submissions.
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => submitLicence(i % 2 ? one : two, 'citizen-quota')));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 2, results.map((r) => (r.status === 'rejected' ? String(r.reason).slice(0, 80) : 'ok')).join(' | '));
  });

  it('credits a payment notification delivered to both processes at once exactly once', async () => {
    const [one, two] = twoApps();
    const no = await submitLicence(one);
    const started = await request(one.app).post(`/api/applications/${no}/payment`).set('Cookie', one.cookie('citizen-a')).expect(201);
    const pay = one.deps.pay as LocalPaymentProvider;
    const signed = await pay.pay(started.body.orderNo);
    const note = await pay.parseNotification(signed.headers, signed.rawBody);
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => creditPayment((i % 2 ? one : two).deps, note)));
    assert.deepEqual(outcomes.filter((o) => o === 'credited'), ['credited']);
    assert.equal(outcomes.filter((o) => o === 'replayed').length, 9);
  });

  it('accepts one rating when the citizen rates through both processes at once', async () => {
    const [one, two] = twoApps('2026-11-20T02:00:00Z');
    const staff = await one.staff('jiaojing');
    const no = await submitLicence(one);
    await payThroughCashier(one, no);
    await move(one, staff, no, 'accepted').expect(200);
    await move(one, staff, no, 'completed').expect(200);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => {
        const t = i % 2 ? one : two;
        return request(t.app).post(`/api/applications/${no}/rating`).set('Cookie', t.cookie('citizen-a')).send({ level: 'very-dissatisfied', comment: '太慢' });
      }),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409]);
    const cases = await a.collection('rectificationCases').list();
    assert.equal(cases.length, 1, 'one rectification case for the one bad review');
  });

  it('counts failed logins of both processes against one limit', async () => {
    const limits = [createStoreRateLimit(a, 'console-login'), createStoreRateLimit(b, 'console-login')];
    for (const l of limits) l.init?.({ windowMs: 15 * 60_000 } as never);
    const hits = await Promise.all(Array.from({ length: 12 }, async (_, i) => (await limits[i % 2]!.increment('127.0.0.1|admin')).totalHits));
    assert.deepEqual([...hits].sort((x, y) => x - y), Array.from({ length: 12 }, (_, i) => i + 1));
    assert.equal((await limits[1]!.get!('127.0.0.1|admin'))!.totalHits, 12);
  });

  it('fetches the access_token once when both processes need one at the same moment', async () => {
    const appId = 'wx1234567890abcdef';
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    try {
      const scope = nock('https://api.weixin.qq.com')
        .get('/cgi-bin/token').query(true).once().reply(200, wechatFixture('token'))
        .get('/cgi-bin/menu/get').query({ access_token: 'ACCESS_TOKEN_1' }).times(6).reply(200, { menu: { button: [] } });
      const clients = [a, b].map((store) => createWechatClient({ appId, secret: 'SECRET', tokenStore: createStoreTokenStore(store, appId) }));
      await Promise.all(Array.from({ length: 6 }, (_, i) => clients[i % 2]!.getMenu()));
      assert.ok(scope.isDone());
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });
});
