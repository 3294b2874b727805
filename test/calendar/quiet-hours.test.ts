import assert from 'node:assert/strict';
import { quietUntil } from '../../server/calendar/quiet-hours.js';

// City time is UTC+8: 2026-12-02 22:00 in the city is 14:00 UTC.
const city = (local: string) => new Date(`${local}:00+08:00`);

describe('quietUntil', () => {
  const cases: Array<[string, string, { start: string; end: string } | undefined, string | undefined]> = [
    ['is outside the default quiet hours at 21:59', '2026-12-02T21:59', undefined, undefined],
    ['waits until 08:00 next morning from 22:00', '2026-12-02T22:00', undefined, '2026-12-03T08:00'],
    ['waits until 08:00 the same morning from 03:30', '2026-12-03T03:30', undefined, '2026-12-03T08:00'],
    ['is outside them from 08:00', '2026-12-03T08:00', undefined, undefined],
    ['follows configured hours 21:00–07:30', '2026-12-02T21:15', { start: '21:00', end: '07:30' }, '2026-12-03T07:30'],
    ['handles a window inside one day (12:00–14:00)', '2026-12-02T13:00', { start: '12:00', end: '14:00' }, '2026-12-02T14:00'],
    ['has none when start equals end', '2026-12-02T23:00', { start: '00:00', end: '00:00' }, undefined],
  ];
  for (const [name, at, quiet, until] of cases) {
    it(name, () => assert.deepEqual(quietUntil(city(at), quiet), until === undefined ? undefined : city(until)));
  }
});
