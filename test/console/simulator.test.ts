import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import type { AccountBuild } from '../../server/builder/index.js';
import type { Draft } from '../../server/console/drafts.js';
import { readableReason } from '../../server/gateway/simulator.js';
import { createWechatClient } from '../../server/wechat/wechat-client.js';
import { createMemoryTokenStore } from '../../server/wechat/token-store.js';
import { createWechatStandin } from '../../server/http/wechat-standin/wechat-standin.js';
import { LOCAL_STANDIN_CREDENTIALS } from '../../server/wechat/standin/standin-state.js';
import { addTestUsers, createHarness, editedDepartment, login, type Harness } from './harness.js';
import { TEST_VAULT_ENV } from '../support/vault-env.js';

const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

describe('console simulator', () => {
  for (const mode of ['plain', 'safe mode'] as const) {
    describe(mode, () => {
      let h: Harness;
      before(async () => {
        h = await createHarness({ env: mode === 'plain' ? {} : { WECHAT_ENCODING_AES_KEY: AES_KEY, WECHAT_APPID: 'wx1234567890abcdef', WECHAT_SECRET: 's', ...TEST_VAULT_ENV } });
        await addTestUsers(h.store);
      });

      it('answers a keyword through /wechat with the trace of the department rule', async () => {
        const s = await login(h.app, 'jj-staff');
        const res = await s.agent.post('/console/api/simulate').set('X-CSRF-Token', s.csrf).send({ action: 'text', text: '违章' }).expect(200);
        assert.equal(res.body.mode, 'live');
        assert.equal(res.body.encrypted, mode === 'safe mode');
        assert.equal(res.body.reply.kind, 'news');
        assert.match(res.body.reply.articles[0].title, /交通违法查询/);
        assert.match(res.body.reply.articles[0].url, /^http:\/\/localhost:3000\/s\/jiaojing\/weizhang-chaxun/);
        assert.equal(res.body.trace.answeredBy, 'keyword');
        assert.equal(res.body.trace.department, 'jiaojing');
        assert.match(res.body.trace.reason, /关键词“违章”/);
      });

      it('answers a menu click with the topic or service it names', async () => {
        const s = await login(h.app, 'plat');
        const res = await s.agent.post('/console/api/simulate').set('X-CSRF-Token', s.csrf).send({ action: 'click', key: 'svc:jiaojing/fakuan-jiaona' }).expect(200);
        assert.notEqual(res.body.reply.kind, 'none');
        assert.equal(res.body.trace.answeredBy, 'menu');
        assert.equal(res.body.trace.department, 'jiaojing');
      });

      it('answers the subscribe event with the welcome', async () => {
        const s = await login(h.app, 'plat');
        const res = await s.agent.post('/console/api/simulate').set('X-CSRF-Token', s.csrf).send({ action: 'subscribe' }).expect(200);
        assert.equal(res.body.trace.answeredBy, 'welcome');
      });
    });
  }

  describe('input and drafts', () => {
    let h: Harness;
    before(async () => {
      h = await createHarness();
      await addTestUsers(h.store);
    });

    it('refuses an out-of-range location with a Chinese message', async () => {
      const s = await login(h.app, 'plat');
      const res = await s.agent.post('/console/api/simulate').set('X-CSRF-Token', s.csrf).send({ action: 'location', lat: 200, lng: 1 }).expect(400);
      assert.match(res.body.message, /位置无效/);
    });

    it('explains a repeated location as suppressed and gives distances over a kilometre in 公里', async () => {
      const s = await login(h.app, 'plat');
      const send = () => s.agent.post('/console/api/simulate').set('X-CSRF-Token', s.csrf).send({ action: 'location', lat: 30.25, lng: 120.25 }).expect(200);
      const first = await send();
      assert.equal(first.body.reply.kind, 'text');
      assert.match(first.body.trace.reason, /列出最近的 \d 个办事大厅，最近的是.+（约 \d+\.\d 公里，/);
      assert.match(first.body.reply.content, /距离约 \d+\.\d 公里/);
      const again = await send();
      assert.equal(again.body.reply.kind, 'none');
      assert.doesNotMatch(again.body.trace.reason, /列出最近/);
      assert.match(again.body.trace.reason, /同一位置（30\.25000, 120\.25000）刚刚已回复过附近的办事大厅，本次作为重复消息被抑制，未回复/);
    });

    it('names the platform’s own keyword rules as 平台裁决 in the trace', () => {
      const reason = '关键词“违章”（完全匹配，优先级 100）命中@account的规则（account.json /keywords/0），回复各部门服务供选择';
      assert.equal(readableReason(reason), '关键词“违章”（完全匹配，优先级 100）命中平台裁决（account.json 关键词裁决）的规则（account.json /keywords/0），回复各部门服务供选择');
      assert.equal(readableReason('最近的是甲（约 350 米，正在办公）'), '最近的是甲（约 350 米，正在办公）');
      assert.equal(readableReason('最近的是甲（约 12345 米，正在办公）'), '最近的是甲（约 12.3 公里，正在办公）');
    });

    it('routes a draft in-process (草稿预览) so its new keyword answers before publishing', async () => {
      const s = await login(h.app, 'jj-admin');
      const text = editedDepartment((await h.publisher.currentFiles()).files, 'jiaojing', (d) => d.services[0].keywords.push({ text: '电子眼' }));
      await s.agent.post('/console/departments/jiaojing/drafts').type('form').send({ _csrf: s.csrf, text }).expect(303);
      const [draft] = await h.store.collection<Draft>('drafts').list();
      const live = await s.agent.post('/console/api/simulate').set('X-CSRF-Token', s.csrf).send({ action: 'text', text: '电子眼' }).expect(200);
      assert.equal(live.body.trace.answeredBy, 'human');
      const preview = await s.agent.post('/console/api/simulate').set('X-CSRF-Token', s.csrf).send({ action: 'text', text: '电子眼', draft: draft!.id }).expect(200);
      assert.equal(preview.body.mode, 'draft');
      assert.equal(preview.body.trace.answeredBy, 'keyword');
      assert.equal(preview.body.trace.department, 'jiaojing');
      const page = await s.agent.get(`/console/simulator?draft=${draft!.id}`).expect(200);
      assert.match(page.text, /草稿预览/);
    });
  });

  describe('through the gateway’s front door', () => {
    it('previews a draft and explains a live push with Gateway.simulate, given the draft’s or the live build', async () => {
      const asked: { text: string | undefined; build: AccountBuild | undefined }[] = [];
      const h = await createHarness({
        gateway: (real) => ({ ...real, simulate: (msg, build) => (asked.push({ text: msg.content, build }), real.simulate(msg, build)) }),
      });
      await addTestUsers(h.store);
      const s = await login(h.app, 'jj-admin');
      const text = editedDepartment((await h.publisher.currentFiles()).files, 'jiaojing', (d) => d.services[0].keywords.push({ text: '电子眼' }));
      await s.agent.post('/console/departments/jiaojing/drafts').type('form').send({ _csrf: s.csrf, text }).expect(303);
      const [draft] = await h.store.collection<Draft>('drafts').list();
      const preview = await s.agent.post('/console/api/simulate').set('X-CSRF-Token', s.csrf).send({ action: 'text', text: '电子眼', draft: draft!.id }).expect(200);
      assert.equal(preview.body.trace.answeredBy, 'keyword');
      assert.equal(asked.length, 1);
      assert.equal(asked[0]!.text, '电子眼');
      assert.notEqual(asked[0]!.build, h.live.current(), 'the draft’s own build, not the live one');
      assert.ok(asked[0]!.build?.keywords.some((k) => k.text === '电子眼'));
      await s.agent.post('/console/api/simulate').set('X-CSRF-Token', s.csrf).send({ action: 'text', text: '违章' }).expect(200);
      assert.equal(asked.length, 2);
      assert.equal(asked[1]!.build, h.live.current());
    });
  });

  describe('pushed messages (GET /console/api/simulate/outbox)', () => {
    let h: Harness;
    let standin: Server;
    let client: ReturnType<typeof createWechatClient>;
    before(async () => {
      h = await createHarness();
      await addTestUsers(h.store);
      // The stand-in on its own port over the harness store, reached by the real client over HTTP.
      const app = express();
      app.use('/_wechat', createWechatStandin(h.store));
      standin = await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      const { port } = standin.address() as AddressInfo;
      client = createWechatClient({ ...LOCAL_STANDIN_CREDENTIALS, apiBase: `http://127.0.0.1:${port}/_wechat`, tokenStore: createMemoryTokenStore() });
    });
    after(() => new Promise<void>((resolve) => standin.close(() => resolve())));

    it('returns the customer-service and template messages sent to the user’s own sim openid, and no one else’s', async () => {
      const s = await login(h.app, 'jj-staff');
      const opened = await s.agent.get('/console/simulator').expect(200);
      const since = /data-since="([^"]+)"/.exec(opened.text)?.[1];
      assert.ok(since, 'the page says where the poll starts');
      await client.sendText('sim-jj-staff', '您好，您的问题已转交交警支队处理');
      await client.sendText('sim-plat', '这是给平台管理员模拟用户的消息');
      await client.sendTemplate('sim-jj-staff', 'tpl-progress', 'http://localhost:3000/me/applications', { first: { value: '您的办件已受理' }, remark: { value: '请留意后续通知' } });

      const mine = await s.agent.get(`/console/api/simulate/outbox?since=${encodeURIComponent(since!)}`).expect(200);
      assert.deepEqual(
        mine.body.messages.map((m: { kind: string; reply: unknown; url?: string }) => [m.kind, m.reply, m.url]),
        [
          ['custom', { kind: 'text', content: '您好，您的问题已转交交警支队处理' }, undefined],
          ['template', { kind: 'text', content: 'first：您的办件已受理\nremark：请留意后续通知' }, 'http://localhost:3000/me/applications'],
        ],
      );
      assert.doesNotMatch(JSON.stringify(mine.body), /平台管理员/);
      // The next poll from the returned cursor has nothing new.
      const again = await s.agent.get(`/console/api/simulate/outbox?since=${encodeURIComponent(mine.body.since)}`).expect(200);
      assert.deepEqual(again.body.messages, []);

      const plat = await login(h.app, 'plat');
      const theirs = await plat.agent.get('/console/api/simulate/outbox').expect(200);
      assert.deepEqual(theirs.body.messages.map((m: { reply: { content: string } }) => m.reply.content), ['这是给平台管理员模拟用户的消息']);
    });

    it('refuses a bad since with a Chinese message and needs a console login', async () => {
      const s = await login(h.app, 'jj-staff');
      const bad = await s.agent.get('/console/api/simulate/outbox?since=yesterday').expect(400);
      assert.match(bad.body.message, /since 不是有效的时间/);
      const anonymous = await request(h.app).get('/console/api/simulate/outbox');
      assert.ok([401, 302, 303].includes(anonymous.status), `got ${anonymous.status}`);
      assert.equal(anonymous.body.messages, undefined);
    });
  });
});
