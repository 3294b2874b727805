import assert from 'node:assert/strict';
import type { WorkTicket } from '../../server/desk/desk-tickets.js';
import { formatDuration, ticketTiming } from '../../server/desk/ticket-timing.js';

const NINE_TO_FIVE = [{ open: '09:00', close: '17:00' }];
const ACCOUNT = {
  desk: { hours: { mon: NINE_TO_FIVE, tue: NINE_TO_FIVE, wed: [{ open: '09:00', close: '12:00' }, { open: '13:00', close: '17:00' }], thu: NINE_TO_FIVE, fri: NINE_TO_FIVE } },
  calendar: { holidays: ['2025-10-01', '2025-10-02', '2025-10-03'], workdays: [] },
};

const ticket = (createdAt: string, fields: Partial<WorkTicket> = {}): WorkTicket => ({ id: 't', openid: 'o', text: '?', msgType: 'text', createdAt, status: 'open', ...fields });

describe('ticketTiming', () => {
  // [case, arrival (UTC), promise, due (UTC)]; the city is UTC+8.
  const CASES: Array<[string, string, string, string | null]> = [
    ['desk open: before today’s closing', '2026-11-02T02:00:00Z', '11月2日 17:00 前', '2026-11-02T09:00:00.000Z'],
    ['desk open in the morning range: before that range closes', '2026-11-04T02:00:00Z', '11月4日 12:00 前', '2026-11-04T04:00:00.000Z'],
    ['before opening: from 09:00 the same day', '2026-11-02T00:00:00Z', '11月2日 09:00 起，当天答复', '2026-11-02T09:00:00.000Z'],
    ['Saturday: from Monday’s opening', '2026-11-07T02:00:00Z', '11月9日（周一）09:00 起，当天答复', '2026-11-09T09:00:00.000Z'],
    ['a holiday: after the holidays', '2025-10-01T02:00:00Z', '10月6日（周一）09:00 起，当天答复', '2025-10-06T09:00:00.000Z'],
  ];
  for (const [what, arrived, promise, due] of CASES) {
    it(`promises ${what}`, () => {
      const timing = ticketTiming(ACCOUNT, ticket(arrived), new Date(arrived));
      assert.equal(timing.promise, promise);
      assert.equal(timing.dueAt, due);
      assert.equal(timing.overdue, false);
    });
  }

  it('promises nothing definite when the desk has no hours', () => {
    const timing = ticketTiming({ ...ACCOUNT, desk: { hours: {} } }, ticket('2026-11-02T02:00:00Z'), new Date('2026-11-05T02:00:00Z'));
    assert.deepEqual([timing.promise, timing.dueAt, timing.overdue], ['尽快（未设置人工客服时间）', null, false]);
  });

  it('flags an open ticket past its promise and counts the wait until now', () => {
    const timing = ticketTiming(ACCOUNT, ticket('2026-11-02T02:00:00Z'), new Date('2026-11-02T10:30:00Z'));
    assert.deepEqual([timing.overdue, timing.late, timing.waited], [true, false, '8 小时 30 分']);
  });

  it('stops the wait at the first answer and marks a late answer', () => {
    const answered = ticket('2026-11-02T02:00:00Z', { status: 'answered', answeredAt: '2026-11-03T01:00:00Z' });
    const timing = ticketTiming(ACCOUNT, answered, new Date('2026-11-10T00:00:00Z'));
    assert.deepEqual([timing.overdue, timing.late, timing.waited], [false, true, '23 小时 0 分']);
  });
});

describe('formatDuration', () => {
  const CASES: Array<[number, string]> = [
    [-5000, '0 分钟'],
    [59_000, '0 分钟'],
    [5 * 60_000, '5 分钟'],
    [65 * 60_000, '1 小时 5 分'],
    [(2 * 24 + 3) * 3600_000 + 59_000, '2 天 3 小时'],
  ];
  for (const [ms, text] of CASES) it(`writes ${ms} ms as ${text}`, () => assert.equal(formatDuration(ms), text));
});
