// Connector queries in the chat through nock: an answer later than the reply budget goes out as
// a customer-service message; a failing system gets the hotline and a hand-off offer; "人工"
// then opens a desk ticket naming the query but not the citizen's inputs.
import assert from 'node:assert/strict';
import nock from 'nock';
import { createConnectorCaller, verifyRequest } from '../../server/connectors/index.js';
import type { DeskTicket } from '../../server/desk/desk-handoff.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createRateLimiter, createResultPages, type QueryDeps } from '../../server/query/index.js';
import { parseMessage } from '../../server/wechat/xml.js';
import { CityDraft } from '../builder/city-draft.js';
import { FakeWechatClient } from '../fakes/fake-wechat-client.js';
import { gatewayFor } from '../gateway/gateway-helpers.js';
import { textXml } from '../gateway/harness.js';

const BASE = 'https://fund.example.gov.cn';
const SECRET = 'fund-secret-for-tests';

function setup(budgetMs: number, timeoutMs = 2500) {
  const city = CityDraft.fixture();
  city.department('shebao').hotline = '12329';
  city.account.connectors = [{ id: 'fund', baseUrl: `${BASE}/v1`, auth: { type: 'hmac-sha256', secretEnv: 'CONNECTOR_FUND' }, timeoutMs }];
  city.department('shebao').services.push({
    id: 'yue',
    name: '公积金余额查询',
    summary: '查询余额。',
    steps: {
      query: {
        inputs: [{ name: 'idNumber', label: '身份证号码', type: 'idcard', required: true }],
        proof: ['idNumber'],
        chat: { patterns: ['^余额 (?<idNumber>\\d{17}[\\dXx])$'] },
        source: { connector: { connector: 'fund', path: '/accounts/{idNumber}', map: { balance: '/balance' } } },
        reply: { found: '余额 {{data.balance}} 元', notFound: '没有查到' },
      },
    },
  });
  const live = createLiveBuild(city.build());
  const client = new FakeWechatClient();
  const queries: QueryDeps = {
    limiter: createRateLimiter(),
    pages: createResultPages(),
    connectors: createConnectorCaller({ live, config: { localMode: false, connectorSecrets: { CONNECTOR_FUND: SECRET } }, inThread: false }),
  };
  const { gateway, store } = gatewayFor(live.current(), { live, queries, client, budgetMs });
  return { gateway, store, client };
}

const ID = '420105198511124569';
const signed = (status: number, body: unknown) =>
  function (this: nock.ReplyFnContext, uri: string): [number, unknown] {
    return verifyRequest(SECRET, 'GET', uri, '', this.req.headers as Record<string, string>) ? [status, body] : [401, {}];
  };

describe('connector queries in the chat', () => {
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  it('answers in the passive reply when the system answers in time', async () => {
    const { gateway } = setup(4000);
    const scope = nock(BASE).get(`/v1/accounts/${ID}`).reply(signed(200, { balance: '56,320.18' }));
    const answer = await gateway.handle(parseMessage(textXml(`余额 ${ID}`)));
    assert.deepEqual([answer.deferred, answer.reply], [false, { kind: 'text', content: '余额 56,320.18 元' }]);
    assert.equal(answer.trace.outcome, 'found');
    assert.ok(scope.isDone());
  });

  it('replies success and sends the answer as a customer-service message when the system is slower than the budget', async () => {
    const { gateway, client } = setup(60);
    const scope = nock(BASE).get(`/v1/accounts/${ID}`).delay(150).reply(signed(200, { balance: '1.00' }));
    const answer = await gateway.handle(parseMessage(textXml(`余额 ${ID}`, 'o-slow')));
    assert.deepEqual([answer.deferred, answer.reply.kind], [true, 'none']);
    for (let i = 0; i < 50 && client.texts.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(client.texts, [{ openid: 'o-slow', text: '余额 1.00 元' }]);
    assert.ok(scope.isDone());
  });

  it('answers a timeout with the hotline and the desk offer, and “人工” then opens a ticket naming the query', async () => {
    const { gateway, store } = setup(4000, 200);
    const scope = nock(BASE).get(`/v1/accounts/${ID}`).delay(1000).reply(200, { balance: '1.00' });
    const failed = await gateway.handle(parseMessage(textXml(`余额 ${ID}`, 'o-unlucky')));
    assert.equal(failed.trace.outcome, 'failed');
    assert.match(failed.reply.kind === 'text' ? failed.reply.content : '', /暂时无法使用.*12329.*回复“人工”/);
    assert.ok(scope.isDone());
    const human = await gateway.handle(parseMessage(textXml('人工', 'o-unlucky')));
    assert.equal(human.trace.answeredBy, 'human');
    const tickets = await store.collection<DeskTicket>('deskTickets', { indexes: ['openid', 'status'] }).list();
    assert.equal(tickets.length, 1);
    assert.equal(tickets[0]!.text, '[查询未成功，转人工] 公积金余额查询');
    assert.doesNotMatch(JSON.stringify(tickets), new RegExp(ID));
  });

  it('answers a 500 with the failed reply, never a staff application', async () => {
    const { gateway, store } = setup(4000);
    const scope = nock(BASE).get(`/v1/accounts/${ID}`).reply(500, 'down');
    const answer = await gateway.handle(parseMessage(textXml(`余额 ${ID}`)));
    assert.equal(answer.trace.outcome, 'failed');
    assert.equal(await store.collection('applications').count(), 0);
    assert.ok(scope.isDone());
  });
});
