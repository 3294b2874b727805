import assert from 'node:assert/strict';
import { createReportCache } from '../../server/stats/index.js';
import type { StatsReport } from '../../server/stats/index.js';

const report = (n: number) => ({ totalMessages: n }) as unknown as StatsReport;

describe('stats: the report cache', () => {
  let clock: number;
  let computed: number;
  const compute = () => Promise.resolve(report(++computed));
  beforeEach(() => {
    clock = 1_000_000;
    computed = 0;
  });

  it('computes a query once per minute, and once for views that arrive while it runs', async () => {
    const cache = createReportCache({ clock: () => clock });
    const build = {};
    const [a, b] = await Promise.all([cache.get(build, 'k', compute), cache.get(build, 'k', compute)]);
    assert.equal(computed, 1);
    assert.equal(a.report, b.report);
    assert.equal(a.computedAt.getTime(), 1_000_000);
    clock += 59_999;
    assert.equal((await cache.get(build, 'k', compute)).report.totalMessages, 1);
    clock += 1;
    assert.equal((await cache.get(build, 'k', compute)).report.totalMessages, 2);
  });

  it('keeps other queries and other builds (a new publish) apart', async () => {
    const cache = createReportCache({ clock: () => clock });
    const build = {};
    await cache.get(build, 'k', compute);
    assert.equal((await cache.get(build, 'other', compute)).report.totalMessages, 2);
    assert.equal((await cache.get({}, 'k', compute)).report.totalMessages, 3);
    assert.equal((await cache.get(build, 'k', compute)).report.totalMessages, 1);
  });

  it('does not keep a computation that failed', async () => {
    const cache = createReportCache({ clock: () => clock });
    const build = {};
    await assert.rejects(cache.get(build, 'k', () => Promise.reject(new Error('store down'))), /store down/);
    assert.equal((await cache.get(build, 'k', compute)).report.totalMessages, 1);
  });
});
