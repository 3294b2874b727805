import assert from 'node:assert/strict';
import { deskAnswerTime } from '../../server/gateway/desk-handoff.js';
import { makeBuild } from './build-fixture.js';

// Desk hours Mon-Fri 09:00-12:00 and 13:30-17:30; 2026-10-01 (Thu) is a holiday. Times are Shanghai (UTC+8).
describe('deskAnswerTime', () => {
  const account = makeBuild().account;
  const cases: Array<[string, string, object]> = [
    ['2026-11-25T10:00:00+08:00', 'open now: before the current period ends', { openUntil: '12:00' }],
    ['2026-11-25T12:30:00+08:00', 'lunch break: the afternoon opening today', { today: true, time: '13:30' }],
    ['2026-11-25T07:45:00+08:00', 'before opening: today at 09:00', { today: true, time: '09:00' }],
    ['2026-11-27T18:00:00+08:00', 'Friday evening: Monday morning', { date: '11月30日（周一）', time: '09:00' }],
    ['2026-11-28T11:00:00+08:00', 'Saturday: Monday morning', { date: '11月30日（周一）', time: '09:00' }],
    ['2026-09-30T18:00:00+08:00', 'the eve of a holiday: skips the holiday', { date: '10月2日（周五）', time: '09:00' }],
  ];
  for (const [at, why, expected] of cases) {
    it(`answers ${why}`, () => {
      assert.deepEqual(deskAnswerTime(account, new Date(at)), expected);
    });
  }

  it('says nothing precise when the desk has no hours', () => {
    assert.deepEqual(deskAnswerTime({ ...account, desk: { hours: {} } }, new Date('2026-11-25T10:00:00+08:00')), {});
  });
});
