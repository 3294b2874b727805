// account.json and the topic files go through the same draft → review → publish → rollback flow
// as department files, for the platform role only.
import assert from 'node:assert/strict';
import type { Draft } from '../../server/console/drafts.js';
import { addTestUsers, createHarness, login, type Harness } from './harness.js';

const decode = (html: string) => html.replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');

function edited(h: Harness, path: string, edit: (json: any) => void): Promise<string> {
  return h.publisher.currentFiles().then((files) => {
    const json = JSON.parse(files.files.find((f) => f.path === path)!.text);
    edit(json);
    return `${JSON.stringify(json, null, 2)}\n`;
  });
}

describe('console editing of account.json and topic files', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
    await addTestUsers(h.store);
  });

  it('lists account.json and the topic files for the platform team beside the departments', async () => {
    const plat = await login(h.app, 'plat');
    const page = (await plat.agent.get('/console/departments').expect(200)).text;
    for (const path of ['account.json', 'chuxing.json', 'shebao-jiuye.json', 'departments/jiaojing.json']) assert.ok(page.includes(`<code>${path}</code>`), path);
    const editor = decode((await plat.agent.get('/console/departments/account.json').expect(200)).text);
    assert.match(editor, /欢迎关注示范市政务服务/);
  });

  it('publishes an edited welcome through draft, review and publish, and rolls it back', async () => {
    const plat = await login(h.app, 'plat');
    const text = await edited(h, 'account.json', (a) => (a.welcome = '欢迎关注！新的欢迎语。'));
    await plat.agent.post('/console/departments/account.json/drafts').type('form').send({ _csrf: plat.csrf, text }).expect(303).expect('location', /\/console\/departments\/account\.json\?draft=/);
    const [draft] = await h.store.collection<Draft>('drafts').list();
    assert.equal(draft!.department, 'account.json');
    await plat.agent.post(`/console/drafts/${draft!.id}/submit`).type('form').send({ _csrf: plat.csrf }).expect(303);
    const review = decode((await plat.agent.get('/console/review').expect(200)).text);
    assert.match(review, /<code>account\.json<\/code> 草稿 #1/);
    assert.match(review, /公众号 · 关注欢迎语：欢迎关注示范市政务服务！回复关键词或点击菜单即可办事。 → 欢迎关注！新的欢迎语。/);
    await plat.agent.post(`/console/drafts/${draft!.id}/approve`).type('form').send({ _csrf: plat.csrf }).expect(303);
    await plat.agent.post('/console/publish').type('form').send({ _csrf: plat.csrf, note: '新欢迎语' }).expect(303);
    assert.equal(h.live.current().account.welcome, '欢迎关注！新的欢迎语。');
    const [latest, first] = await h.publisher.listVersions();
    assert.equal(latest!.number, 2);
    await plat.agent.post(`/console/versions/${first!.id}/rollback`).type('form').send({ _csrf: plat.csrf }).expect(303);
    assert.match(h.live.current().account.welcome, /欢迎关注示范市政务服务/);
  });

  it('publishes a topic file edit (the menu name of a topic)', async () => {
    const plat = await login(h.app, 'plat');
    const text = await edited(h, 'chuxing.json', (t) => (t.menuName = '交通出行'));
    await plat.agent.post('/console/departments/chuxing.json/drafts').type('form').send({ _csrf: plat.csrf, text }).expect(303);
    const [draft] = await h.store.collection<Draft>('drafts').list();
    await plat.agent.post(`/console/drafts/${draft!.id}/submit`).type('form').send({ _csrf: plat.csrf }).expect(303);
    await plat.agent.post(`/console/drafts/${draft!.id}/approve`).type('form').send({ _csrf: plat.csrf }).expect(303);
    await plat.agent.post('/console/publish').type('form').send({ _csrf: plat.csrf }).expect(303);
    assert.ok(JSON.stringify(h.live.current().menu).includes('交通出行'));
  });

  it('refuses department admins and staff, reading or writing', async () => {
    for (const who of ['jj-admin', 'jj-staff']) {
      const s = await login(h.app, who);
      await s.agent.get('/console/departments/account.json').expect(403);
      await s.agent.get('/console/departments/chuxing.json').expect(403);
      await s.agent.post('/console/departments/account.json/drafts').type('form').send({ _csrf: s.csrf, text: '{}' }).expect(403);
      await s.agent.post('/console/api/departments/chuxing.json/check').set('X-CSRF-Token', s.csrf).send({ text: '{}' }).expect(403);
      const list = (await s.agent.get('/console/departments').expect(200)).text;
      assert.doesNotMatch(list, /account\.json/);
    }
    assert.equal(await h.store.collection<Draft>('drafts').count(), 0);
  });
});
