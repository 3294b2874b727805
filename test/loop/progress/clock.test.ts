import assert from 'node:assert/strict';
import { advanceClock, clockView, newClock } from '../../../server/loop/progress/clock.js';
import type { Calendar } from '../../../server/model/generated.js';

// October 2026: 1-7 National Day (1, 2, 5, 6, 7 are weekday holidays), Saturday 10 a make-up workday.
const calendar: Calendar = { holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'], workdays: ['2026-10-10'] };

describe('application clock', () => {
  it('has no due date before acceptance', () => {
    assert.equal(clockView(newClock(5), 'submitted', '2026-09-28', calendar).dueDate, null);
  });

  it('counts the time limit in working days from acceptance, skipping the holiday and using the make-up day', () => {
    // Accepted Tue 29 Sep: 30 Sep, 8, 9, 10 (Sat, make-up), 12 → due Mon 12 Oct.
    const clock = advanceClock(newClock(5), 'accepted', '2026-09-29', calendar);
    assert.equal(clockView(clock, 'accepted', '2026-09-29', calendar).dueDate, '2026-10-12');
  });

  it('stops during 补齐补正 and extends the due date by the paused working days', () => {
    let clock = advanceClock(newClock(3), 'accepted', '2026-11-02', calendar); // Mon → due Thu 5 Nov
    assert.equal(clockView(clock, 'accepted', '2026-11-02', calendar).dueDate, '2026-11-05');
    clock = advanceClock(clock, 'supplement', '2026-11-03', calendar);
    const paused = clockView(clock, 'supplement', '2026-11-06', calendar); // Wed, Thu, Fri stopped so far
    assert.deepEqual([paused.paused, paused.pausedWorkingDays, paused.dueDate, paused.overdue], [true, 3, '2026-11-10', false]);
    clock = advanceClock(clock, 'submitted', '2026-11-09', calendar); // resumed Mon 9: Wed-Fri + Mon = 4
    const resumed = clockView(clock, 'submitted', '2026-11-09', calendar);
    assert.deepEqual([resumed.paused, resumed.pausedWorkingDays, resumed.dueDate], [false, 4, '2026-11-11']);
  });

  it('also stops while suspended, across a weekend that costs nothing', () => {
    let clock = advanceClock(newClock(2), 'accepted', '2026-11-05', calendar); // Thu → due Mon 9
    clock = advanceClock(clock, 'suspended', '2026-11-06', calendar);
    clock = advanceClock(clock, 'in-progress', '2026-11-09', calendar); // Mon: 1 working day paused
    assert.equal(clockView(clock, 'in-progress', '2026-11-09', calendar).dueDate, '2026-11-10');
  });

  it('flags a running application past its due date as overdue, a completed one not', () => {
    const clock = advanceClock(newClock(1), 'accepted', '2026-11-02', calendar);
    assert.equal(clockView(clock, 'in-progress', '2026-11-04', calendar).overdue, true);
    assert.equal(clockView(clock, 'completed', '2026-11-04', calendar).overdue, false);
  });
});
