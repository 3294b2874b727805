// 闭厅 from the console: the closed slots disappear for booking at once, booked citizens are told by
// template message with a 改约 link and may move whatever the cancellation notice, nobody is
// reminded of a closed slot, and no booking slips into a slot while it is being closed.
import assert from 'node:assert/strict';
import request from 'supertest';
import { closeHall, reopenHall } from '../../../server/loop/appointment/hall-closures.js';
import { appointmentsOf } from '../../../server/loop/appointment/appointment-types.js';
import { planReminders } from '../../../server/notices/index.js';
import { FakeWechat, HALLS, makeContext, SERVICE, type TestContext, VALID_FIELDS } from './fixture-build.js';

const FRIDAY = '2026-03-06';
const SLOT = '2026-03-06T01:00:00.000Z'; // Friday 09:00
const TEN = '2026-03-06T02:00:00.000Z'; // Friday 10:00
const book = (ctx: TestContext, openid: string, start = SLOT) =>
  request(ctx.app).post(`/api/services/${SERVICE}/appointments`).set('Cookie', ctx.cookie(openid)).send({ hall: 'tianhe', start, fields: VALID_FIELDS });
const slots = async (ctx: TestContext, date = FRIDAY) => (await request(ctx.app).get(`/api/services/${SERVICE}/slots?hall=tianhe&date=${date}`).expect(200)).body;
const close = (ctx: TestContext, input: Record<string, unknown>) => closeHall(ctx.deps, HALLS, { hall: 'shebao/tianhe', date: FRIDAY, reason: '系统升级', ...input }, 'sb-staff');

describe('closing a hall (闭厅)', () => {
  it('takes every slot of a whole-day closure off the slots API, with the reason', async () => {
    const ctx = makeContext();
    assert.ok((await slots(ctx)).slots.length > 0);
    await close(ctx, {});
    const day = await slots(ctx);
    assert.deepEqual(day.slots, []);
    assert.equal(day.reason, '大厅临时闭厅（全天）：系统升级');
    assert.equal(day.closed, '大厅临时闭厅（全天）：系统升级');
  });

  it('removes only the slots a part-day closure covers', async () => {
    const ctx = makeContext();
    await close(ctx, { from: '09:00', to: '10:00' });
    const starts = (await slots(ctx)).slots.map((s: { start: string }) => s.start);
    assert.ok(!starts.includes(SLOT), '09:00 is closed');
    assert.ok(!starts.includes('2026-03-06T01:30:00.000Z'), '09:30 is closed');
    assert.ok(starts.includes(TEN), '10:00 is open again');
  });

  it('marks the booking page’s day as closed', async () => {
    const ctx = makeContext();
    await close(ctx, {});
    const page = await request(ctx.app).get(`/s/${SERVICE}/book`).set('Cookie', ctx.cookie('alice')).expect(200);
    assert.match(page.text, /大厅临时闭厅（全天）：系统升级/);
  });

  it('refuses a booking into a closed slot with 409 and the reason', async () => {
    const ctx = makeContext();
    await close(ctx, { from: '09:00', to: '10:00' });
    const res = await book(ctx, 'alice').expect(409);
    assert.match(res.body.message, /大厅临时闭厅（09:00—10:00）：系统升级/);
    await book(ctx, 'alice', TEN).expect(201);
  });

  it('tells each booked citizen by template message with a 改约 link, and leaves the others alone', async () => {
    const wechat = new FakeWechat();
    const ctx = makeContext({ wechat, templateId: 'TPL_APPT' });
    const alice = (await book(ctx, 'alice').expect(201)).body.appointment;
    await book(ctx, 'bob', TEN).expect(201);
    wechat.templates.length = 0;
    const { closure, affected } = await close(ctx, { from: '09:00', to: '09:30' });
    assert.deepEqual(affected.map((a) => a.id), [alice.id]);
    assert.deepEqual(closure.affected, [alice.id]);
    assert.equal(wechat.templates.length, 1);
    const sent = wechat.templates[0]!;
    assert.equal(sent.openid, 'alice');
    assert.equal(sent.url, `https://gov.example.cn/s/${SERVICE}/book?reschedule=${alice.id}`);
    assert.match(String(sent.data.keyword4?.value), /^请改约 /);
    assert.equal(sent.data.remark, undefined); // the reason is shown on 我的预约
    const stored = await appointmentsOf(ctx.deps.store).get(alice.id);
    assert.equal(stored?.status, 'booked');
    assert.equal(stored?.closedBy?.closure, closure.id);
    assert.equal(stored?.history.at(-1)?.action, 'hall-closed');
  });

  it('lets the citizen move a closed appointment after the cancellation notice, and shows why on 我的预约', async () => {
    const ctx = makeContext();
    const alice = (await book(ctx, 'alice').expect(201)).body.appointment;
    await close(ctx, { from: '09:00', to: '09:30' });
    ctx.clock.now = new Date('2026-03-05T20:00:00Z'); // Friday 04:00: well inside the 24-hour notice
    const mine = await request(ctx.app).get('/me/appointments').set('Cookie', ctx.cookie('alice')).expect(200);
    assert.match(mine.text, /大厅临时闭厅（系统升级）/);
    assert.match(mine.text, new RegExp(`book\\?reschedule&#x3D;${alice.id}`));
    const moved = await request(ctx.app).post(`/api/appointments/${alice.id}/reschedule`).set('Cookie', ctx.cookie('alice')).send({ start: TEN }).expect(200);
    assert.equal(moved.body.appointment.start, TEN);
    assert.equal(moved.body.appointment.closedBy, undefined);
  });

  it('still refuses a late move of an appointment the hall did not close', async () => {
    const ctx = makeContext();
    const bob = (await book(ctx, 'bob', TEN).expect(201)).body.appointment;
    await close(ctx, { from: '09:00', to: '09:30' });
    ctx.clock.now = new Date('2026-03-05T20:00:00Z');
    await request(ctx.app).post(`/api/appointments/${bob.id}/reschedule`).set('Cookie', ctx.cookie('bob')).send({ start: '2026-03-06T02:30:00.000Z' }).expect(409);
  });

  it('sends no reminder for a slot the hall closed', async () => {
    const ctx = makeContext();
    await book(ctx, 'alice').expect(201);
    await close(ctx, {});
    // The reminder runs on the notices scheduler: a closed slot plans nothing.
    const now = new Date('2026-03-05T02:00:00Z');
    const planned = await planReminders({ store: ctx.deps.store, live: ctx.deps.live, publicBaseUrl: 'https://gov.example.cn', now: () => now });
    assert.equal(planned.planned, 0);
  });

  it('lets no booking slip into a slot while it is being closed', async function () {
    this.timeout(30_000);
    const ctx = makeContext();
    const [bookings] = await Promise.all([Promise.all(Array.from({ length: 20 }, (_, i) => book(ctx, `citizen-${i}`))), close(ctx, {})]);
    const stored = await appointmentsOf(ctx.deps.store).findBy('date', FRIDAY);
    assert.ok(stored.every((a) => a.closedBy), 'every booking made is marked by the closure');
    assert.equal(bookings.filter((r) => r.status === 201).length, stored.length);
  });

  it('refuses a past date, half a span, an end before its start, an unknown hall and no reason, in Chinese', async () => {
    const ctx = makeContext();
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ date: '2026-03-01' }, /已经过去的日期/],
      [{ from: '09:00' }, /同时填写开始和结束时间/],
      [{ from: '10:00', to: '09:00' }, /结束时间应晚于开始时间/],
      [{ from: '9点', to: '10:00' }, /HH:MM/],
      [{ reason: ' ' }, /请填写闭厅原因/],
      [{ hall: 'jiaojing/chezhusuo' }, /大厅不存在/],
    ];
    for (const [input, message] of cases) await assert.rejects(close(ctx, input), message, JSON.stringify(input));
  });

  it('shows a hall closed today as 临时闭厅 on the halls page and in the halls API at once, without a publish', async () => {
    const ctx = makeContext();
    const today = '2026-03-02'; // NOW is Monday 10:00 in the city
    const before = (await request(ctx.app).get(`/api/services/${SERVICE}/halls`).expect(200)).body.halls.find((h: { id: string }) => h.id === 'tianhe');
    assert.equal(before.openNow, true);
    await closeHall(ctx.deps, HALLS, { hall: 'shebao/tianhe', date: today, reason: '水管<爆裂>' }, 'sb-staff');
    const after = (await request(ctx.app).get(`/api/services/${SERVICE}/halls`).expect(200)).body.halls.find((h: { id: string }) => h.id === 'tianhe');
    assert.deepEqual([after.openNow, after.status, after.outageText], [false, '临时闭厅', '临时闭厅（全天）：水管<爆裂>']);
    const page = await request(ctx.app).get(`/s/${SERVICE}/halls`).expect(200);
    assert.match(page.text, /临时闭厅（全天）：水管&lt;爆裂&gt;/);
    assert.doesNotMatch(page.text, /天河[^<]*<span class="tag">办公中/);
  });

  it('reopens a closure: its slots take bookings again, an unmoved citizen keeps the slot and is told, a moved one is left alone', async () => {
    const wechat = new FakeWechat();
    const ctx = makeContext({ wechat, templateId: 'TPL_APPT' });
    const alice = (await book(ctx, 'alice').expect(201)).body.appointment;
    const carol = (await book(ctx, 'carol', '2026-03-06T01:30:00.000Z').expect(201)).body.appointment;
    const { closure } = await close(ctx, { from: '09:00', to: '10:00' });
    await request(ctx.app).post(`/api/appointments/${carol.id}/reschedule`).set('Cookie', ctx.cookie('carol')).send({ start: TEN }).expect(200);
    const { restored } = await reopenHall(ctx.deps, HALLS, closure.id);
    assert.deepEqual(restored.map((a) => a.id), [alice.id]);
    const starts = (await slots(ctx)).slots.map((s: { start: string }) => s.start);
    assert.ok(starts.includes('2026-03-06T01:30:00.000Z'), 'the reopened 09:30 slot takes bookings again');
    const stored = await appointmentsOf(ctx.deps.store).get(alice.id);
    assert.deepEqual([stored?.status, stored?.start, stored?.closedBy], ['booked', SLOT, undefined]);
    assert.equal((await appointmentsOf(ctx.deps.store).get(carol.id))?.start, TEN, 'the moved appointment stays where the citizen put it');
    const told = wechat.templates.filter((t) => String(t.data.keyword4?.value).startsWith('照常办理'));
    assert.deepEqual(told.map((t) => t.openid), ['alice']);
    await assert.rejects(reopenHall(ctx.deps, HALLS, closure.id), /闭厅记录不存在/);
  });

  it('refuses to reopen a past day’s closure or another department’s, in Chinese', async () => {
    const ctx = makeContext();
    const { closure } = await close(ctx, {});
    await assert.rejects(reopenHall(ctx.deps, [], closure.id), /闭厅记录不存在/);
    ctx.clock.now = new Date('2026-03-07T02:00:00Z'); // Saturday: Friday has passed
    await assert.rejects(reopenHall(ctx.deps, HALLS, closure.id), /日期已经过去，无法撤销/);
  });
});
