import assert from 'node:assert/strict';
import request from 'supertest';
import { move } from '../loop/applications/test-app.js';
import { createMatterApp, type MatterApp } from './matter-app.js';

describe('一件事 over HTTP: one submission, each department its own part', () => {
  let t: MatterApp;
  beforeEach(async () => {
    t = await createMatterApp();
  });
  afterEach(() => t.cleanup());

  it('creates one part per department and shows the citizen the whole matter', async () => {
    const res = await t.submit().expect(201);
    assert.match(res.headers.location!, /^\/api\/matter-applications\/YJS-20261202-0001$/);
    assert.equal(res.body.state, 'submitted');
    assert.equal(res.body.stateLabel, '已提交');
    assert.deepEqual(res.body.parts.map((p: { departmentName: string }) => p.departmentName), ['江城市不动产登记中心', '国家税务总局江城市税务局', '江城住房公积金中心']);
    const listed = await request(t.app).get('/api/matter-applications').set('Cookie', t.cookie('buyer')).expect(200);
    assert.equal(listed.body.matterApplications.length, 1);
  });

  it('answers 400 with the one form’s field names', async () => {
    const res = await t.submit('buyer', { useFund: 'no', buyerName: '李' }).expect(400);
    const fields = res.body.details.map((d: { field: string }) => d.field);
    assert.ok(fields.includes('buyerName'));
    assert.ok(fields.includes('budongchan.zhuanyi-dengji.sellerName'));
    assert.ok(!fields.includes('name'), 'no member field name leaks into the one form');
  });

  it('lets each department’s staff see only their own part, and nobody else anything', async () => {
    const { body } = await t.submit().expect(201);
    const [bdc, sw] = body.parts as Array<{ no: string }>;
    const shuiwu = await t.staff('shuiwu');
    const queue = await request(t.app).get('/api/staff/applications').set('Authorization', `Bearer ${shuiwu}`).expect(200);
    assert.deepEqual(queue.body.applications.map((a: { no: string }) => a.no), [sw!.no]);
    const seen = await request(t.app).get(`/api/matter-applications/${body.no}`).set('Authorization', `Bearer ${shuiwu}`).expect(200);
    assert.deepEqual(seen.body.parts.map((p: { no: string }) => p.no), [sw!.no]);
    assert.equal(seen.body.otherParts, 2);
    assert.deepEqual(seen.body.skipped, []);
    await request(t.app).get(`/api/applications/${bdc!.no}`).set('Authorization', `Bearer ${shuiwu}`).expect(404);
    const jiaojing = await t.staff('jiaojing');
    await request(t.app).get(`/api/matter-applications/${body.no}`).set('Authorization', `Bearer ${jiaojing}`).expect(404);
    await request(t.app).get(`/api/matter-applications/${body.no}`).set('Cookie', t.cookie('someone-else')).expect(404);
  });

  it('shows a department’s 补齐补正 request on the one progress page and sends the resubmission to that part only', async () => {
    const { body } = await t.submit().expect(201);
    const [bdc, sw] = body.parts as Array<{ no: string }>;
    const shuiwu = await t.staff('shuiwu');
    const budongchan = await t.staff('budongchan');
    await move(t, budongchan, bdc!.no, 'accepted').expect(200);
    await move(t, shuiwu, sw!.no, 'supplement', { note: '请补充婚姻状况证明<script>alert(1)</script>' }).expect(200);
    const view = await request(t.app).get(`/api/matter-applications/${body.no}`).set('Cookie', t.cookie('buyer')).expect(200);
    assert.equal(view.body.state, 'supplement');
    const part = view.body.parts.find((p: { no: string }) => p.no === sw!.no);
    assert.equal(part.resubmitUrl, `/s/shuiwu/qishui-shenbao/apply?resubmit=${sw!.no}`);
    const page = await request(t.app).get(`/me/matters/${body.no}`).set('Cookie', t.cookie('buyer')).expect(200);
    assert.ok(page.text.includes('请补充婚姻状况证明&lt;script&gt;'), 'the note is escaped');
    assert.ok(!page.text.includes('<script>alert(1)'));
    assert.ok(page.text.includes('向国家税务总局江城市税务局补正材料'));

    const resubmitted = await request(t.app)
      .post(`/api/applications/${sw!.no}/resubmit`)
      .set('Cookie', t.cookie('buyer'))
      .field('name', '李四').field('idNumber', '420105198511124569').field('mobile', '13800138000')
      .field('houseAddress', '江城市江南区滨江路88号3栋1201室').field('unitNumber', '420102001001GB00012F00010001')
      .field('price', '1500000').field('homeCount', 'first')
      .expect(200);
    assert.equal(resubmitted.body.stage, 'submitted');
    const partPage = await request(t.app).get(`/me/applications/${sw!.no}`).set('Cookie', t.cookie('buyer')).expect(200);
    assert.ok(partPage.text.includes(`href="/me/matters/${body.no}"`), 'a part links to its matter');
    const after = await request(t.app).get(`/api/matter-applications/${body.no}`).set('Cookie', t.cookie('buyer')).expect(200);
    assert.deepEqual(after.body.parts.map((p: { stage: string }) => p.stage), ['accepted', 'submitted', 'submitted']);
    assert.equal(after.body.state, 'in-progress');
  });

  it('serves the notice and the one form with shared fields once and each member’s own section', async () => {
    const notice = await request(t.app).get('/m/ershoufang-jiaoyi').expect(200);
    assert.ok(notice.text.includes('一次告知'));
    assert.ok(notice.text.includes('仅当“买方是否提取住房公积金：是”时办理'));
    const form = await request(t.app).get('/m/ershoufang-jiaoyi/apply').set('Cookie', t.cookie('buyer')).expect(200);
    assert.equal(form.text.match(/name="buyerName"/g)?.length, 1);
    assert.equal(form.text.match(/name="contract"/g)?.length, 1);
    assert.ok(form.text.includes('name="shuiwu.qishui-shenbao.price"'));
    await request(t.app).get('/m/nope').expect(404);
  });
});
