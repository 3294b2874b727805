// 预约 on the staff workbench: a hall's day list with each citizen's pre-check answers (ID masked),
// and 签到 / 未到 recorded once on the day, only within the user's departments; 闭厅 for a day or
// part of one. The console runs on a fixed clock at noon city time, so "today" never straddles
// the city's midnight (16:00 UTC) whenever the suite runs.
import assert from 'node:assert/strict';
import { cityDate, cityInstant } from '../../server/calendar/index.js';
import { addDays } from '../../server/calendar/working-days.js';
import { appointmentsOf, type Appointment } from '../../server/loop/index.js';
import { addTestUsers, createHarness, login, type Harness, type Session } from './harness.js';

const SERVICE = 'jiaojing/jiashizheng-huanzheng';
const HALL = 'jiaojing/chezhusuo';

/** Noon in the city on a weekday the test hall is open (Wednesday 2026-03-04 would do as well). */
const NOW = cityInstant('2026-03-03', '12:00');
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

function appointment(id: string, start: Date, fields: Partial<Appointment> = {}): Appointment {
  const at = NOW.toISOString();
  return {
    id, number: `JJ-${id}`, openid: `o-${id}`, service: SERVICE, serviceName: '驾驶证期满换证', department: 'jiaojing', hall: HALL, hallName: '车管所',
    hallAddress: '某路 1 号', date: cityDate(start), start: start.toISOString(), end: new Date(start.getTime() + 30 * 60_000).toISOString(),
    slotKey: `${SERVICE}|${HALL}|${start.toISOString()}`, fields: { idNumber: '11010519491231002X' }, documents: ['身份证', '驾驶证'],
    cancelNoticeHours: 4, status: 'booked', createdAt: at, updatedAt: at, history: [], ...fields,
  };
}

describe('console workbench 预约', () => {
  let h: Harness;
  let jj: Session;
  let sb: Session;
  const today = () => cityDate(NOW);
  const post = (s: Session, url: string, body: Record<string, string> = {}) => s.agent.post(url).type('form').send({ ...body, _csrf: s.csrf });

  before(async () => {
    h = await createHarness({ now: () => NOW });
    await addTestUsers(h.store);
    jj = await login(h.app, 'jj-staff');
    sb = await login(h.app, 'sb-admin');
    const store = appointmentsOf(h.store);
    await store.insert(appointment('begun', minutes(-10)));
    await store.insert(appointment('later', minutes(20)));
    await store.insert(appointment('gone', minutes(40), { status: 'cancelled' }));
    await store.insert(appointment('tomorrow', minutes(26 * 60)));
  });

  it('lists the day’s appointments of the department’s halls with the pre-check answers and a masked ID', async () => {
    const res = await jj.agent.get(`/console/work/appointments?date=${today()}&hall=${encodeURIComponent(HALL)}`).expect(200);
    assert.match(res.text, /JJ-begun/);
    assert.match(res.text, /JJ-later/);
    assert.doesNotMatch(res.text, /JJ-gone|JJ-tomorrow/);
    assert.ok(res.text.indexOf('JJ-begun') < res.text.indexOf('JJ-later'), 'by start time');
    assert.match(res.text, /身份证号：<\/span>110105\*{8}002X/);
    assert.doesNotMatch(res.text, /11010519491231002X/);
    assert.match(res.text, /携带：身份证、驾驶证/);
    const next = await jj.agent.get(`/console/work/appointments?date=${addDays(today(), 1)}`).expect(200);
    assert.match(next.text, /JJ-tomorrow/);
  });

  it('hides another department’s appointments and refuses to mark them', async () => {
    const res = await sb.agent.get(`/console/work/appointments?date=${today()}`).expect(200);
    assert.doesNotMatch(res.text, /JJ-begun/);
    await post(sb, '/console/work/appointments/begun/checked-in', { date: today() }).expect(404);
  });

  it('records 签到 once, with who and when, and 未到 only after the slot began', async () => {
    const done = await post(jj, '/console/work/appointments/begun/checked-in', { date: today(), hall: HALL }).expect(303);
    assert.match(String(done.headers.location), /\/console\/work\/appointments\?date=\d{4}-\d{2}-\d{2}&hall=jiaojing%2Fchezhusuo&msg=checked-in/);
    const stored = await appointmentsOf(h.store).get('begun');
    assert.equal(stored?.attendance?.kind, 'checked-in');
    assert.equal(stored?.attendance?.by, 'jj-staff');
    const again = await post(jj, '/console/work/appointments/begun/no-show', { date: today() }).expect(409);
    assert.match(again.text, /已登记为“已签到”/);
    const early = await post(jj, '/console/work/appointments/later/no-show', { date: today() }).expect(409);
    assert.match(early.text, /尚未开始/);
    await post(jj, '/console/work/appointments/tomorrow/checked-in', { date: today() }).expect(409);
    const page = await jj.agent.get(`/console/work/appointments?date=${today()}`).expect(200);
    assert.match(page.text, /id="appt-JJ-begun"[^]*?已签到/);
  });

  it('closes a hall of the department for part of the day: lists it, marks and notifies the booked citizen, audits it', async () => {
    const res = await post(jj, '/console/work/appointments/closures', { date: today(), hall: HALL, closeHall: HALL, from: '12:00', to: '13:00', reason: '系统升级' }).expect(303);
    assert.match(String(res.headers.location), /msg=hall-closed/);
    const later = await appointmentsOf(h.store).get('later');
    assert.equal(later?.closedBy?.reason, '系统升级');
    assert.equal((await appointmentsOf(h.store).get('begun'))?.closedBy, undefined, 'a citizen already checked in is served');
    const notices = await h.store.log<{ kind: string; openid: string; url: string }>('notifications').read();
    assert.deepEqual(notices.filter((n) => n.kind === 'appointment-closed').map((n) => [n.openid, n.url]), [['o-later', `http://localhost:3000/s/${SERVICE}/book?reschedule=later`]]);
    const [logged] = (await h.store.log<{ action: string; actor: string; detail?: string }>('audit').read()).filter((r) => r.action === 'hall.closed');
    assert.equal(logged?.actor, 'jj-staff');
    assert.match(logged?.detail ?? '', /12:00—13:00；原因：系统升级；已通知改约 1 人（JJ-later）/);
    const page = await jj.agent.get(`/console/work/appointments?date=${today()}&msg=hall-closed`).expect(200);
    assert.match(page.text, /车管所业务大厅 · 12:00—13:00 · 系统升级/);
    assert.match(page.text, /已通知改约 1 人/);
    assert.match(page.text, /id="appt-JJ-later"[^]*?闭厅，已通知改约/);
    assert.doesNotMatch(page.text, /appointments\/later\/checked-in/);
  });

  it('refuses to close another department’s hall, and shows a bad span on the page', async () => {
    await post(sb, '/console/work/appointments/closures', { date: today(), closeHall: HALL, reason: '停电' }).expect(404);
    const bad = await post(jj, '/console/work/appointments/closures', { date: today(), closeHall: HALL, from: '14:00', to: '13:00', reason: '停电' }).expect(400);
    assert.match(bad.text, /闭厅结束时间应晚于开始时间/);
    assert.match(bad.text, /value="停电"/, 'the form keeps what was typed');
  });

  it('reopens a closure (撤销闭厅): the slots take bookings again, the citizen keeps the slot and is told 照常办理, audited; another department may not', async () => {
    const [closure] = await h.store.collection<{ id: string; hall: string }>('hallClosures').list((c) => c.hall === HALL);
    assert.ok(closure, 'the previous test closed the hall');
    const page = await jj.agent.get(`/console/work/appointments?date=${today()}`).expect(200);
    assert.match(page.text, new RegExp(`/console/work/appointments/closures/${closure.id}/reopen`));
    await post(sb, `/console/work/appointments/closures/${closure.id}/reopen`, { date: today() }).expect(404);
    assert.ok(await h.store.collection('hallClosures').get(closure.id), 'a refused reopen changes nothing');
    const res = await post(jj, `/console/work/appointments/closures/${closure.id}/reopen`, { date: today() }).expect(303);
    assert.match(String(res.headers.location), /msg=hall-reopened/);
    assert.equal(await h.store.collection('hallClosures').get(closure.id), undefined);
    const later = await appointmentsOf(h.store).get('later');
    assert.deepEqual([later?.status, later?.closedBy, later?.history.at(-1)?.action], ['booked', undefined, 'hall-reopened']);
    const notices = await h.store.log<{ kind: string; openid: string; data: { keyword4: { value: string } } }>('notifications').read();
    assert.deepEqual(notices.filter((n) => n.kind === 'appointment-reopened').map((n) => [n.openid, n.data.keyword4.value]), [['o-later', '照常办理 JJ-later']]);
    const [logged] = (await h.store.log<{ action: string; actor: string; detail?: string }>('audit').read()).filter((r) => r.action === 'hall.reopened');
    assert.equal(logged?.actor, 'jj-staff');
    assert.match(logged?.detail ?? '', /12:00—13:00；原闭厅原因：系统升级；恢复原预约 1 人（JJ-later）/);
    await post(jj, `/console/work/appointments/closures/${closure.id}/reopen`, { date: today() }).expect(404);
  });
});
