import assert from 'node:assert/strict';
import request from 'supertest';
import { slotTimes } from '../../../server/loop/appointment/slots.js';
import { APPOINTMENT_SERVICE, HALLS, makeBuild, makeContext, NOW, SERVICE } from './fixture-build.js';

const step = APPOINTMENT_SERVICE.steps.appointment!;
const [tianhe, haizhu] = HALLS as [(typeof HALLS)[0], (typeof HALLS)[0]];
const times = (hall: typeof tianhe, date: string, now = NOW) => slotTimes(makeBuild(), hall, step, date, now);
const cityHHMM = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(11, 16);

describe('slotTimes', () => {
  it('cuts each opening range of the weekday into slots that fit entirely', () => {
    const { times: t, reason } = times(tianhe, '2026-03-03');
    assert.equal(reason, undefined);
    assert.equal(t.length, 6 + 7); // 09:00-12:00 and 13:30-17:00 in 30-minute slots
    assert.deepEqual([cityHHMM(t[0]!.start), cityHHMM(t[5]!.end), cityHHMM(t[6]!.start), cityHHMM(t[12]!.end)], ['09:00', '12:00', '13:30', '17:00']);
    assert.equal(t[0]!.start, '2026-03-03T01:00:00.000Z');
  });

  it('drops today’s slots that start sooner than the minimum notice', () => {
    const { times: t } = times(tianhe, '2026-03-02'); // now 10:00, notice 2 h
    assert.equal(cityHHMM(t[0]!.start), '13:30');
  });

  it('explains an empty day once the notice swallows all of it', () => {
    const late = new Date('2026-03-02T08:00:00Z'); // 16:00
    assert.deepEqual(times(tianhe, '2026-03-02', late), { times: [], reason: '需至少提前 2 小时预约，当天已无可约时段' });
  });

  const closed: Array<[string, typeof tianhe, string, string]> = [
    ['a past date', tianhe, '2026-03-01', '该日期已过，请选择今天以后的日期'],
    ['a date past the horizon', tianhe, '2026-03-10', '只能预约 7 天内的时段'],
    ['the hall’s closed date', tianhe, '2026-03-05', '该大厅当天不对外办公'],
    ['a city holiday', tianhe, '2026-03-04', '法定节假日，大厅不办公'],
    ['a weekday without hours', tianhe, '2026-03-08', '该大厅当天不办公'],
    ['a make-up Saturday at a hall closed on Saturdays', tianhe, '2026-03-07', '该大厅当天不办公'],
  ];
  for (const [what, hall, date, reason] of closed) {
    it(`offers nothing on ${what}`, () => assert.deepEqual(times(hall, date), { times: [], reason }));
  }

  it('keeps the last day of the horizon bookable', () => {
    assert.equal(times(tianhe, '2026-03-09').times.length, 13);
  });

  it('gives a make-up Saturday the hall’s Saturday hours', () => {
    assert.equal(times(haizhu, '2026-03-07').times.length, 6);
  });
});

describe('GET /api/services/:dept/:service/slots', () => {
  it('lists slots with capacity, booked and available seats', async () => {
    const { app } = makeContext();
    const res = await request(app).get(`/api/services/${SERVICE}/slots?hall=tianhe&date=2026-03-03`).expect(200);
    assert.equal(res.body.slots.length, 13);
    assert.deepEqual(res.body.slots[0], { start: '2026-03-03T01:00:00.000Z', end: '2026-03-03T01:30:00.000Z', capacity: 5, booked: 0, available: 5 });
  });

  it('answers an empty list with the reason for a closed day', async () => {
    const { app } = makeContext();
    const res = await request(app).get(`/api/services/${SERVICE}/slots?hall=shebao/tianhe&date=2026-03-04`).expect(200);
    assert.deepEqual([res.body.slots, res.body.reason], [[], '法定节假日，大厅不办公']);
  });

  it('answers 400 for a malformed date and a missing hall', async () => {
    const { app } = makeContext();
    const bad = await request(app).get(`/api/services/${SERVICE}/slots?hall=tianhe&date=2026-3-3`).expect(400);
    assert.match(bad.body.message, /日期格式不正确/);
    const impossible = await request(app).get(`/api/services/${SERVICE}/slots?hall=tianhe&date=2026-02-30`).expect(400);
    assert.match(impossible.body.message, /日期格式不正确/);
    const noHall = await request(app).get(`/api/services/${SERVICE}/slots?date=2026-03-03`).expect(400);
    assert.equal(noHall.body.message, '请选择办理大厅');
  });

  it('answers 404 for a hall that does not serve the service', async () => {
    const { app } = makeContext();
    await request(app).get(`/api/services/${SERVICE}/slots?hall=jiaojing/tianhe&date=2026-03-03`).expect(404);
  });

  it('answers 409 for a service without online appointments', async () => {
    const { app } = makeContext();
    const res = await request(app).get('/api/services/shebao/chaxun/slots?hall=tianhe&date=2026-03-03').expect(409);
    assert.match(res.body.message, /暂不支持网上预约/);
  });
});
