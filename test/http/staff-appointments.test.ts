// The staff API for appointments (a department's own systems, bearer token): the day list of the
// department's halls with masked pre-check answers, and 签到 / 未到 once, audited, in scope only.
import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { createStaffToken } from '../../server/desk/staff-tokens.js';
import { createStaffAppointmentRouter } from '../../server/http/appointments/staff-appointment-router.js';
import { errorHandler } from '../../server/http/error-handler.js';
import { makeContext, NOW, SERVICE, type TestContext, VALID_FIELDS } from '../loop/appointment/fixture-build.js';

const TODAY_AFTERNOON = '2026-03-02T05:30:00.000Z'; // Monday 13:30, the fixture clock is Monday 10:00

describe('staff API: appointments (/api/staff/appointments)', () => {
  let ctx: TestContext;
  let api: express.Express;
  let shebao: string;
  let other: string;
  let id: string;
  before(async () => {
    ctx = makeContext();
    api = express().use('/api', createStaffAppointmentRouter(ctx.deps)).use(errorHandler());
    const booked = await request(ctx.app).post(`/api/services/${SERVICE}/appointments`).set('Cookie', ctx.cookie('alice')).send({ hall: 'tianhe', start: TODAY_AFTERNOON, fields: VALID_FIELDS }).expect(201);
    id = booked.body.appointment.id;
    shebao = await createStaffToken(ctx.deps.store, 'shebao', '天河窗口1', NOW);
    other = await createStaffToken(ctx.deps.store, 'jiaojing', '车管所', NOW);
  });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('lists today’s appointments of the department’s halls with the answers, the ID number masked', async () => {
    const res = await request(api).get('/api/staff/appointments').set(bearer(shebao)).expect(200);
    assert.equal(res.body.date, '2026-03-02');
    assert.equal(res.body.appointments.length, 1);
    const [row] = res.body.appointments;
    assert.deepEqual([row.id, row.hall, row.start, row.canCheckIn, row.canNoShow], [id, 'shebao/tianhe', TODAY_AFTERNOON, true, false]);
    assert.ok(row.answers.some((a: { label: string; value: string }) => a.label === '身份证号' && a.value === '110105********002X'));
    assert.doesNotMatch(JSON.stringify(res.body), /11010519491231002X/);
  });

  it('answers 401 without a token and shows another department nothing', async () => {
    await request(api).get('/api/staff/appointments').expect(401);
    const res = await request(api).get('/api/staff/appointments?date=2026-03-02').set(bearer(other)).expect(200);
    assert.deepEqual(res.body.appointments, []);
    await request(api).post(`/api/staff/appointments/${id}/checked-in`).set(bearer(other)).expect(404);
  });

  it('records 签到 once with the token’s label, audited, and refuses 未到 before the slot', async () => {
    await request(api).post(`/api/staff/appointments/${id}/no-show`).set(bearer(shebao)).expect(409);
    const res = await request(api).post(`/api/staff/appointments/${id}/checked-in`).set(bearer(shebao)).expect(200);
    assert.deepEqual([res.body.appointment.attendance.kind, res.body.appointment.attendance.by], ['checked-in', '令牌 天河窗口1']);
    await request(api).post(`/api/staff/appointments/${id}/checked-in`).set(bearer(shebao)).expect(409);
    const logged = (await ctx.deps.store.log<{ action: string; actor: string }>('audit').read()).filter((r) => r.action === 'appointment.checked-in');
    assert.deepEqual(logged.map((r) => r.actor), ['令牌 天河窗口1']);
  });

  it('refuses a malformed date with 400', async () => {
    await request(api).get('/api/staff/appointments?date=tomorrow').set(bearer(shebao)).expect(400);
  });
});
