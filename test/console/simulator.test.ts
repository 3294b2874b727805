import assert from 'node:assert/strict';
import type { Draft } from '../../server/console/drafts.js';
import { addTestUsers, createHarness, editedDepartment, login, type Harness } from './harness.js';

const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

describe('console simulator', () => {
  for (const mode of ['plain', 'safe mode'] as const) {
    describe(mode, () => {
      let h: Harness;
      before(async () => {
        h = await createHarness({ env: mode === 'plain' ? {} : { WECHAT_ENCODING_AES_KEY: AES_KEY, WECHAT_APPID: 'wx1234567890abcdef', WECHAT_SECRET: 's' } });
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
});
