import assert from 'node:assert/strict';
import { dayClassOf, lookupTable } from '../../server/query/index.js';
import type { TableSource } from '../../server/model/generated.js';

const calendar = { holidays: ['2026-10-01', '2026-10-05'], workdays: ['2026-10-10', '2026-09-30'] };
const table = {
  columns: ['day', 'tail'],
  rows: [
    { day: 'wed', tail: '3' },
    { day: 'wed', tail: '8' },
    { day: 'makeup', tail: '5' },
  ],
};
const source: TableSource = { file: 'data/x/t.csv', keys: [{ column: 'day', fromDate: true }, { column: 'tail', input: 'tail' }], date: { input: 'date' } };

describe('dayClassOf', () => {
  const cases: [string, string, string][] = [
    ['2026-11-25', 'wed', 'an ordinary Wednesday'],
    ['2026-11-28', 'sat', 'an ordinary Saturday'],
    ['2026-10-01', 'holiday', 'a holiday on a Thursday'],
    ['2026-10-05', 'holiday', 'a holiday on a Monday'],
    ['2026-10-10', 'makeup', 'a make-up working Saturday'],
    ['2026-09-30', 'wed', 'a weekday listed as a working day stays its weekday'],
  ];
  for (const [date, expected, what] of cases) {
    it(`classes ${date} (${what}) as ${expected}`, () => assert.equal(dayClassOf(date, calendar), expected));
  }
});

describe('lookupTable', () => {
  const at = new Date('2026-11-25T10:00:00+08:00');
  const cases: [string, Record<string, string>, string[]][] = [
    ['finds the row for the day and the tail', { tail: '3' }, ['3']],
    ['finds nothing for a tail not restricted that day', { tail: '4' }, []],
    ['lists every row of the day when the optional tail is empty', {}, ['3', '8']],
    ['uses the asked date instead of today', { tail: '3', date: '2026-11-26' }, []],
    ['finds nothing on a holiday', { date: '2026-10-01' }, []],
    ['uses the makeup rows on a make-up working day', { date: '2026-10-10' }, ['5']],
  ];
  for (const [what, inputs, tails] of cases) {
    it(what, () => assert.deepEqual(lookupTable(table, source, inputs, calendar, at).rows.map((r) => r.tail), tails));
  }

  it('names the day in city time with its weekday and calendar class', () => {
    assert.equal(lookupTable(table, source, {}, calendar, new Date('2026-11-24T16:30:00Z')).dateText, '11月25日（周三）');
    assert.equal(lookupTable(table, source, { date: '2026-10-10' }, calendar, at).dateText, '10月10日（周六，调休上班日）');
  });
});

describe('lookupTable by key', () => {
  const at = new Date('2026-11-25T10:00:00+08:00');
  const sparse = { columns: ['day', 'tail'], rows: [{ day: 'wed', tail: '3' }, { day: 'wed' } as Record<string, string>, { day: 'wed', tail: '8' }] };

  it('finds the same rows whichever key columns were asked before', () => {
    const tails = (inputs: Record<string, string>) => lookupTable(sparse, source, inputs, calendar, at).rows.map((r) => r.tail ?? '-');
    assert.deepEqual(tails({ tail: '8' }), ['8']);
    assert.deepEqual(tails({}), ['3', '-', '8']);
    assert.deepEqual(tails({ tail: '3' }), ['3']);
    assert.deepEqual(tails({ tail: '4' }), []);
  });

  it('never matches a row that lacks a key column', () => {
    assert.deepEqual(lookupTable(sparse, source, { tail: 'null' }, calendar, at).rows, []);
    assert.deepEqual(lookupTable(sparse, source, { tail: 'undefined' }, calendar, at).rows, []);
  });
});
