import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createLowdbStore } from '../../../server/store/lowdb-store.js';
import { createMemoryStore } from '../../../server/store/memory-store.js';
import type { Collection, Doc, Store } from '../../../server/store/types.js';
import { withLocksReading } from '../../../server/store/counting.js';
import type { AccountBuild } from '../../../server/builder/types.js';
import { closeHall } from '../../../server/loop/appointment/hall-closures.js';
import { APPOINTMENT_SERVICE, makeContext, SERVICE, type TestContext, VALID_FIELDS } from './fixture-build.js';

const SLOT = '2026-03-06T01:00:00.000Z'; // Friday 09:00, more than the 24 h cancel notice away
const LATER = '2026-03-06T06:00:00.000Z'; // Friday 14:00
const book = (ctx: TestContext, openid: string, body: Record<string, unknown>) =>
  request(ctx.app).post(`/api/services/${SERVICE}/appointments`).set('Cookie', ctx.cookie(openid)).send(body);
const booking = (start = SLOT, hall = 'tianhe') => ({ hall, start, fields: VALID_FIELDS });

const stores: Array<[string, () => Promise<{ store: Store; done(): Promise<void> }>]> = [
  ['memory store', async () => ({ store: createMemoryStore(), done: async () => {} })],
  [
    'lowdb store',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'onestop-book-'));
      const store = await createLowdbStore(dir);
      return { store, done: async () => (await store.close(), rm(dir, { recursive: true, force: true })) };
    },
  ],
];

for (const [name, open] of stores) {
  describe(`booking the last seats (${name})`, () => {
    it('gives 50 concurrent citizens exactly 5 seats and 45 clear 409s', async function () {
      this.timeout(30000);
      const { store, done } = await open();
      const ctx = makeContext({ store });
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => book(ctx, `citizen-${i}`, booking())));
      const statuses = results.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 201).length, 5);
      assert.equal(statuses.filter((s) => s === 409).length, 45);
      assert.ok(results.filter((r) => r.status === 409).every((r) => r.body.message === '该时段已约满，请选择其他时段'));
      const slots = await request(ctx.app).get(`/api/services/${SERVICE}/slots?hall=tianhe&date=2026-03-06`).expect(200);
      assert.deepEqual([slots.body.slots[0].booked, slots.body.slots[0].available], [5, 0]);
      const numbers = new Set(results.filter((r) => r.status === 201).map((r) => r.body.appointment.number));
      assert.equal(numbers.size, 5);
      await done();
    });

    it('gives 40 concurrent citizens over two services and four slots exactly the hall’s 3 seats of the day', async function () {
      this.timeout(30000);
      const { store, done } = await open();
      const ctx = makeContext({ store, build: withDayCap(3) });
      const starts = ['2026-03-06T01:00:00.000Z', '2026-03-06T01:30:00.000Z', '2026-03-06T02:00:00.000Z', '2026-03-06T06:00:00.000Z'];
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          request(ctx.app).post(`/api/services/${i % 2 ? SERVICE : OTHER}/appointments`).set('Cookie', ctx.cookie(`citizen-${i}`)).send(booking(starts[i % 4])),
        ),
      );
      const statuses = results.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 201).length, 3, statuses.join(','));
      assert.ok(results.filter((r) => r.status === 409).every((r) => r.body.message === '该大厅当天的预约已满，请选择其他日期'));
      const day = (await request(ctx.app).get(`/api/services/${SERVICE}/slots?hall=tianhe&date=2026-03-06`).expect(200)).body;
      assert.ok(day.slots.every((slot: { available: number }) => slot.available === 0));
      assert.deepEqual([day.free, day.day, day.reason], [0, { capacity: 3, booked: 3, available: 0 }, '该大厅当天的预约已满，请选择其他日期']);
      await done();
    });
  });
}

const OTHER = 'shebao/shebaoka-shenling';
/** The fixture hall tianhe takes `n` appointments a day, shared by 社保卡补办 and a second service. */
const withDayCap = (n: number) => (build: AccountBuild) => {
  build.halls = build.halls.map((h) => (h.id === 'tianhe' ? { ...h, appointmentsPerDay: n } : h));
  build.services.push({ ...APPOINTMENT_SERVICE, ref: OTHER, id: 'shebaoka-shenling', name: '社保卡申领' });
};

describe('a hall’s appointments per day (appointmentsPerDay)', () => {
  it('caps each slot’s seats by what is left of the day and shows it on the booking page', async () => {
    const ctx = makeContext({ build: withDayCap(2) });
    await book(ctx, 'alice', booking()).expect(201);
    const day = (await request(ctx.app).get(`/api/services/${OTHER}/slots?hall=tianhe&date=2026-03-06`).expect(200)).body;
    assert.deepEqual([day.free, day.slots[1].capacity, day.slots[1].available], [1, 5, 1]);
    await request(ctx.app).post(`/api/services/${OTHER}/appointments`).set('Cookie', ctx.cookie('bob')).send(booking(LATER)).expect(201);
    const page = await request(ctx.app).get(`/s/${SERVICE}/book`).set('Cookie', ctx.cookie('carol')).expect(200);
    const halls = JSON.parse(/<script type="application\/json" id="page-data">([^<]*)<\/script>/.exec(page.text)?.[1] ?? '{}').halls as Array<{ ref: string; days: Array<{ date: string; free: number }> }>;
    assert.equal(halls.find((h) => h.ref === 'shebao/tianhe')?.days.find((d) => d.date === '2026-03-06')?.free, 0);
    await book(ctx, 'carol', booking('2026-03-06T07:00:00.000Z')).expect(409);
    await book(ctx, 'carol', booking('2026-03-09T01:00:00.000Z')).expect(201);
  });

  it('lets a citizen move within a full day, since the move gives the old seat back', async () => {
    const ctx = makeContext({ build: withDayCap(1) });
    const { body } = await book(ctx, 'alice', booking()).expect(201);
    await request(ctx.app).post(`/api/appointments/${body.appointment.id}/reschedule`).set('Cookie', ctx.cookie('alice')).send({ start: LATER }).expect(200);
  });

  it('does not count a slot the hall closed against the day', async () => {
    const ctx = makeContext({ build: withDayCap(1) });
    await book(ctx, 'alice', booking()).expect(201);
    await closeHall(ctx.deps, ctx.deps.live.current().halls, { hall: 'shebao/tianhe', date: '2026-03-06', from: '09:00', to: '09:30', reason: '设备检修' }, 'sb-staff');
    await book(ctx, 'bob', booking(LATER)).expect(201);
  });
});

describe('POST /api/services/:dept/:service/appointments', () => {
  it('books a slot and answers 201 with a human-readable number', async () => {
    const ctx = makeContext();
    const res = await book(ctx, 'alice', booking()).expect(201);
    const a = res.body.appointment;
    assert.match(a.number, /^YY-20260302-\d{4}$/);
    assert.deepEqual([a.openid, a.service, a.hall, a.start, a.end, a.status], ['alice', SERVICE, 'shebao/tianhe', SLOT, '2026-03-06T01:30:00.000Z', 'booked']);
    assert.deepEqual(a.fields, VALID_FIELDS);
  });

  it('reads everything a booking checks in one step with its locks (one round trip on PostgreSQL)', async () => {
    // A store that can lock and read in one step, recording what the booking asks of it.
    const raw = createMemoryStore();
    const calls: string[] = [];
    const recorded = (name: string): Collection<Doc> => {
      const inner = raw.collection<Doc>(name);
      return Object.assign(Object.create(inner) as Collection<Doc>, {
        findBy: (field: string, value: string) => (calls.push(`findBy ${name}.${field}`), inner.findBy(field, value)),
        list: (filter?: (doc: Doc) => boolean) => (calls.push(`list ${name}`), inner.list(filter)),
        countBy: (field: string, value: string) => (calls.push(`countBy ${name}.${field}`), Promise.resolve(value.length)),
      });
    };
    const store: Store = Object.assign(Object.create(raw) as Store, {
      collection: recorded,
      withLocksReading: ((keys, reads, fn) => (calls.push(`withLocksReading ${keys.length} locks, ${reads.length} reads`), withLocksReading(raw, keys, reads, fn))) as Store['withLocksReading'],
    });
    const ctx = makeContext({ store });
    await book(ctx, 'alice', booking()).expect(201);
    assert.deepEqual(calls, ['withLocksReading 2 locks, 3 reads']);
    await book(ctx, 'alice', booking(LATER)).expect(409); // one active appointment per service, from the same read
    assert.deepEqual(calls, ['withLocksReading 2 locks, 3 reads', 'withLocksReading 2 locks, 3 reads']);
  });

  it('answers 401 without a citizen session', async () => {
    const ctx = makeContext();
    await request(ctx.app).post(`/api/services/${SERVICE}/appointments`).send(booking()).expect(401);
  });

  it('answers 400 with a Chinese message per field for a bad pre-check form', async () => {
    const ctx = makeContext();
    const res = await book(ctx, 'alice', { ...booking(), fields: { ...VALID_FIELDS, idcard: '110105194912310021', phone: '' } }).expect(400);
    assert.deepEqual(res.body.details, [
      { field: 'idcard', label: '身份证号', message: '“身份证号”格式不正确' },
      { field: 'phone', label: '手机号', message: '请填写“手机号”' },
    ]);
    assert.equal(res.body.message, '有 2 处填写有误：“身份证号”格式不正确');
  });

  it('answers 400 for a start that is not one of the hall’s slots', async () => {
    const ctx = makeContext();
    const res = await book(ctx, 'alice', booking('2026-03-06T01:10:00.000Z')).expect(400);
    assert.equal(res.body.message, '所选时段不可预约，请重新选择');
    const holiday = await book(ctx, 'alice', booking('2026-03-04T01:00:00.000Z')).expect(400);
    assert.equal(holiday.body.message, '法定节假日，大厅不办公');
    await book(ctx, 'alice', booking('not a time')).expect(400);
  });

  it('answers 409 when the same citizen books the same slot again', async () => {
    const ctx = makeContext();
    await book(ctx, 'alice', booking()).expect(201);
    const again = await book(ctx, 'alice', booking()).expect(409);
    assert.equal(again.body.message, '您已预约了这个时段，无需重复预约');
  });

  it('lets a citizen hold one active appointment per service', async () => {
    const ctx = makeContext();
    const first = await book(ctx, 'alice', booking()).expect(201);
    const second = await book(ctx, 'alice', booking(LATER)).expect(409);
    assert.match(second.body.message, /您已有该事项的预约（3月6日（周五）09:00-09:30，预约号 YY-20260302-0001）/);
    assert.equal(second.body.details.appointment, first.body.appointment.id);
    await request(ctx.app).delete(`/api/appointments/${first.body.appointment.id}`).set('Cookie', ctx.cookie('alice')).expect(200);
    await book(ctx, 'alice', booking(LATER)).expect(201);
  });

  it('lets a past appointment not block a new booking', async () => {
    const ctx = makeContext();
    await book(ctx, 'alice', booking()).expect(201);
    ctx.clock.now = new Date('2026-03-06T02:00:00Z'); // Friday 10:00, the 09:00 slot is over
    await book(ctx, 'alice', booking(LATER)).expect(201);
  });

  it('keeps one citizen’s double tap to one booking', async () => {
    const ctx = makeContext();
    const results = await Promise.all([book(ctx, 'alice', booking()), book(ctx, 'alice', booking(LATER))]);
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409]);
  });
});

describe('the citizen’s appointments', () => {
  async function booked(ctx: TestContext, openid = 'alice', start = SLOT) {
    return (await book(ctx, openid, booking(start)).expect(201)).body.appointment as { id: string; number: string };
  }

  it('lists only the caller’s own appointments', async () => {
    const ctx = makeContext();
    const mine = await booked(ctx, 'alice');
    await booked(ctx, 'bob');
    const res = await request(ctx.app).get('/api/appointments').set('Cookie', ctx.cookie('alice')).expect(200);
    assert.deepEqual(res.body.appointments.map((a: { id: string }) => a.id), [mine.id]);
    assert.equal(res.body.appointments[0].canChange, true);
  });

  it('answers 404 to anyone but the owner', async () => {
    const ctx = makeContext();
    const a = await booked(ctx);
    await request(ctx.app).delete(`/api/appointments/${a.id}`).set('Cookie', ctx.cookie('mallory')).expect(404);
    await request(ctx.app).post(`/api/appointments/${a.id}/reschedule`).set('Cookie', ctx.cookie('mallory')).send({ start: LATER }).expect(404);
  });

  it('cancels before the deadline and frees the seat', async () => {
    const ctx = makeContext();
    const a = await booked(ctx);
    ctx.clock.now = new Date('2026-03-05T00:59:00Z'); // 24 h 1 min before
    const res = await request(ctx.app).delete(`/api/appointments/${a.id}`).set('Cookie', ctx.cookie('alice')).expect(200);
    assert.equal(res.body.appointment.status, 'cancelled');
    const slots = await request(ctx.app).get(`/api/services/${SERVICE}/slots?hall=tianhe&date=2026-03-06`).expect(200);
    assert.equal(slots.body.slots[0].booked, 0);
    await request(ctx.app).delete(`/api/appointments/${a.id}`).set('Cookie', ctx.cookie('alice')).expect(409);
  });

  it('refuses to cancel after the deadline and names it in Chinese', async () => {
    const ctx = makeContext();
    const a = await booked(ctx);
    ctx.clock.now = new Date('2026-03-05T01:01:00Z'); // 23 h 59 min before
    const res = await request(ctx.app).delete(`/api/appointments/${a.id}`).set('Cookie', ctx.cookie('alice')).expect(409);
    assert.equal(res.body.message, '已超过取消期限：需在 3月5日 09:00 前取消（预约开始前 24 小时），如有特殊情况请致电大厅');
  });

  it('reschedules to a free slot, moving the seat in one step', async () => {
    const ctx = makeContext();
    const a = await booked(ctx);
    const res = await request(ctx.app).post(`/api/appointments/${a.id}/reschedule`).set('Cookie', ctx.cookie('alice')).send({ start: LATER, hall: 'haizhu' });
    assert.equal(res.status, 400, 'haizhu closes at 12:00, so 14:00 is not a slot there');
    const moved = await request(ctx.app).post(`/api/appointments/${a.id}/reschedule`).set('Cookie', ctx.cookie('alice')).send({ start: LATER }).expect(200);
    assert.deepEqual([moved.body.appointment.start, moved.body.appointment.number], [LATER, a.number]);
    const slots = await request(ctx.app).get(`/api/services/${SERVICE}/slots?hall=tianhe&date=2026-03-06`).expect(200);
    const seat = (start: string) => slots.body.slots.find((s: { start: string }) => s.start === start).booked;
    assert.deepEqual([seat(SLOT), seat(LATER)], [0, 1]);
  });

  it('refuses to reschedule into a full slot and keeps the original', async () => {
    const ctx = makeContext();
    const a = await booked(ctx);
    for (let i = 0; i < 5; i++) await booked(ctx, `other-${i}`, LATER);
    const res = await request(ctx.app).post(`/api/appointments/${a.id}/reschedule`).set('Cookie', ctx.cookie('alice')).send({ start: LATER }).expect(409);
    assert.equal(res.body.message, '该时段已约满，请选择其他时段');
    const list = await request(ctx.app).get('/api/appointments').set('Cookie', ctx.cookie('alice')).expect(200);
    assert.equal(list.body.appointments[0].start, SLOT);
  });

  it('refuses to reschedule after the deadline', async () => {
    const ctx = makeContext();
    const a = await booked(ctx);
    ctx.clock.now = new Date('2026-03-05T12:00:00Z');
    const res = await request(ctx.app).post(`/api/appointments/${a.id}/reschedule`).set('Cookie', ctx.cookie('alice')).send({ start: LATER }).expect(409);
    assert.match(res.body.message, /^已超过改约期限/);
  });
});

describe('appointment pages', () => {
  it('sends a visitor without a session to sign in and back', async () => {
    const ctx = makeContext();
    const res = await request(ctx.app).get(`/s/${SERVICE}/book`).expect(302);
    assert.equal(res.headers.location, `/auth/local?next=${encodeURIComponent(`/s/${SERVICE}/book`)}`);
  });

  it('renders the booking page with the declared pre-check fields and documents', async () => {
    const ctx = makeContext();
    const res = await request(ctx.app).get(`/s/${SERVICE}/book`).set('Cookie', ctx.cookie('alice')).expect(200);
    for (const text of ['id="f-name"', 'id="f-idcard"', '<option value="lost">遗失</option>', '身份证原件', 'data-error-for="idcard"']) assert.ok(res.text.includes(text), text);
    const data = JSON.parse(/<script type="application\/json" id="page-data">([^<]*)<\/script>/.exec(res.text)![1]!);
    assert.equal(data.halls.length, 3);
    assert.deepEqual(data.halls[0].days.find((d: { date: string }) => d.date === '2026-03-04').closed, '法定节假日，大厅不办公');
  });

  it('opens a reschedule on the appointment’s own hall and date and says what it is', async () => {
    const ctx = makeContext();
    const a = (await book(ctx, 'alice', booking(SLOT, 'haizhu')).expect(201)).body.appointment as { id: string };
    const res = await request(ctx.app).get(`/s/${SERVICE}/book?reschedule=${a.id}`).set('Cookie', ctx.cookie('alice')).expect(200);
    assert.match(res.text, /当前预约：海珠社保服务厅 3月6日（周五）09:00-09:30/);
    const data = JSON.parse(/<script type="application\/json" id="page-data">([^<]*)<\/script>/.exec(res.text)![1]!);
    assert.deepEqual([data.rescheduleId, data.current], [a.id, { hall: 'shebao/haizhu', date: '2026-03-06', start: SLOT }]);
    assert.ok(data.halls.some((h: { ref: string }) => h.ref === data.current.hall));
    // Someone else's id shows no current appointment.
    const other = await request(ctx.app).get(`/s/${SERVICE}/book?reschedule=${a.id}`).set('Cookie', ctx.cookie('mallory')).expect(200);
    assert.doesNotMatch(other.text, /当前预约/);
  });

  it('says on load that the citizen already holds an appointment, with a link to change it, to its owner only', async () => {
    const ctx = makeContext();
    const a = (await book(ctx, 'alice', booking()).expect(201)).body.appointment as { id: string };
    const res = await request(ctx.app).get(`/s/${SERVICE}/book`).set('Cookie', ctx.cookie('alice')).expect(200);
    assert.match(res.text, /您已有该事项的预约（3月6日（周五）09:00-09:30，天河社保服务厅，预约号 YY-20260302-0001）/);
    // Handlebars escapes "=" in attributes as &#x3D;, which the browser reads back as "=".
    const href = /<a class="btn" href="([^"]*)">改约<\/a>/.exec(res.text)?.[1]?.replaceAll('&#x3D;', '=');
    assert.equal(href, `/s/${SERVICE}/book?reschedule=${a.id}`);
    assert.ok(res.text.includes('href="/me/appointments">查看我的预约</a>'));
    // Another citizen, and the reschedule page itself, show no such notice.
    const other = await request(ctx.app).get(`/s/${SERVICE}/book`).set('Cookie', ctx.cookie('mallory')).expect(200);
    assert.doesNotMatch(other.text, /您已有该事项的预约|>改约</);
    const rescheduling = await request(ctx.app).get(`/s/${SERVICE}/book?reschedule=${a.id}`).set('Cookie', ctx.cookie('alice')).expect(200);
    assert.doesNotMatch(rescheduling.text, /您已有该事项的预约/);
    // Once cancelled it no longer blocks, so the notice goes.
    await request(ctx.app).delete(`/api/appointments/${a.id}`).set('Cookie', ctx.cookie('alice')).expect(200);
    const after = await request(ctx.app).get(`/s/${SERVICE}/book`).set('Cookie', ctx.cookie('alice')).expect(200);
    assert.doesNotMatch(after.text, /您已有该事项的预约/);
  });

  it('lists the citizen’s appointments with escaped text', async () => {
    const ctx = makeContext();
    await book(ctx, 'alice', booking()).expect(201);
    const res = await request(ctx.app).get('/me/appointments').set('Cookie', ctx.cookie('alice')).expect(200);
    assert.match(res.text, /YY-20260302-0001/);
    assert.match(res.text, /3月6日（周五）09:00-09:30/);
    assert.match(res.text, /取消预约/);
  });
});
