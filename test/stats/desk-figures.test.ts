import assert from 'node:assert/strict';
import type { AccountBuild } from '../../server/builder/index.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { computeStats, quantile } from '../../server/stats/index.js';
import { seedTicket } from '../desk/work-fixtures.js';
import { fixtureBuild } from './stats-fixture.js';

// The fixture desk is open Monday-Friday 09:00-17:00. Monday 9 November 2026 is made a holiday
// here, so the weekend of 7-8 November and the holiday give one closed stretch Fri 17:00 → Tue 09:00.
async function holidayBuild(): Promise<AccountBuild> {
  const build = await fixtureBuild();
  return { ...build, account: { ...build.account, calendar: { holidays: ['2026-11-09'], workdays: [] } } };
}

const NOW = new Date('2026-11-12T04:00:00.000Z'); // Thursday 12:00 city

describe('stats: desk reply time in working hours', () => {
  it('counts first-reply time in the desk\'s working hours across a weekend and a holiday, with median and 90th percentile', async () => {
    const store = createMemoryStore();
    const answered = (id: string, createdAt: string, answeredAt: string) => seedTicket(store, { id, department: 'jiaojing', createdAt, status: 'answered', answeredAt } as never);
    // Fri 16:30 → Tue 09:30: 30 min on Friday + 30 min on Tuesday = 60 (late: promised by Friday 17:00).
    await answered('dt-a', '2026-11-06T08:30:00.000Z', '2026-11-10T01:30:00.000Z');
    // Tue 10:00 → 10:20: 20 (on time).
    await answered('dt-b', '2026-11-10T02:00:00.000Z', '2026-11-10T02:20:00.000Z');
    // Tue 16:00 → Wed 10:00: 60 + 60 = 120 (late: promised by Tuesday 17:00).
    await answered('dt-c', '2026-11-10T08:00:00.000Z', '2026-11-11T02:00:00.000Z');
    // Sat 10:00 → Tue 09:05: 5 (on time: the next opening is Tuesday, the holiday skipped).
    await answered('dt-d', '2026-11-07T02:00:00.000Z', '2026-11-10T01:05:00.000Z');
    // Wed 09:00, still open with two later messages: overdue since Wednesday 17:00.
    await seedTicket(store, {
      id: 'dt-e', department: 'jiaojing', createdAt: '2026-11-11T01:00:00.000Z',
      messages: [{ id: 'm1', at: '2026-11-11T01:01:00.000Z', text: '在吗', msgType: 'text' }, { id: 'm2', at: '2026-11-11T01:02:00.000Z', text: '？', msgType: 'text' }],
    });
    const r = await computeStats({ store, build: await holidayBuild(), now: () => NOW }, { from: '2026-11-01', to: '2026-11-12' });
    // Sorted 5, 20, 60, 120: median (20 + 60) / 2; p90 at rank 2.7 = 60 + 0.7 × 60.
    assert.equal(r.tickets.replyMedianMinutes, 40);
    assert.ok(Math.abs(r.tickets.replyP90Minutes! - 102) < 1e-9);
    assert.deepEqual(r.tickets.promise, { kept: 2, broken: 3, pending: 0, share: 0.4 });
    assert.deepEqual([r.tickets.open, r.tickets.overdue, r.tickets.late, r.tickets.awaitingMessages], [1, 1, 2, 3]);
  });

  it('gives no reply time and no promise share without answered or due tickets', async () => {
    const store = createMemoryStore();
    await seedTicket(store, { id: 'dt-x', department: 'jiaojing', createdAt: '2026-11-12T03:00:00.000Z' }); // Thu 11:00, due 17:00
    const r = await computeStats({ store, build: await holidayBuild(), now: () => NOW }, { from: '2026-11-12', to: '2026-11-12' });
    assert.deepEqual([r.tickets.replyMedianMinutes, r.tickets.replyP90Minutes, r.tickets.promise.share, r.tickets.promise.pending], [null, null, null, 1]);
  });
});

describe('quantile', () => {
  const cases: Array<[number[], number, number | null]> = [
    [[], 0.5, null],
    [[7], 0.9, 7],
    [[3, 1, 2], 0.5, 2],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9, 91],
  ];
  for (const [values, q, expected] of cases) {
    it(`gives ${expected} for q=${q} of [${values.join(', ')}]`, () => {
      const got = quantile(values, q);
      if (expected === null) assert.equal(got, null);
      else assert.ok(Math.abs(got! - expected) < 1e-9, `${got}`);
    });
  }
});
