// The appointment reminder, moved from the loop's timer onto the notices scheduler: once per
// appointment (and start), from the morning of the day before, caught up on the day itself.
import assert from 'node:assert/strict';
import request from 'supertest';
import { createRateLimiter, deliverDueNotices, type NoticesDeps, planReminders } from '../../server/notices/index.js';
import { FakeNoticeClient } from '../fakes/fake-notice-client.js';
import { makeContext, SERVICE, type TestContext, VALID_FIELDS } from '../loop/appointment/fixture-build.js';

const SLOT = '2026-03-06T01:00:00.000Z'; // Friday 09:00 city time
const book = (ctx: TestContext, openid: string, start = SLOT) =>
  request(ctx.app).post(`/api/services/${SERVICE}/appointments`).set('Cookie', ctx.cookie(openid)).send({ hall: 'tianhe', start, fields: VALID_FIELDS }).expect(201);

describe('appointment reminders on the scheduler', () => {
  let ctx: TestContext;
  let wechat: FakeNoticeClient;
  let notices: NoticesDeps;
  const at = (iso: string) => (ctx.clock.now = new Date(iso));
  const run = async () => {
    await planReminders(notices);
    while ((await deliverDueNotices(notices, createRateLimiter(1000))).claimed > 0);
    return wechat.templateMessages.map((m) => [m.touser, m.data.keyword2?.value]);
  };

  beforeEach(() => {
    wechat = new FakeNoticeClient();
    ctx = makeContext({ wechat, templateId: 'TPL_APPT' });
    notices = { store: ctx.deps.store, live: ctx.deps.live, wechat, publicBaseUrl: 'https://gov.example.cn', now: () => ctx.clock.now, config: { ratePerSecond: 1000 } };
  });

  it('reminds each appointment once, from the morning of the day before, without first or remark', async () => {
    await book(ctx, 'alice');
    await book(ctx, 'bob', '2026-03-09T01:00:00.000Z'); // next Monday: not due yet
    at('2026-03-04T12:00:00Z');
    assert.deepEqual(await run(), [], 'two days before');
    at('2026-03-04T23:00:00Z'); // Thursday 07:00 city time: quiet hours
    assert.deepEqual(await run(), []);
    at('2026-03-05T00:00:00Z'); // Thursday 08:00
    assert.deepEqual(await run(), [['alice', '3月6日（周五）09:00-09:30']]);
    at('2026-03-05T09:00:00Z');
    assert.equal((await run()).length, 1, 'already reminded');
    assert.deepEqual(Object.keys(wechat.templateMessages[0]!.data), ['keyword1', 'keyword2', 'keyword3']);
    assert.equal(wechat.templateMessages[0]!.url, 'https://gov.example.cn/me/appointments');
  });

  it('catches up on the slot’s own day after downtime', async () => {
    await book(ctx, 'alice');
    at('2026-03-06T00:30:00Z'); // Friday 08:30, half an hour before the slot
    assert.deepEqual((await run()).map((r) => r[0]), ['alice']);
  });

  it('skips cancelled appointments', async () => {
    const { body } = await book(ctx, 'alice');
    await request(ctx.app).delete(`/api/appointments/${body.appointment.id}`).set('Cookie', ctx.cookie('alice')).expect(200);
    at('2026-03-05T01:00:00Z');
    assert.deepEqual(await run(), []);
  });

  it('sends one reminder when two planning passes overlap', async () => {
    await book(ctx, 'alice');
    at('2026-03-05T01:00:00Z');
    await Promise.all([planReminders(notices), planReminders(notices)]);
    assert.equal((await run()).length, 1);
  });

  it('reminds again of the new time after a reschedule', async () => {
    const { body } = await book(ctx, 'alice');
    at('2026-03-05T00:10:00Z');
    assert.equal((await run()).length, 1);
    at('2026-03-05T00:30:00Z');
    await request(ctx.app).post(`/api/appointments/${body.appointment.id}/reschedule`).set('Cookie', ctx.cookie('alice')).send({ start: '2026-03-09T01:00:00.000Z' }).expect(200);
    at('2026-03-08T01:00:00Z');
    assert.deepEqual((await run()).map((r) => r[1]), ['3月6日（周五）09:00-09:30', '3月9日（周一）09:00-09:30']);
  });
});
