// Reminders that follow a date: pushed by the department's system or held in a binding's data.
// Each (reminder, citizen, subject, date, days before) is sent once, the latest due after
// downtime, never in quiet hours.
import assert from 'node:assert/strict';
import request from 'supertest';
import { planReminders } from '../../server/notices/index.js';
import { noticeHarness, type NoticeHarness } from './notice-harness.js';

describe('reminders', () => {
  let h: NoticeHarness;
  let token: string;
  const pushDate = (body: Record<string, unknown>) => request(h.app).post('/api/staff/reminder-dates').set('Authorization', `Bearer ${token}`).send(body);
  const licence = (date: string, subject = '420102199003071232') => ({ reminder: 'huanzheng', to: { applicationNo: 'JJ-1' }, subject, date, data: { licence: subject } });
  const at = (local: string) => (h.clock.now = new Date(`${local}:00+08:00`));
  const sent = () => h.wechat.subscriptionMessages.map((m) => `${m.data.character_string2?.value} ${m.data.date3?.value}`);
  const run = async () => (await planReminders(h.deps), await h.deliver());

  beforeEach(async () => {
    h = await noticeHarness({ now: '2026-12-02T10:00:00+08:00' });
    token = await h.staff('jiaojing');
    // The sample city's 换证 reminder follows the licence binding; here it follows dates 交警's system pushes.
    const build = h.deps.live.current();
    h.deps.live.swap({
      ...build,
      reminders: build.reminders!.map((r) => (r.id === 'huanzheng' ? { ...r, follows: { pushed: true as const }, daysBefore: [30, 7], data: { licence: '{licence}', due: '{date}' }, placeholders: ['date', 'licence'] } : r)),
    });
    await h.store.collection('applications', { indexes: ['openid', 'department'] }).insert({ id: 'JJ-1', no: 'JJ-1', openid: 'oDriver', department: 'jiaojing' } as never);
  });

  it('sends 30 and 7 days before, each once however often planning runs', async () => {
    await pushDate(licence('2027-01-31')).expect(200);
    at('2026-12-31T10:00');
    await run();
    assert.deepEqual(sent(), []);
    at('2027-01-01T10:00'); // 30 days before
    await run();
    await run();
    at('2027-01-02T10:00');
    await run();
    assert.deepEqual(sent(), ['420102199003071232 2027-01-31']);
    at('2027-01-24T09:00'); // 7 days before
    await run();
    await run();
    assert.equal(sent().length, 2);
    const page = await request(h.app).get('/me/messages').set('Cookie', h.cookie('oDriver')).expect(200);
    assert.equal((page.text.match(/驾驶证换证提醒/g) ?? []).length, 2);
  });

  it('after downtime sends only the latest reminder due, not every one missed', async () => {
    await pushDate(licence('2027-01-31')).expect(200);
    at('2027-01-27T10:00'); // down from before the 30-day mark until after the 7-day mark
    await run();
    assert.deepEqual(sent(), ['420102199003071232 2027-01-31']);
    const [notice] = await h.store.collection<{ id: string; reminder?: { daysBefore: number } }>('notices').list();
    assert.equal(notice!.reminder!.daysBefore, 7);
  });

  it('waits for the morning when planning runs in quiet hours', async () => {
    await pushDate(licence('2027-01-31')).expect(200);
    at('2027-01-01T00:05'); // the 30-day day has begun, but it is night
    await run();
    assert.deepEqual(sent(), []);
    at('2027-01-01T07:59');
    await h.deliver();
    assert.deepEqual(sent(), []);
    at('2027-01-01T08:00');
    await h.deliver();
    assert.equal(sent().length, 1);
  });

  it('reminds of a new date once the department pushes one', async () => {
    await pushDate(licence('2027-01-31')).expect(200);
    at('2027-01-01T10:00');
    await run();
    await pushDate(licence('2033-01-31')).expect(200); // renewed: the next expiry in six years
    at('2027-01-24T10:00');
    await run();
    assert.deepEqual(sent(), ['420102199003071232 2027-01-31']);
  });

  it('refuses a date for another department’s citizen, an unknown reminder and a bad date', async () => {
    await pushDate({ ...licence('2027-01-31'), to: { openid: 'oStranger' } }).expect(404);
    await pushDate({ ...licence('2027-01-31'), reminder: 'shebao' }).expect(404);
    const bad = await pushDate(licence('2027-13-45')).expect(400);
    assert.equal(bad.body.code, 'VALIDATION');
    const missing = await pushDate({ ...licence('2027-01-31'), data: {} }).expect(400);
    assert.match(missing.body.message, /licence/);
  });

  it('follows a binding’s data when the reminder follows a binding', async () => {
    const bindingPages = async function* (q: { department: string; kind: string }) {
      if (q.kind !== 'vehicle') return;
      yield [
        { openid: 'oDriver', key: '02:鄂A12345', fields: { plateType: '02', plateNumber: '鄂A12345' }, data: { inspectionDue: '2027-01-08' } },
        { openid: 'oOther', key: '02:鄂A0B789', fields: { plateType: '02', plateNumber: '鄂A0B789' }, data: { inspectionDue: '2027-06-30' } },
      ];
    };
    at('2027-01-01T10:00');
    const result = await planReminders(h.deps, { bindingPages });
    await h.deliver();
    assert.deepEqual([result.considered, result.due, result.planned], [2, 1, 1]);
    assert.deepEqual(sent(), ['鄂A12345 2027-01-08']);
    assert.equal(h.wechat.subscriptionMessages[0]!.touser, 'oDriver');
  });

  it('asks the bindings room only for the bindings whose date is inside each reminder’s window', async () => {
    const asked: string[] = [];
    h.deps.bindingPages = () => {
      throw new Error('every binding was read');
    };
    h.deps.dueBindings = async function* (q) {
      asked.push(`${q.department}/${q.kind}/${q.field} ${q.from}..${q.to}`);
      if (q.kind === 'vehicle') yield [{ openid: 'oDriver', key: '02:鄂A12345', fields: { plateType: '02', plateNumber: '鄂A12345' }, data: { inspectionDue: '2027-01-08' } }];
    };
    at('2027-01-01T10:00');
    const result = await planReminders(h.deps);
    await h.deliver();
    assert.deepEqual(asked, ['jiaojing/vehicle/inspectionDue 2027-01-01..2027-01-31']); // 30 days ahead (换证 follows pushed dates here)
    assert.deepEqual([result.due, result.planned], [1, 1]);
    assert.deepEqual(sent(), ['鄂A12345 2027-01-08']);
  });
});
