// Derived facts kept per stored document: worked out once per document object and build, afresh
// after a write (the file store stores a new object on every write).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { perDoc } from '../../server/stats/per-doc.js';
import { computeStats } from '../../server/stats/index.js';
import { createLowdbStore } from '../../server/store/lowdb-store.js';
import type { Application } from '../../server/loop/index.js';
import { licenceApplication, seedApplication, seedTicket } from '../desk/work-fixtures.js';
import { fixtureBuild } from './stats-fixture.js';

describe('stats: facts kept per stored document', () => {
  it('works a fact out once per document object and build', () => {
    let computed = 0;
    const fact = perDoc<{ n: number }, number>();
    const doc = { n: 2 };
    const build = {};
    assert.equal(fact(doc, build, () => (computed++, doc.n * 10)), 20);
    assert.equal(fact(doc, build, () => (computed++, -1)), 20);
    assert.equal(fact(doc, {}, () => (computed++, 30)), 30, 'another build');
    assert.equal(fact({ n: 2 }, build, () => (computed++, 40)), 40, 'another object');
    assert.equal(computed, 3);
  });

  it('follows a ticket answered and an application’s completion changed between two reports on the file store', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'onestop-perdoc-'));
    const store = await createLowdbStore(dir);
    try {
      const build = await fixtureBuild();
      const now = () => new Date('2026-11-06T04:00:00.000Z');
      const query = { from: '2026-11-02', to: '2026-11-06' };
      await seedTicket(store, { id: 'dt-1', department: 'jiaojing', createdAt: '2026-11-02T01:00:00.000Z' });
      const before = await computeStats({ store, build, now }, query);
      assert.deepEqual([before.tickets.open, before.tickets.answered, before.tickets.replyMedianMinutes], [1, 0, null]);
      await store.collection<{ id: string; status: string; answeredAt?: string }>('deskTickets').update('dt-1', (t) => ({ ...t, status: 'answered', answeredAt: '2026-11-02T02:00:00.000Z' }));
      const after = await computeStats({ store, build, now }, query);
      assert.deepEqual([after.tickets.open, after.tickets.answered, after.tickets.replyMedianMinutes], [0, 1, 60]);
      // Completed late (due Thursday 5 November), then its completion corrected to the due date.
      const actor = { kind: 'staff' as const, name: 'jj-staff' };
      const completedOn = (at: string): Partial<Application> => ({
        stage: 'completed', updatedAt: at, clock: { timeLimitDays: 3, startDate: '2026-11-02', pausedWorkingDays: 0, pausedSince: null },
        timeline: [{ at: '2026-11-02T01:00:00.000Z', from: null, to: 'submitted', actor }, { at, from: 'in-progress', to: 'completed', actor }],
      });
      await seedApplication(store, licenceApplication('JJ-20', completedOn('2026-11-06T02:00:00.000Z')));
      const late = await computeStats({ store, build, now }, query);
      assert.deepEqual(late.onTime.map((o) => [o.onTime, o.late]), [[0, 1]]);
      await store.collection<Application>('applications').update('JJ-20', (a) => ({ ...a, ...completedOn('2026-11-05T02:00:00.000Z') }));
      const onTime = await computeStats({ store, build, now }, query);
      assert.deepEqual(onTime.onTime.map((o) => [o.onTime, o.late]), [[1, 0]]);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
