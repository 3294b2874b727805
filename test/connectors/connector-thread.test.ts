// Connector calls on the connector thread (the default), against a real department system on
// loopback: the same signing, limits and answers as a call on the main thread, and the main
// thread's own HTTP (where nock lives) never sees the call.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { createConnectorCaller, createNonceMemory, verifyRequest } from '../../server/connectors/index.js';
import { stopConnectorThread } from '../../server/connectors/connector-thread.js';
import { createLiveBuild } from '../../server/live-build.js';
import type { Connector } from '../../server/model/generated.js';
import type { ConnectorAnswer } from '../../server/query/index.js';
import { CityDraft } from '../builder/city-draft.js';

const SECRET = 'tmri-thread-secret-0123456789';
const REQUEST = { connector: 'tmri', method: 'GET' as const, path: '/violations/%E9%84%82A12345', params: { vin: '4F2A91' }, map: { count: '/data/count' }, foundWhen: '/data/count' };

/** What the department's system does for each path (after checking the signature and nonce). */
const ROUTES: Record<string, (res: http.ServerResponse) => void> = {
  '/api/violations/%E9%84%82A12345?vin=4F2A91': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { count: 2 } })),
  '/api/violations/%E9%84%82A00000?vin=4F2A91': (res) => res.writeHead(404).end('{}'),
  '/api/violations/%E9%84%82A50000?vin=4F2A91': (res) => res.writeHead(500).end('down'),
  '/api/violations/%E9%84%82A30000?vin=4F2A91': (res) => res.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere' }).end(),
  '/api/violations/%E9%84%82A20000?vin=4F2A91': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'),
  '/api/violations/%E9%84%82A40000?vin=4F2A91': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { count: 1, pad: 'x'.repeat(8 * 1024) } })),
  '/api/violations/%E9%84%82A60000?vin=4F2A91': (res) => void setTimeout(() => res.writeHead(200).end('{"data":{"count":1}}'), 1500),
};

describe('connector calls on the connector thread', () => {
  let server: http.Server;
  let base: string;
  const seen: string[] = [];

  before(async () => {
    const nonces = createNonceMemory();
    server = http.createServer((req, res) => {
      const url = req.url ?? '';
      seen.push(url);
      if (!verifyRequest(SECRET, 'GET', url, '', req.headers, new Date(), nonces)) return void res.writeHead(401).end('{}');
      (ROUTES[url] ?? ((r: http.ServerResponse) => r.writeHead(404).end('{}')))(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await stopConnectorThread();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function caller() {
    const declared: Connector = { id: 'tmri', baseUrl: `${base}/api`, auth: { type: 'hmac-sha256', secretEnv: 'CONNECTOR_TMRI' }, timeoutMs: 600, maxResponseKb: 4 };
    const city = CityDraft.fixture();
    city.account.connectors = [declared];
    return createConnectorCaller({ live: createLiveBuild(city.build()), config: { localMode: true, connectorSecrets: { CONNECTOR_TMRI: SECRET } }, breaker: { threshold: 100 } });
  }
  const plate = (p: string) => ({ ...REQUEST, path: `/violations/${encodeURIComponent(p)}` });

  const cases: [string, string, ConnectorAnswer['kind'], RegExp?][] = [
    ['maps a found answer', '鄂A12345', 'found'],
    ['answers not found on a 404', '鄂A00000', 'not-found'],
    ['fails on a 500', '鄂A50000', 'failed', /HTTP 500/],
    ['does not follow a redirect', '鄂A30000', 'failed', /HTTP 302/],
    ['fails on an answer that is not JSON', '鄂A20000', 'failed', /不是 JSON/],
    ['fails on an answer over the size limit', '鄂A40000', 'failed', /过大/],
    ['fails within the connector’s timeout', '鄂A60000', 'failed', /超时/],
  ];
  for (const [what, p, kind, reason] of cases) {
    it(what, async () => {
      const answer = await caller().call(plate(p));
      assert.equal(answer.kind, kind);
      if (reason) assert.match((answer as { reason: string }).reason, reason);
      if (answer.kind === 'found') assert.deepEqual(answer.data, { count: 2 });
    });
  }

  it('signs each call so the system can verify it, on a thread the main thread’s HTTP interceptors never see', async () => {
    nock(base).get(/.*/).reply(200, { data: { count: 99 } });
    try {
      const answer = await caller().call(REQUEST);
      assert.deepEqual(answer, { kind: 'found', data: { count: 2 } });
      assert.ok(nock.pendingMocks().length === 1, 'the main thread’s HTTP did not make the call');
    } finally {
      nock.cleanAll();
    }
  });

  it('starts a new thread when the old one has stopped', async () => {
    await stopConnectorThread();
    assert.equal((await caller().call(REQUEST)).kind, 'found');
  });
});
