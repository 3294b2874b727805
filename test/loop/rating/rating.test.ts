import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestApp, move, payThroughCashier, submitFields, submitLicence, type TestApp } from '../applications/test-app.js';

describe('rating (好差评) and rectification cases', () => {
  let t: TestApp;
  let staff: string;
  let no: string;
  const rate = (n: string, body: Record<string, unknown>, openid = 'citizen-a') =>
    request(t.app).post(`/api/applications/${n}/rating`).set('Cookie', t.cookie(openid)).send(body);
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeEach(async () => {
    t = createTestApp({ now: '2026-11-20T02:00:00Z' }); // Friday
    staff = await t.staff('jiaojing');
    no = await submitLicence(t);
    await payThroughCashier(t, no);
    await move(t, staff, no, 'accepted').expect(200);
  });
  afterEach(() => t.cleanup());

  it('accepts a rating only once the application is finished', async () => {
    const early = await rate(no, { level: 'satisfied' }).expect(409);
    assert.equal(early.body.message, '办件办结后才能评价');
    await move(t, staff, no, 'completed').expect(200);
    const res = await rate(no, { level: 'satisfied', comment: '很快' }).expect(201);
    assert.deepEqual([res.body.rating.level, res.body.rating.comment, res.body.caseId], ['satisfied', '很快', null]);
  });

  it('refuses a second rating with 409 and an unknown level with 400', async () => {
    await move(t, staff, no, 'completed').expect(200);
    assert.equal((await rate(no, { level: 5 })).status, 400);
    await rate(no, { level: 'very-satisfied' }).expect(201);
    const again = await rate(no, { level: 'dissatisfied' }).expect(409);
    assert.equal(again.body.message, '您已评价过该办件，每件只能评价一次');
  });

  it('lets the citizen rate a refusal too, and no one else rate it', async () => {
    await move(t, staff, no, 'denied', { note: '体检不合格' }).expect(200);
    await rate(no, { level: 'basically-satisfied' }, 'citizen-b').expect(404);
    await rate(no, { level: 'basically-satisfied' }).expect(201);
  });

  describe('a bad review', () => {
    let caseId: string;
    beforeEach(async () => {
      await move(t, staff, no, 'completed').expect(200);
      const res = await rate(no, { level: 'very-dissatisfied', comment: '窗口态度差' }).expect(201);
      caseId = res.body.caseId;
    });

    it('opens a case for the handling department with the city deadline in working days', async () => {
      assert.equal(caseId, `${no}-ZG`);
      const res = await request(t.app).get('/api/staff/cases').set(bearer(staff)).expect(200);
      assert.equal(res.body.cases.length, 1);
      const c = res.body.cases[0];
      // Fri 20 Nov + 5 working days = Fri 27 Nov.
      assert.deepEqual([c.department, c.deadline, c.status, c.overdue, c.comment], ['jiaojing', '2026-11-27', 'open', false, '窗口态度差']);
      assert.deepEqual(c.contact, ['13800138000']);
      assert.equal(c.openid, undefined);
    });

    it('is invisible to another department', async () => {
      const other = await t.staff('shebao');
      const res = await request(t.app).get('/api/staff/cases').set(bearer(other)).expect(200);
      assert.deepEqual(res.body.cases, []);
      await request(t.app).post(`/api/cases/${caseId}/callback`).set(bearer(other)).send({ note: 'x' }).expect(404);
    });

    it('is flagged overdue once the deadline passed without a fix, and no longer once resolved', async () => {
      t.clock.now = new Date('2026-11-28T02:00:00Z');
      let res = await request(t.app).get('/api/staff/cases').set(bearer(staff)).expect(200);
      assert.equal(res.body.cases[0].overdue, true);
      await request(t.app).post(`/api/cases/${caseId}/callback`).set(bearer(staff)).send({ note: '已电话回访，申请人反映等候时间长' }).expect(200);
      await request(t.app).post(`/api/cases/${caseId}/resolution`).set(bearer(staff)).send({ kind: 'fixed', note: '增开窗口' }).expect(200);
      res = await request(t.app).get('/api/staff/cases').set(bearer(staff)).expect(200);
      assert.deepEqual([res.body.cases[0].overdue, res.body.cases[0].status], [false, 'resolved']);
    });

    it('needs a callback before the resolution, and only one resolution', async () => {
      const early = await request(t.app).post(`/api/cases/${caseId}/resolution`).set(bearer(staff)).send({ kind: 'explained', note: '按规定办理' }).expect(409);
      assert.match(early.body.message, /请先回访/);
      await request(t.app).post(`/api/cases/${caseId}/callback`).set(bearer(staff)).send({ note: '已回访' }).expect(200);
      await request(t.app).post(`/api/cases/${caseId}/resolution`).set(bearer(staff)).send({ kind: 'bogus', note: 'x' }).expect(400);
      await request(t.app).post(`/api/cases/${caseId}/resolution`).set(bearer(staff)).send({ kind: 'explained', note: '按规定办理' }).expect(200);
      await request(t.app).post(`/api/cases/${caseId}/resolution`).set(bearer(staff)).send({ kind: 'fixed', note: 'again' }).expect(409);
    });

    it('lets the citizen rate the fix once, after it was reported, and closes the case', async () => {
      const rateFix = (openid: string) => request(t.app).post(`/api/cases/${caseId}/rating`).set('Cookie', t.cookie(openid)).send({ level: 'satisfied' });
      assert.equal((await rateFix('citizen-a')).status, 409);
      await request(t.app).post(`/api/cases/${caseId}/callback`).set(bearer(staff)).send({ note: '已回访' }).expect(200);
      await request(t.app).post(`/api/cases/${caseId}/resolution`).set(bearer(staff)).send({ kind: 'fixed', note: '已整改' }).expect(200);
      assert.equal((await rateFix('citizen-b')).status, 404);
      const res = await rateFix('citizen-a').expect(201);
      assert.equal(res.body.status, 'closed');
      assert.equal((await rateFix('citizen-a')).status, 409);
      const view = await request(t.app).get(`/api/applications/${no}`).set('Cookie', t.cookie('citizen-a')).expect(200);
      assert.equal(view.body.case.status, 'closed');
    });

    it('lets the department appeal once', async () => {
      await request(t.app).post(`/api/cases/${caseId}/appeal`).set(bearer(staff)).send({ reason: '评价对象有误' }).expect(200);
      await request(t.app).post(`/api/cases/${caseId}/appeal`).set(bearer(staff)).send({ reason: '再次' }).expect(409);
    });
  });

  it('sends a bad review to the declared badReviewDepartment', async () => {
    const no2 = await submitFields(t, 'jiaojing/fakuan', { plate: '粤B12345' });
    await move(t, staff, no2, 'accepted', { amountFen: 0 }).expect(200);
    await move(t, staff, no2, 'completed').expect(200);
    await rate(no2, { level: 'dissatisfied' }).expect(201);
    const ducha = await t.staff('ducha');
    const res = await request(t.app).get('/api/staff/cases').set(bearer(ducha)).expect(200);
    assert.deepEqual(res.body.cases.map((c: { applicationNo: string; handlingDepartment: string }) => [c.applicationNo, c.handlingDepartment]), [[no2, 'jiaojing']]);
  });
});
