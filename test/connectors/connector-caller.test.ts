// Calls to departments' systems through nock, with the real request signing checked on the
// receiving side: found, not found, 500, timeout, oversize, non-JSON, redirects, the breaker.
import assert from 'node:assert/strict';
import nock from 'nock';
import { createConnectorCaller, createNonceMemory, signingString, signRequest, verifyRequest } from '../../server/connectors/index.js';
import { createLiveBuild } from '../../server/live-build.js';
import type { Connector } from '../../server/model/generated.js';
import type { AccountBuild } from '../../server/builder/types.js';
import { CityDraft } from '../builder/city-draft.js';

const BASE = 'https://tmri.example.gov.cn';
const SECRET = 'tmri-test-secret-0123456789';
const VIOLATIONS = { code: 0, data: { count: 1, violations: [{ time: '2026-11-18 08:12', place: '江城大道', photos: ['/photos/1.png'] }] } };
const REQUEST = { connector: 'tmri', method: 'GET' as const, path: '/violations/%E9%84%82A12345', params: { vin: '4F2A91' }, map: { count: '/data/count', items: '/data/violations' }, foundWhen: '/data/count' };

function buildWith(connectors: Connector[]): AccountBuild {
  const city = CityDraft.fixture();
  city.account.connectors = connectors;
  return city.build();
}

function callerFor(connector: Partial<Connector> = {}, options: { localMode?: boolean; secrets?: Record<string, string> } = {}) {
  const declared: Connector = { id: 'tmri', baseUrl: `${BASE}/api`, auth: { type: 'hmac-sha256', secretEnv: 'CONNECTOR_TMRI' }, timeoutMs: 2500, maxResponseKb: 4, ...connector };
  const live = createLiveBuild(buildWith([declared]));
  return createConnectorCaller({ live, config: { localMode: options.localMode ?? false, connectorSecrets: options.secrets ?? { CONNECTOR_TMRI: SECRET } }, breaker: { threshold: 3, openMs: 60_000 }, inThread: false });
}

/** A nock reply that answers only a correctly signed request, as a department's system would. */
function signedReply(status: number, body: unknown) {
  return function (this: nock.ReplyFnContext, uri: string): [number, unknown] {
    const ok = verifyRequest(SECRET, 'GET', uri, '', this.req.headers as Record<string, string>);
    return ok ? [status, body] : [401, { code: 'BAD_SIGNATURE' }];
  };
}

describe('connector calls', () => {
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  it('signs the request and maps a found answer through the JSON pointers', async () => {
    const scope = nock(BASE).get('/api/violations/%E9%84%82A12345').query({ vin: '4F2A91' }).reply(signedReply(200, VIOLATIONS));
    const answer = await callerFor().call(REQUEST);
    assert.deepEqual(answer, { kind: 'found', data: { count: 1, items: VIOLATIONS.data.violations } });
    assert.ok(scope.isDone());
  });

  it('answers not found for HTTP 404', async () => {
    const scope = nock(BASE).get('/api/violations/%E9%84%82A12345').query(true).reply(signedReply(404, { code: 'NOT_FOUND' }));
    assert.equal((await callerFor().call(REQUEST)).kind, 'not-found');
    assert.ok(scope.isDone());
  });

  it('answers not found when the foundWhen pointer holds 0', async () => {
    const scope = nock(BASE).get('/api/violations/%E9%84%82A12345').query(true).reply(signedReply(200, { code: 0, data: { count: 0, violations: [] } }));
    assert.deepEqual(await callerFor().call(REQUEST), { kind: 'not-found', data: { count: 0, items: [] } });
    assert.ok(scope.isDone());
  });

  it('fails on HTTP 500', async () => {
    const scope = nock(BASE).get('/api/violations/%E9%84%82A12345').query(true).reply(500, 'oops');
    assert.deepEqual(await callerFor().call(REQUEST), { kind: 'failed', reason: '返回 HTTP 500' });
    assert.ok(scope.isDone());
  });

  it('fails after the connector’s timeout instead of waiting', async () => {
    const scope = nock(BASE).get('/api/violations/%E9%84%82A12345').query(true).delay(1000).reply(200, VIOLATIONS);
    const started = Date.now();
    const answer = await callerFor({ timeoutMs: 150 }).call(REQUEST);
    assert.deepEqual(answer, { kind: 'failed', reason: '超时（150 毫秒内没有答复）' });
    assert.ok(Date.now() - started < 900);
    assert.ok(scope.isDone());
  });

  it('fails on an answer larger than maxResponseKb', async () => {
    const scope = nock(BASE).get('/api/violations/%E9%84%82A12345').query(true).reply(200, JSON.stringify({ data: { count: 1, pad: 'x'.repeat(5000) } }));
    assert.deepEqual(await callerFor({ maxResponseKb: 4 }).call(REQUEST), { kind: 'failed', reason: '返回内容过大（超过 4 KB）' });
    assert.ok(scope.isDone());
  });

  it('fails on an answer that is not JSON', async () => {
    const scope = nock(BASE).get('/api/violations/%E9%84%82A12345').query(true).reply(200, '<html>维护中</html>', { 'content-type': 'text/html' });
    assert.deepEqual(await callerFor().call(REQUEST), { kind: 'failed', reason: '返回的不是 JSON' });
    assert.ok(scope.isDone());
  });

  it('does not follow a redirect to another address', async () => {
    const scope = nock(BASE).get('/api/violations/%E9%84%82A12345').query(true).reply(302, '', { location: 'http://169.254.169.254/latest' });
    assert.equal((await callerFor().call(REQUEST)).kind, 'failed');
    assert.ok(scope.isDone());
  });

  it('sends the bearer token for bearer connectors', async () => {
    const scope = nock(BASE).matchHeader('authorization', `Bearer ${SECRET}`).get('/api/violations/%E9%84%82A12345').query(true).reply(200, VIOLATIONS);
    assert.equal((await callerFor({ auth: { type: 'bearer', secretEnv: 'CONNECTOR_TMRI' } }).call(REQUEST)).kind, 'found');
    assert.ok(scope.isDone());
  });

  it('opens the breaker after repeated failures and then fails at once without calling', async () => {
    const caller = callerFor();
    const scope = nock(BASE).get('/api/violations/%E9%84%82A12345').query(true).times(3).reply(500, 'down');
    for (let i = 0; i < 3; i++) assert.equal((await caller.call(REQUEST)).kind, 'failed');
    assert.ok(scope.isDone());
    const answer = await caller.call(REQUEST);
    assert.deepEqual(answer, { kind: 'failed', reason: '连续失败 3 次，已暂停调用（熔断）' });
  });

  it('refuses to call without its secret, naming the variable', async () => {
    assert.deepEqual(await callerFor({}, { secrets: {} }).call(REQUEST), { kind: 'failed', reason: '未配置密钥（环境变量 CONNECTOR_TMRI）' });
  });

  it('refuses plain http outside local mode even on loopback', async () => {
    const answer = await callerFor({ baseUrl: 'http://127.0.0.1:9/api' }).call(REQUEST);
    assert.equal(answer.kind === 'failed' && answer.reason, '使用了不加密的 http 地址（只允许本地模式下的本机地址）');
  });

  it('fetches a photo path through the connector but refuses one that leaves its base', async () => {
    const caller = callerFor();
    const scope = nock(BASE)
      .get('/api/photos/1.png')
      .reply(function (uri) {
        const ok = verifyRequest(SECRET, 'GET', uri, '', this.req.headers as Record<string, string>);
        return ok ? [200, Buffer.from('png'), { 'content-type': 'image/png' }] : [401, ''];
      });
    const photo = await caller.photo!('tmri', '/photos/1.png');
    assert.equal(photo?.type, 'image/png');
    assert.ok(scope.isDone());
    for (const bad of ['//evil.example.com/x.png', '/../../etc/passwd', 'https://evil.example.com/x.png']) assert.equal(await caller.photo!('tmri', bad), undefined);
  });

  it('counts failed photo fetches on the breaker and stops fetching photos once it is open', async () => {
    const caller = callerFor();
    const scope = nock(BASE).get('/api/photos/1.png').times(3).reply(500, 'down');
    for (let i = 0; i < 3; i++) assert.equal(await caller.photo!('tmri', '/photos/1.png'), undefined);
    assert.ok(scope.isDone());
    // Open now: neither a photo nor a query reaches the failing system.
    assert.equal(await caller.photo!('tmri', '/photos/1.png'), undefined);
    assert.deepEqual(await caller.call(REQUEST), { kind: 'failed', reason: '连续失败 3 次，已暂停调用（熔断）' });
  });

  it('does not count a missing photo (404) as a failing system', async () => {
    const caller = callerFor();
    nock(BASE).get('/api/photos/gone.png').times(3).reply(404, { code: 'NOT_FOUND' });
    for (let i = 0; i < 3; i++) assert.equal(await caller.photo!('tmri', '/photos/gone.png'), undefined);
    nock(BASE).get('/api/violations/%E9%84%82A12345').query(true).reply(signedReply(200, VIOLATIONS));
    assert.equal((await caller.call(REQUEST)).kind, 'found');
  });
});

describe('request verification on the receiving side', () => {
  const now = new Date('2026-12-01T02:00:00Z');

  it('refuses a signed request replayed within the skew window when it remembers nonces', () => {
    const nonces = createNonceMemory();
    const headers = signRequest(SECRET, 'GET', '/api/violations/x', '', now);
    assert.equal(verifyRequest(SECRET, 'GET', '/api/violations/x', '', headers, now, nonces), true);
    assert.equal(verifyRequest(SECRET, 'GET', '/api/violations/x', '', headers, new Date(now.getTime() + 10_000), nonces), false);
    // A fresh nonce from the same caller is fine.
    assert.equal(verifyRequest(SECRET, 'GET', '/api/violations/x', '', signRequest(SECRET, 'GET', '/api/violations/x', '', now), now, nonces), true);
  });

  it('does not remember a nonce whose signature was wrong, so a forged copy cannot burn it', () => {
    const nonces = createNonceMemory();
    const headers = signRequest(SECRET, 'GET', '/api/violations/x', '', now);
    assert.equal(verifyRequest('another-secret', 'GET', '/api/violations/x', '', headers, now, nonces), false);
    assert.equal(verifyRequest(SECRET, 'GET', '/api/violations/x', '', headers, now, nonces), true);
  });

  it('keeps its memory bounded: old nonces expire, and past the cap the oldest go first', () => {
    const nonces = createNonceMemory(3);
    const t = Math.floor(now.getTime() / 1000);
    for (const n of ['a', 'b', 'c', 'd']) assert.equal(nonces.remember(n, t), true);
    assert.equal(nonces.size, 3);
    assert.equal(nonces.remember('d', t), false);
    assert.equal(nonces.remember('e', t + 601), true);
    assert.equal(nonces.size, 1);
  });
});

describe('request signatures', () => {
  it('signs an empty body as the SHA-256 of nothing, as docs/connectors.md describes', () => {
    assert.equal(signingString('get', '/api/x?a=1', '1764633600', 'n', ''), 'GET\n/api/x?a=1\n1764633600\nn\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.match(signingString('POST', '/api/x', '1', 'n', '{"a":1}'), /\n015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862$/);
  });

  it('gives every request its own 16-hex nonce, across refills of the random pool', () => {
    const nonces = Array.from({ length: 1500 }, () => signRequest(SECRET, 'GET', '/x', '')['x-onestop-nonce']!);
    assert.ok(nonces.every((n) => /^[0-9a-f]{16}$/.test(n)));
    assert.equal(new Set(nonces).size, nonces.length);
  });
});
