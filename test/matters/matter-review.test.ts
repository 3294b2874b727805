import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import { createDraftService, type DraftService } from '../../server/console/drafts.js';
import { matterPartDiff } from '../../server/console/matter-drafts.js';
import type { SessionUser } from '../../server/console/users.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createPublisher } from '../../server/publish/publisher.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { FakeWechatClient } from '../fakes/fake-wechat-client.js';

const TOPICS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../topics');
const KEY = 'matters:ershoufang-jiaoyi';
const admin = (department: string): SessionUser => ({ username: `${department}-admin`, role: 'dept-admin', departments: [department] }) as SessionUser;
const platform = { username: 'plat', role: 'platform', departments: [] } as unknown as SessionUser;

describe('一件事 review (会签): lead and every cooperating department confirm before the platform approves', () => {
  let drafts: DraftService;
  let published: string;
  beforeEach(async () => {
    const store = createMemoryStore();
    const live = createLiveBuild(buildAccount(await loadCityFromDir(TOPICS), { publicBaseUrl: 'http://localhost:3000' }));
    const publisher = createPublisher({ store, live, client: new FakeWechatClient(), publicBaseUrl: 'http://localhost:3000' });
    await publisher.bootstrap(TOPICS);
    drafts = createDraftService({ store, publisher });
    published = (await drafts.publishedText(KEY))!;
  });

  /** The shared ID photos no longer go to 公积金 but to 税务's 婚姻状况证明, and a new notice. */
  const changed = () => {
    const m = JSON.parse(published);
    m.notice.text = `${m.notice.text}（已更新）`;
    m.attachments[1].maps = { 'budongchan/zhuanyi-dengji': 'idCardImage', 'shuiwu/qishui-shenbao': 'marriage' };
    return JSON.stringify(m, null, 2);
  };

  it('lets only the lead department edit, and every involved department see, the matter file', async () => {
    assert.deepEqual(await drafts.matterFiles(admin('shuiwu')), [KEY]);
    assert.deepEqual(await drafts.matterFiles(admin('jiaojing')), []);
    assert.equal(await drafts.canEdit(admin('budongchan'), KEY), true);
    assert.equal(await drafts.canEdit(admin('shuiwu'), KEY), false);
    await assert.rejects(drafts.save(admin('shuiwu'), KEY, changed()), /只有牵头部门/);
    await assert.rejects(drafts.history(admin('jiaojing'), KEY), /牵头部门和配合部门/);
  });

  it('refuses the platform’s approval until each department confirmed its own part', async () => {
    const draft = await drafts.save(admin('budongchan'), KEY, changed());
    const submitted = await drafts.submit(admin('budongchan'), draft.id);
    assert.deepEqual(submitted.confirmations?.map((c) => c.department), ['budongchan']);
    await assert.rejects(drafts.review(platform, draft.id, 'approve', ''), /尚未确认：gongjijin、shuiwu/);
    // Nobody confirms for another department, and a department not involved cannot see it.
    await assert.rejects(drafts.confirm(admin('shuiwu'), draft.id, 'gongjijin'), /只有该部门的管理员/);
    await assert.rejects(drafts.confirm(admin('jiaojing'), draft.id, 'jiaojing'), /草稿不存在/);
    assert.deepEqual((await drafts.matterDrafts(admin('jiaojing'))).length, 0);
    await drafts.confirm(admin('shuiwu'), draft.id, 'shuiwu');
    await assert.rejects(drafts.review(platform, draft.id, 'approve', ''), /尚未确认：gongjijin$/);
    await drafts.confirm(admin('gongjijin'), draft.id, 'gongjijin');
    assert.equal((await drafts.review(platform, draft.id, 'approve', '')).status, 'approved');
  });

  it('warns a department whose form change breaks a matter’s mapping, in its own editor, without stopping it', async () => {
    const text = await drafts.publishedText('shuiwu');
    const shuiwu = JSON.parse(text!);
    shuiwu.services.find((s: { id: string }) => s.id === 'qishui-shenbao').steps.processing.fields.find((f: { name: string }) => f.name === 'houseAddress').type = 'number';
    const edited = JSON.stringify(shuiwu, null, 2);
    const check = await drafts.check(admin('shuiwu'), 'shuiwu', edited);
    const warning = check.diagnostics.find((d) => d.code === 'MATTER_MAPPING_BROKEN');
    assert.ok(warning, JSON.stringify(check.diagnostics));
    assert.equal(warning.severity, 'warning');
    assert.match(warning.message, /二手房交易一件事/);
    assert.equal(check.summary.errors, 0);
    assert.ok(check.otherErrors > 0, 'the matter file itself now has an error, which blocks publishing');
    const draft = await drafts.save(admin('shuiwu'), 'shuiwu', edited);
    assert.equal((await drafts.submit(admin('shuiwu'), draft.id)).status, 'submitted');
  });

  it('shows each department its own part of the change', () => {
    const text = changed();
    const gjj = matterPartDiff(published, text, 'gongjijin');
    assert.ok(gjj.includes('一次告知已修改'));
    assert.ok(gjj.some((l) => l.includes('共享材料“idCardImage”不再填入本部门的服务')), gjj.join('\n'));
    const sw = matterPartDiff(published, text, 'shuiwu');
    assert.ok(sw.some((l) => l.includes('共享材料“买卖双方身份证照片”将填入 shuiwu/qishui-shenbao 的“marriage”')), sw.join('\n'));
    assert.ok(!sw.some((l) => l.includes('gongjijin')), 'no other department’s part');
    assert.deepEqual(matterPartDiff(published, published, 'shuiwu'), []);
  });
});

describe('the console’s 一件事会签 page', () => {
  it('is there for department admins, and a confirmation of an unknown draft answers 404', async () => {
    const { addTestUsers, createHarness, login } = await import('../console/harness.js');
    const h = await createHarness();
    await addTestUsers(h.store);
    const jj = await login(h.app, 'jj-admin');
    const page = await jj.agent.get('/console/matters').expect(200);
    assert.match(page.text, /没有待会签的一件事/);
    assert.match(page.text, /href="\/console\/matters" class="active"/);
    await jj.agent.post('/console/matters/nope/confirm').type('form').send({ _csrf: jj.csrf, department: 'jiaojing' }).expect(404);
  });
});

describe('the console workbench and a matter’s part', () => {
  it('tells the department’s staff the application is one part of a matter', async () => {
    const { addTestUsers, createHarness, login } = await import('../console/harness.js');
    const { licenceApplication, seedApplication } = await import('../desk/work-fixtures.js');
    const h = await createHarness();
    await addTestUsers(h.store);
    await seedApplication(h.store, { ...licenceApplication('JJ-20261120-0009'), group: { id: 'YJS-20261120-0001', name: '二手车交易一件事', lead: 'jiaojing' } });
    await seedApplication(h.store, licenceApplication('JJ-20261120-0010'));
    const jj = await login(h.app, 'jj-staff');
    const part = await jj.agent.get('/console/work/applications/JJ-20261120-0009').expect(200);
    assert.match(part.text, /id="matter-row"[\s\S]*二手车交易一件事（YJS-20261120-0001）的一部分/);
    const alone = await jj.agent.get('/console/work/applications/JJ-20261120-0010').expect(200);
    assert.doesNotMatch(alone.text, /matter-row/);
  });
});
