import assert from 'node:assert/strict';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { computeStats, recordPageView, statsTables, type StatsReport } from '../../server/stats/index.js';
import type { Store } from '../../server/store/types.js';
import { cardApplication, licenceApplication, seedApplication, seedCase } from '../desk/work-fixtures.js';
import { fixtureBuild, NOW, seedEvents, seedMessages } from './stats-fixture.js';

async function report(store: Store, query: { from?: string; to?: string; scope?: string[]; topic?: string; service?: string } = {}): Promise<StatsReport> {
  return computeStats({ store, build: await fixtureBuild(), now: () => NOW }, { from: '2026-11-02', to: '2026-11-03', ...query });
}

const staff = { kind: 'staff' as const, name: 'jj-staff' };

describe('stats: service figures', () => {
  it('starts the funnel at the service page views and gives the drop-off at each offered step', async () => {
    const store = createMemoryStore();
    await seedEvents(store);
    const view = { service: 'jiaojing/jiashizheng-huanzheng', department: 'jiaojing' };
    for (let i = 0; i < 10; i++) recordPageView(store, view, new Date('2026-11-02T02:00:00.000Z'));
    recordPageView(store, view, new Date('2026-11-05T02:00:00.000Z')); // outside the range
    recordPageView(store, { service: 'shebao/shebaoka-buban', department: 'shebao' }, new Date('2026-11-03T02:00:00.000Z'));
    const r = await report(store, { scope: ['jiaojing'] });
    const licence = r.funnel.find((f) => f.service === 'jiaojing/jiashizheng-huanzheng')!;
    assert.deepEqual([licence.views, licence.appointments, licence.applications, licence.paid, licence.completed, licence.rated], [10, 1, 3, 2, 1, 1]);
    // The shebao view is another department's: not in a jiaojing view of the funnel.
    assert.equal(r.funnel.some((f) => f.service.startsWith('shebao/')), false);
    const row = statsTables(r).find((t) => t.id === 'funnel')!.rows.find((x) => x[0] === '驾驶证期满换证')!;
    // views 10 → appointments 1 (90%), applications 3 (more than booked: no drop-off), paid 2 (33.3%), completed 1 (50%), rated 1 (0%).
    assert.deepEqual(row.slice(7), ['90.0%', '—', '33.3%', '50.0%', '0.0%']);
  });

  it('shows which of the six steps each service really offers online', async () => {
    const r = await report(createMemoryStore());
    const card = r.abilities.find((a) => a.service === 'shebao/shebaoka-buban')!;
    assert.deepEqual(card.steps, { location: 'offline', appointment: 'none', processing: 'online', payment: 'online', progress: 'online', rating: 'none' });
    assert.equal(card.online, 3);
    assert.equal(r.abilities.find((a) => a.service === 'jiaojing/jiashizheng-huanzheng')!.online, 6);
    assert.deepEqual((await report(createMemoryStore(), { topic: 'shebao-jiuye' })).abilities.map((a) => a.service), ['jiuye/shiye-dengji', 'shebao/shebaoka-buban', 'shebao/yanglao-chaxun']);
  });

  it('counts applications completed within their promised working days, the clock stopped while paused', async () => {
    const store = createMemoryStore();
    const done = (at: string) => [{ at: '2026-11-02T01:00:00.000Z', from: null, to: 'submitted' as const, actor: staff }, { at, from: 'in-progress' as const, to: 'completed' as const, actor: staff }];
    // 3 working days from Monday 2 November: due Thursday 5 November.
    const clock = { timeLimitDays: 3, startDate: '2026-11-02', pausedWorkingDays: 0, pausedSince: null };
    await seedApplication(store, licenceApplication('JJ-10', { stage: 'completed', clock, timeline: done('2026-11-05T08:00:00.000Z') }));
    await seedApplication(store, licenceApplication('JJ-11', { stage: 'completed', clock, timeline: done('2026-11-06T02:00:00.000Z') }));
    // Two paused working days move the due date to Monday 9 November.
    await seedApplication(store, licenceApplication('JJ-12', { stage: 'completed', clock: { ...clock, pausedWorkingDays: 2 }, timeline: done('2026-11-09T02:00:00.000Z') }));
    // Completed without an acceptance: no clock ran.
    await seedApplication(store, licenceApplication('JJ-13', { stage: 'completed', timeline: done('2026-11-04T02:00:00.000Z') }));
    await seedApplication(store, licenceApplication('JJ-14', { stage: 'in-progress', clock }));
    const r = await report(store, { from: '2026-11-01', to: '2026-11-10' });
    assert.deepEqual(r.onTime, [{ service: 'jiaojing/jiashizheng-huanzheng', serviceName: '驾驶证期满换证', completed: 4, onTime: 2, late: 1, noClock: 1 }]);
  });

  it('counts chat queries per source as found, not found and failed', async () => {
    const store = createMemoryStore();
    const q = (source: string, outcome: string) => ({ at: '2026-11-02T02:00:00.000Z', type: 'text', answeredBy: 'query', department: 'jiaojing', outcome, source, latencyMs: 3, openid: 'h' });
    await seedMessages(store, [
      q('table:xianxing.csv', 'found'), q('table:xianxing.csv', 'found'), q('table:xianxing.csv', 'ask'),
      q('connector:jgpt', 'found'), q('connector:jgpt', 'not-found'), q('connector:jgpt', 'failed'),
    ]);
    const r = await report(store);
    assert.deepEqual(r.querySources.map((s) => [s.source, s.counts.found, s.counts['not-found'], s.counts.failed, s.counts.ask, s.total]), [
      ['connector:jgpt', 1, 1, 1, 0, 3],
      ['table:xianxing.csv', 2, 0, 0, 1, 3],
    ]);
    const rows = statsTables(r).find((t) => t.id === 'queries')!.rows;
    assert.deepEqual(rows.map((x) => [x[0], x.at(-1)]), [['部门接口 jgpt', '66.7%'], ['数据表 xianxing.csv', '100.0%']]);
  });
});

describe('stats: 好差评 re-ratings and appeals', () => {
  it('counts re-ratings of the fix and leaves out a rating whose appeal was upheld', async () => {
    const store = createMemoryStore();
    const note = { at: '2026-11-03T01:00:00.000Z', actor: staff, note: '已处理' };
    await seedApplication(store, licenceApplication('JJ-20', { rating: { level: 'very-dissatisfied', at: '2026-11-02T02:00:00.000Z', caseId: 'JJ-20-ZG' } }));
    await seedApplication(store, licenceApplication('JJ-21', { rating: { level: 'dissatisfied', at: '2026-11-02T02:00:00.000Z', caseId: 'JJ-21-ZG' } }));
    await seedApplication(store, { ...cardApplication('SB-20'), rating: { level: 'satisfied', at: '2026-11-02T03:00:00.000Z' } });
    await seedCase(store, 'JJ-20', {
      resolution: { ...note, kind: 'fixed' }, citizenRating: { level: 'satisfied', at: '2026-11-03T05:00:00.000Z' },
    });
    await seedCase(store, 'JJ-21', { appeal: { ...note, status: 'upheld', decision: note } });
    const r = await report(store);
    assert.deepEqual([r.totalRatings, r.satisfactionRate], [2, 0.5]);
    assert.deepEqual([r.totalReRatings, r.reSatisfactionRate], [1, 1]);
    assert.equal(r.reRatings.find((x) => x.level === 'satisfied')!.count, 1);
    assert.deepEqual(r.cases, { total: 2, onTime: 1, overdue: 0, pending: 0, appealed: 1, upheld: 1 });
  });
});
