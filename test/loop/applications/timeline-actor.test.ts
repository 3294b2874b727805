// Who the timeline says acted: citizens see the department, never a console username;
// staff still see which colleague moved the application.
import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestApp, move, payThroughCashier, submitLicence, type TestApp } from './test-app.js';

describe('application timeline actor', () => {
  let t: TestApp;
  let no: string;
  beforeEach(async () => {
    t = createTestApp({ now: '2026-11-02T02:00:00Z' }); // Monday
    const staff = await t.staff('jiaojing');
    no = await submitLicence(t);
    await payThroughCashier(t, no);
    await move(t, staff, no, 'accepted', { note: '材料齐全' }).expect(200);
  });
  afterEach(() => t.cleanup());

  it('names the department instead of the staff label in the citizen view', async () => {
    const res = await request(t.app).get(`/api/applications/${no}`).set('Cookie', t.cookie('citizen-a')).expect(200);
    const actors = res.body.timeline.map((e: { to: string; actor: { kind: string; name: string } }) => [e.to, e.actor.kind, e.actor.name]);
    assert.deepEqual(actors, [
      ['submitted', 'citizen', '申请人'],
      ['accepted', 'staff', '市公安局交警支队'],
    ]);
    assert.equal(JSON.stringify(res.body).includes('窗口1'), false, 'the console label leaks to the citizen');
  });

  it('keeps the staff label in the staff view', async () => {
    const staff = await t.staff('jiaojing');
    const res = await request(t.app).get(`/api/applications/${no}`).set('Authorization', `Bearer ${staff}`).expect(200);
    assert.deepEqual(res.body.timeline.at(-1).actor, { kind: 'staff', name: '窗口1' });
    assert.deepEqual(res.body.timeline[0].actor, { kind: 'citizen', name: '申请人' });
  });
});
