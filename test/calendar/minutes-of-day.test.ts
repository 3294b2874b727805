import assert from 'node:assert/strict';
import { hhmm, minutesOfDay } from '../../server/calendar/minutes-of-day.js';

describe('minutesOfDay and hhmm', () => {
  const cases: Array<[string, number]> = [
    ['00:00', 0],
    ['09:05', 545],
    ['12:30', 750],
    ['23:59', 1439],
    ['24:00', 1440],
  ];
  for (const [time, minutes] of cases) {
    it(`reads ${time} as ${minutes} minutes and writes it back`, () => {
      assert.equal(minutesOfDay(time), minutes);
      assert.equal(hhmm(minutes), time);
    });
  }
});
