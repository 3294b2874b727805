import assert from 'node:assert/strict';
import { openMinutesBetween } from '../../server/calendar/index.js';

const HOURS = {
  mon: [{ open: '09:00', close: '12:00' }, { open: '13:30', close: '17:30' }],
  tue: [{ open: '09:00', close: '12:00' }, { open: '13:30', close: '17:30' }],
  sat: [{ open: '09:00', close: '12:00' }],
};
const calendar = { holidays: ['2026-11-10'], workdays: [] };
const at = (iso: string) => new Date(iso);

describe('openMinutesBetween', () => {
  const cases: Array<[string, string, string, number]> = [
    ['inside one period', '2026-11-09T01:00:00.000Z', '2026-11-09T01:45:00.000Z', 45],
    ['across the lunch break', '2026-11-09T03:30:00.000Z', '2026-11-09T06:00:00.000Z', 30 + 30],
    ['from before opening to after closing', '2026-11-08T20:00:00.000Z', '2026-11-09T12:00:00.000Z', 180 + 240],
    ['over a holiday Tuesday and closed days to Saturday', '2026-11-09T09:00:00.000Z', '2026-11-14T02:00:00.000Z', 30 + 60],
    ['backwards', '2026-11-09T02:00:00.000Z', '2026-11-09T01:00:00.000Z', 0],
  ];
  for (const [name, from, to, expected] of cases) {
    it(`counts ${expected} minutes ${name}`, () => {
      assert.equal(openMinutesBetween(HOURS, at(from), at(to), { calendar }), expected);
    });
  }
});
