import assert from 'node:assert/strict';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { computeStats, type StatsReport } from '../../server/stats/index.js';
import { fixtureBuild, NOW, seedEvents } from './stats-fixture.js';

async function report(query: { scope?: string[]; department?: string; service?: string } = {}): Promise<StatsReport> {
  const store = createMemoryStore();
  await seedEvents(store);
  return computeStats({ store, build: await fixtureBuild(), now: () => NOW }, { from: '2026-11-02', to: '2026-11-03', ...query });
}

const answerCounts = (r: StatsReport) => Object.fromEntries(r.answers.filter((a) => a.count > 0).map((a) => [a.kind, a.count]));

describe('stats: the dashboard figures from known events', () => {
  it('counts messages per city day and hour of day, across the UTC midnight', async () => {
    const r = await report();
    assert.equal(r.totalMessages, 8);
    assert.deepEqual(r.perDay, [{ date: '2026-11-02', count: 6 }, { date: '2026-11-03', count: 2 }]);
    const hours = Object.fromEntries(r.perHour.map((n, h) => [h, n]).filter(([, n]) => n! > 0));
    assert.deepEqual(hours, { 0: 1, 9: 1, 10: 2, 11: 3, 13: 1 });
  });

  it('gives how messages were answered as shares and the automatic-answer rate', async () => {
    const r = await report();
    assert.deepEqual(answerCounts(r), { keyword: 2, menu: 1, location: 1, query: 1, welcome: 1, human: 1, none: 1 });
    assert.equal(r.answers.find((a) => a.kind === 'keyword')?.share, 0.25);
    // keyword 2 + menu + location + query + welcome = 6 of 8.
    assert.equal(r.automaticRate, 0.75);
  });

  it('shows a department only the messages its rules answered', async () => {
    const r = await report({ scope: ['jiaojing'] });
    assert.equal(r.totalMessages, 4);
    assert.deepEqual(answerCounts(r), { keyword: 1, menu: 1, query: 1, human: 1 });
    assert.equal(r.automaticRate, 0.75);
  });

  it('counts desk tickets open, overdue against the promise and answered, leaving out the simulator', async () => {
    const counts = ({ total, open, overdue, answered, late }: StatsReport['tickets']) => ({ total, open, overdue, answered, late });
    assert.deepEqual(counts((await report()).tickets), { total: 3, open: 2, overdue: 2, answered: 1, late: 0 });
    assert.deepEqual(counts((await report({ department: 'jiaojing' })).tickets), { total: 2, open: 1, overdue: 1, answered: 1, late: 0 });
  });

  it('gives the funnel per service: appointments, applications, paid, completed, rated', async () => {
    const r = await report({ scope: ['jiaojing'] });
    assert.deepEqual(r.funnel.map((f) => [f.service, f.appointments, f.applications, f.paid, f.completed, f.rated]), [
      ['jiaojing/fakuan-jiaona', 0, 1, 0, 0, 0],
      ['jiaojing/jiashizheng-huanzheng', 1, 3, 2, 1, 1],
    ]);
  });

  it('filters the funnel by service', async () => {
    const r = await report({ service: 'shebao/shebaoka-buban' });
    assert.deepEqual(r.funnel.map((f) => [f.service, f.applications, f.paid, f.completed, f.rated]), [['shebao/shebaoka-buban', 1, 1, 1, 1]]);
    assert.equal(r.totalRatings, 1);
  });

  it('gives ratings by level and the satisfaction rate', async () => {
    const r = await report();
    assert.deepEqual(Object.fromEntries(r.ratings.map((x) => [x.level, x.count])), {
      'very-satisfied': 1, satisfied: 0, 'basically-satisfied': 0, dissatisfied: 1, 'very-dissatisfied': 0,
    });
    assert.equal(r.satisfactionRate, 0.5);
  });

  it('counts bad reviews rectified on time, overdue, pending and appealed', async () => {
    assert.deepEqual((await report()).cases, { total: 3, onTime: 1, overdue: 1, pending: 1, appealed: 1, upheld: 0 });
    assert.deepEqual((await report({ scope: ['shebao'] })).cases, { total: 0, onTime: 0, overdue: 0, pending: 0, appealed: 0, upheld: 0 });
  });
});

describe('stats: when followers write', () => {
  it('names the busiest hour of day in city time, and none under 20 messages', async () => {
    const store = createMemoryStore();
    const m = (at: string) => ({ at, type: 'text', answeredBy: 'keyword', department: 'jiaojing', latencyMs: 2, openid: 'h' });
    const log = store.log<Record<string, unknown>>('messages');
    // 12 at 20:xx city time (12:xx UTC), 9 at 09:xx.
    for (let i = 0; i < 12; i++) log.append(m(`2026-11-02T12:${String(i).padStart(2, '0')}:00.000Z`));
    for (let i = 0; i < 9; i++) log.append(m(`2026-11-02T01:${String(i).padStart(2, '0')}:00.000Z`));
    await log.flush();
    const build = await fixtureBuild();
    const r = await computeStats({ store, build, now: () => NOW }, { from: '2026-11-02', to: '2026-11-02' });
    assert.equal(r.busiestHour, 20);
    assert.equal((await computeStats({ store: createMemoryStore(), build, now: () => NOW }, { from: '2026-11-02', to: '2026-11-02' })).busiestHour, null);
  });
});

describe('stats: the account filter', () => {
  it('counts records without an account for the primary account and others for their own', async () => {
    const store = createMemoryStore();
    const m = (account?: string) => ({ at: '2026-11-02T02:00:00.000Z', type: 'text', answeredBy: 'keyword', department: 'jiaojing', latencyMs: 2, openid: 'h', ...(account ? { account } : {}) });
    const log = store.log<Record<string, unknown>>('messages');
    for (const r of [m(), m(), m('news'), m('main')]) log.append(r);
    await log.flush();
    const build = await fixtureBuild();
    const total = async (account?: { id: string; primary: boolean }) =>
      (await computeStats({ store, build, now: () => NOW }, { from: '2026-11-02', to: '2026-11-02', ...(account ? { account } : {}) })).totalMessages;
    assert.deepEqual([await total(), await total({ id: 'main', primary: true }), await total({ id: 'news', primary: false })], [4, 3, 1]);
  });
});
