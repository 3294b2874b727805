// Retries, the 5-second budget, hot swap and the message log.
import assert from 'node:assert/strict';
import nock from 'nock';
import type { DeskTicket } from '../../server/desk/desk-handoff.js';
import type { MessageLogRecord } from '../../server/gateway/gateway.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { Collection, Doc, Store } from '../../server/store/types.js';
import { createMemoryTokenStore } from '../../server/wechat/token-store.js';
import { createWechatClient } from '../../server/wechat/wechat-client.js';
import { parseMessage, parseXmlObject } from '../../server/wechat/xml.js';
import { keyword, makeBuild } from './build-fixture.js';
import { gatewayFor } from './gateway-helpers.js';
import { createHarness, eventXml, textXml } from './harness.js';

/** A store whose desk-ticket inserts take `delayMs`: a slow route. */
function slowStore(delayMs: number): Store & { inserts: number } {
  const inner = createMemoryStore();
  const store = {
    ...inner,
    inserts: 0,
    collection<T extends Doc>(name: string) {
      const c = inner.collection<T>(name);
      if (name !== 'deskTickets') return c;
      return {
        ...c,
        get: c.get.bind(c),
        list: c.list.bind(c),
        count: c.count.bind(c),
        findBy: c.findBy.bind(c),
        update: c.update.bind(c),
        insert: async (doc: T) => {
          store.inserts++;
          await new Promise((r) => setTimeout(r, delayMs));
          return c.insert(doc);
        },
      } as Collection<T>;
    },
  };
  return store;
}

const tickets = (store: Store) => store.collection<DeskTicket>('deskTickets').list();

describe('gateway', () => {
  describe('retries', () => {
    it('answers the same MsgId twice with the same reply and stores one ticket', async () => {
      const h = createHarness();
      const xml = textXml('路灯坏了', 'o-1', '5000000000000000001');
      const first = await h.post(xml).expect(200);
      const second = await h.post(xml).expect(200);
      assert.equal(parseXmlObject(second.text).Content, parseXmlObject(first.text).Content);
      assert.equal((await tickets(h.store)).length, 1);
      assert.equal((await h.store.log('messages').read()).length, 1);
    });

    it('stores one ticket when duplicates arrive while the first is still in flight', async () => {
      const store = slowStore(100);
      const h = createHarness({ store });
      const xml = textXml('井盖丢了', 'o-2', '5000000000000000002');
      const answers = await Promise.all([h.post(xml, 'plain'), h.post(xml, 'safe'), h.post(xml, 'compat')]);
      assert.ok(answers.every((a) => a.status === 200));
      assert.equal(store.inserts, 1);
      assert.equal((await tickets(store)).length, 1);
    });

    it('treats two events of one second as one push only when Event and EventKey match too', async () => {
      const { gateway, store } = gatewayFor(makeBuild());
      const click = (key: string) => parseMessage(eventXml('CLICK', key, 'o-3').replace(/<CreateTime>\d+/, '<CreateTime>1700000000'));
      await gateway.handle(click('topic:chuxing'));
      await gateway.handle(click('topic:chuxing'));
      await gateway.handle(click('topic:shebao'));
      assert.deepEqual((await store.log<MessageLogRecord>('messages').read()).map((r) => r.rule), ['topic:chuxing', 'topic:shebao']);
    });
  });

  describe('time budget', () => {
    it('answers success when the route is slow, then sends the reply as a customer-service message', async () => {
      const h = createHarness({ store: slowStore(150), budgetMs: 30 });
      const res = await h.post(textXml('下水道堵了', 'o-slow')).expect(200);
      assert.equal(res.text, 'success');
      assert.equal(h.client.sent.length, 0);
      await new Promise((r) => setTimeout(r, 250));
      assert.equal(h.client.sent.length, 1);
      assert.equal(h.client.sent[0]?.openid, 'o-slow');
      assert.equal(h.client.sent[0]?.kind, 'text');
      assert.match(String(h.client.sent[0]?.payload), /已转人工客服/);
    });

    it('answers a retry of a late push with success and sends the message only once', async () => {
      const h = createHarness({ store: slowStore(150), budgetMs: 30 });
      const xml = textXml('垃圾没人收', 'o-late', '5000000000000000003');
      assert.equal((await h.post(xml).expect(200)).text, 'success');
      assert.equal((await h.post(xml).expect(200)).text, 'success');
      await new Promise((r) => setTimeout(r, 250));
      assert.equal((await h.post(xml).expect(200)).text, 'success');
      assert.equal(h.client.sent.length, 1);
    });

    it('sends the late reply through wechat-api to the customer-service endpoint', async () => {
      nock.disableNetConnect();
      nock.enableNetConnect(/127\.0\.0\.1|localhost/);
      try {
        const tokenStore = createMemoryTokenStore();
        await tokenStore.save({ accessToken: 'ACCESS_TOKEN', expireTime: Date.now() + 3_600_000 });
        const client = createWechatClient({ appId: 'wxappid', secret: 'secret', tokenStore });
        const scope = nock('https://api.weixin.qq.com')
          .post('/cgi-bin/message/custom/send', (body: { touser?: string; msgtype?: string; text?: { content?: string } }) =>
            body.touser === 'o-nock' && body.msgtype === 'text' && /已转人工客服/.test(body.text?.content ?? ''))
          .query({ access_token: 'ACCESS_TOKEN' })
          .reply(200, { errcode: 0, errmsg: 'ok' });
        const h = createHarness({ store: slowStore(100), budgetMs: 20, client });
        assert.equal((await h.post(textXml('公园长椅坏了', 'o-nock')).expect(200)).text, 'success');
        for (let i = 0; i < 50 && !scope.isDone(); i++) await new Promise((r) => setTimeout(r, 20));
        assert.ok(scope.isDone(), 'customer-service message was not sent');
      } finally {
        nock.cleanAll();
        nock.enableNetConnect();
      }
    });
  });

  describe('hot swap', () => {
    it('answers a keyword added by a swap between two requests', async () => {
      const h = createHarness();
      const before = parseXmlObject((await h.post(textXml('公积金')).expect(200)).text);
      assert.match(String(before.Content), /已转人工客服/);
      const next = makeBuild({ hash: 'test-build-2' });
      next.keywords.push(keyword('公积金', 'renshe', { kind: 'service', service: 'renshe/shebao-chaxun' }));
      h.live.swap(next);
      const after = parseXmlObject((await h.post(textXml('公积金')).expect(200)).text);
      assert.equal(after.MsgType, 'news');
    });

    it('finishes a request in flight with the build it started with', async () => {
      const store = slowStore(80);
      const { gateway, live } = gatewayFor(makeBuild(), { store });
      const pending = gateway.handle(parseMessage(textXml('养老金怎么领', 'o-4')));
      const next = makeBuild({ hash: 'test-build-3' });
      next.account = { ...next.account, desk: { ...next.account.desk, hotline: '99999' } };
      live.swap(next);
      const answer = await pending;
      assert.equal(answer.reply.kind, 'text');
      assert.match(answer.reply.kind === 'text' ? answer.reply.content : '', /请拨打 12345。$/);
    });
  });

  describe('message log and trace', () => {
    it('appends one record per push with who answered, hashed openid and latency', async () => {
      const h = createHarness();
      await h.post(textXml('违章', 'o-log')).expect(200);
      await h.post(eventXml('CLICK', 'topic:shebao', 'o-log')).expect(200);
      await h.post(textXml('没有规则的问题', 'o-log')).expect(200);
      const log = await h.store.log<MessageLogRecord>('messages').read();
      assert.deepEqual(
        log.map((r) => [r.type, r.event, r.answeredBy, r.department, r.rule]),
        [
          ['text', undefined, 'keyword', 'jiaojing', '违章'],
          ['event', 'CLICK', 'menu', 'renshe', 'topic:shebao'],
          ['text', undefined, 'human', undefined, undefined],
        ],
      );
      assert.ok(log.every((r) => /^[0-9a-f]{16}$/.test(r.openid) && r.openid !== 'o-log'));
      assert.ok(log.every((r) => typeof r.latencyMs === 'number' && r.latencyMs >= 0 && !Number.isNaN(Date.parse(r.at))));
    });

    it('simulates with a trace naming the rule, department and file, writing nothing', async () => {
      const { gateway, store } = gatewayFor(makeBuild());
      const hit = await gateway.simulate(parseMessage(textXml('驾驶证到期了')));
      assert.deepEqual({ by: hit.trace.answeredBy, dept: hit.trace.department, rule: hit.trace.rule }, { by: 'keyword', dept: 'jiaojing', rule: '驾驶证' });
      assert.match(hit.trace.reason, /关键词“驾驶证”（包含匹配，优先级 0）命中市公安局交警支队的规则（departments\/jiaojing\.json/);
      const miss = await gateway.simulate(parseMessage(textXml('我想投诉噪音')));
      assert.equal(miss.trace.answeredBy, 'human');
      assert.equal(await store.collection('deskTickets').count(), 0);
      assert.equal((await store.log('messages').read()).length, 0);
    });
  });
});
