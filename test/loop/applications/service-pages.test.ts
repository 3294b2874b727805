import assert from 'node:assert/strict';
import request from 'supertest';
import { buildFixture, copies, fine, service } from './build-fixture.js';
import { createTestApp, move, payThroughCashier, submitFields, submitLicence, type TestApp } from './test-app.js';

describe('H5 pages of the application loop', () => {
  let t: TestApp;
  beforeEach(() => (t = createTestApp({ now: '2026-11-02T02:00:00Z' })));
  afterEach(() => t.cleanup());

  it('lists the topics with their services on the home page', async () => {
    const res = await request(t.app).get('/').expect(200);
    assert.match(res.text, /出行服务/);
    assert.match(res.text, /href="\/s\/jiaojing\/huanzheng"/);
    assert.match(res.text, /退休审批[\s\S]*?需到现场/);
  });

  it('tags a query-only service 可在线查询 and links to the citizen’s appointments and applications', async () => {
    const build = buildFixture();
    const query = service('shebao/chaxun', '参保进度查询', { processing: { online: false, timeLimitDays: 10 }, progress: { online: true, stages: ['submitted', 'completed'] } });
    build.services.push(query);
    build.topics[1]!.services.push(query.ref);
    const q = createTestApp({ build, now: '2026-11-02T02:00:00Z' });
    try {
      const res = await request(q.app).get('/').expect(200);
      assert.match(res.text, /参保进度查询<\/a>\s*<span class="tag">可在线查询<\/span>/);
      assert.match(res.text, /退休审批<\/a>\s*<span class="tag off">需到现场<\/span>/);
      assert.match(res.text, /驾驶证换证<\/a>\s*<span class="tag">可在线办理<\/span>/);
      assert.match(res.text, /href="\/me\/appointments">我的预约/);
      assert.match(res.text, /href="\/me\/applications">我的办件/);
    } finally {
      q.cleanup();
    }
  });

  it('shows the normal progress path, the possible detours, and 即办 for a zero time limit', async () => {
    const licence = await request(t.app).get('/s/jiaojing/huanzheng').expect(200);
    assert.match(licence.text, /办理环节：已收件 → 已受理 → 办理中 → 已办结</);
    assert.match(licence.text, /也可能：不予受理、补齐补正、不予许可/);
    assert.match(licence.text, /补齐补正、挂起期间不计入承诺时限/);
    const plain = await request(t.app).get(`/s/${fine.ref}`).expect(200);
    assert.match(plain.text, /办理环节：已收件 → 已受理 → 办理中 → 已办结</);
    assert.doesNotMatch(plain.text, /也可能|不计入承诺时限/);
    const quick = await request(t.app).get(`/s/${copies.ref}`).expect(200);
    assert.match(quick.text, /承诺时限：即办/);
    assert.doesNotMatch(quick.text, /0 个工作日/);
  });

  it('shows the six steps of a service with what can be done online and where to go', async () => {
    const res = await request(t.app).get('/s/jiaojing/huanzheng').expect(200);
    for (const title of ['① 位置服务', '② 预约预检', '③ 业务办理', '④ 线上支付', '⑤ 进度查询', '⑥ 评价投诉']) assert.ok(res.text.includes(title), title);
    assert.match(res.text, /href="\/s\/jiaojing\/huanzheng\/apply"/);
    assert.match(res.text, /承诺时限：受理后 5 个工作日/);
    assert.match(res.text, /收费 10\.00 元/);
    assert.match(res.text, /体检证明（PDF，不超过 4KB，必交）/);
  });

  it('answers an unknown service with a Chinese 404 page', async () => {
    const res = await request(t.app).get('/s/jiaojing/nope').expect(404);
    assert.match(res.text, /办事事项不存在/);
  });

  it('sends an anonymous citizen to sign in and back', async () => {
    const res = await request(t.app).get('/s/jiaojing/huanzheng/apply').expect(302);
    assert.equal(res.headers.location, '/auth/local?next=%2Fs%2Fjiaojing%2Fhuanzheng%2Fapply');
    await request(t.app).get('/me/applications').expect(302);
  });

  it('renders the declared form: inputs, options, required marks and accepted file types', async () => {
    const res = await request(t.app).get('/s/jiaojing/huanzheng/apply').set('Cookie', t.cookie('citizen-a')).expect(200);
    assert.match(res.text, /data-action="\/api\/services\/jiaojing\/huanzheng\/applications"/);
    assert.match(res.text, /<input id="f-phone" name="phone" type="tel"/);
    assert.match(res.text, /<option value="C1" >C1 小型汽车<\/option>/);
    assert.match(res.text, /name="medical" type="file" accept=".pdf,application\/pdf" required/);
    assert.match(res.text, /<script src="\/assets\/h5\/loop.js"><\/script>/);
    await request(t.app).get('/assets/h5/loop.js').expect(200).expect('Content-Type', /javascript/);
  });

  it('shows the owner the timeline, the paused clock and escapes staff notes', async () => {
    const no = await submitLicence(t);
    const staff = await t.staff('jiaojing');
    const page0 = await request(t.app).get(`/me/applications/${no}`).set('Cookie', t.cookie('citizen-a')).expect(200);
    assert.match(page0.text, /id="pay" data-no="/);
    assert.match(page0.text, /受理后开始计时/);
    await payThroughCashier(t, no);
    await move(t, staff, no, 'accepted').expect(200);
    t.clock.now = new Date('2026-11-03T02:00:00Z');
    await move(t, staff, no, 'supplement', { note: '<script>alert(1)</script>请补充体检证明' }).expect(200);
    const res = await request(t.app).get(`/me/applications/${no}`).set('Cookie', t.cookie('citizen-a')).expect(200);
    assert.match(res.text, /计时已暂停/);
    assert.match(res.text, /补正材料/);
    assert.ok(!res.text.includes('<script>alert(1)'), 'note escaped');
    assert.match(res.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;请补充体检证明/);
    assert.match(res.text, /2026-11-03 10:00/, 'times in city time');
  });

  it('confirms a fresh application with the next step only when just submitted', async () => {
    const no = await submitLicence(t);
    const page = (query: string) => request(t.app).get(`/me/applications/${no}${query}`).set('Cookie', t.cookie('citizen-a')).expect(200);
    const fresh = await page('?submitted=1');
    assert.match(fresh.text, /申请已提交/);
    assert.match(fresh.text, /下一步：请在下方完成缴费/);
    assert.doesNotMatch((await page('')).text, /id="submitted"/);
    const assessed = await submitFields(t, fine.ref, { plate: '粤A12345' });
    const waiting = await request(t.app).get(`/me/applications/${assessed}?submitted=1`).set('Cookie', t.cookie('citizen-a')).expect(200);
    assert.match(waiting.text, /下一步：请等待工作人员受理/);
  });

  it('says 即办 on the application page of a service with no time limit', async () => {
    const no = await submitFields(t, copies.ref, { pages: '2' });
    const res = await request(t.app).get(`/me/applications/${no}`).set('Cookie', t.cookie('citizen-a')).expect(200);
    assert.match(res.text, /承诺时限：即办/);
    assert.doesNotMatch(res.text, /0 个工作日/);
  });

  it('answers another citizen with 404 on the application page', async () => {
    const no = await submitLicence(t);
    await request(t.app).get(`/me/applications/${no}`).set('Cookie', t.cookie('citizen-b')).expect(404);
  });

  it('lists the citizen’s applications with what is due', async () => {
    const no = await submitLicence(t);
    const res = await request(t.app).get('/me/applications').set('Cookie', t.cookie('citizen-a')).expect(200);
    assert.match(res.text, new RegExp(`href="/me/applications/${no}"`));
    assert.match(res.text, /待缴费 10\.00 元/);
  });
});
