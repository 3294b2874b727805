import assert from 'node:assert/strict';
import type { AccountBuild } from '../../server/builder/index.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { computeStats, type HealthCheck } from '../../server/stats/index.js';
import type { Store } from '../../server/store/types.js';
import { seedTicket } from '../desk/work-fixtures.js';
import { fixtureBuild, seedMessages } from './stats-fixture.js';

const NOW = new Date('2026-11-12T04:00:00.000Z'); // Thursday 12:00 city; the week is 6-12 November

async function health(store: Store, build?: AccountBuild): Promise<Record<string, Pick<HealthCheck, 'status' | 'failsOutright'>>> {
  // The page's date range does not matter: the watchdogs look at the last seven days.
  const r = await computeStats({ store, build: build ?? (await fixtureBuild()), now: () => NOW }, { from: '2026-01-01', to: '2026-01-31' });
  return Object.fromEntries(r.health.map((h) => [h.id, { status: h.status, failsOutright: h.failsOutright }]));
}

describe('stats: inspection-index watchdogs', () => {
  it('fails the interaction channel outright when nobody answered any ticket that fell due this week', async () => {
    const store = createMemoryStore();
    await seedTicket(store, { id: 'dt-1', department: 'jiaojing', createdAt: '2026-11-10T01:00:00.000Z' });
    await seedTicket(store, { id: 'dt-old', department: 'jiaojing', createdAt: '2026-10-01T01:00:00.000Z', status: 'answered', answeredAt: '2026-10-01T02:00:00.000Z' } as never);
    const h = await health(store);
    assert.deepEqual(h.interaction, { status: 'fail', failsOutright: true });
    assert.equal(h['desk-week']!.status, 'warn');
  });

  it('passes the channel and the desk week when the promise was kept, and warns for one broken promise among kept ones', async () => {
    const store = createMemoryStore();
    await seedTicket(store, { id: 'dt-1', department: 'jiaojing', createdAt: '2026-11-10T01:00:00.000Z', status: 'answered', answeredAt: '2026-11-10T02:00:00.000Z' } as never);
    let h = await health(store);
    assert.deepEqual([h.interaction!.status, h['desk-week']!.status], ['ok', 'ok']);
    await seedTicket(store, { id: 'dt-2', department: 'jiaojing', createdAt: '2026-11-11T01:00:00.000Z' });
    h = await health(store);
    assert.deepEqual([h.interaction!.status, h['desk-week']!.status], ['warn', 'warn']);
  });

  it('fails the interaction channel when the desk has no hours at all', async () => {
    const build = await fixtureBuild();
    const h = await health(createMemoryStore(), { ...build, account: { ...build.account, desk: { ...build.account.desk, hours: {} } } });
    assert.equal(h.interaction!.status, 'fail');
  });

  it('warns for gateway decisions of 5 seconds or more in the last seven days', async () => {
    const store = createMemoryStore();
    const m = (at: string, latencyMs: number) => ({ at, type: 'text', answeredBy: 'keyword', department: 'jiaojing', latencyMs, openid: 'h' });
    await seedMessages(store, [m('2026-11-10T01:00:00.000Z', 40), m('2026-11-01T01:00:00.000Z', 6000)]);
    assert.equal((await health(store))['slow-replies']!.status, 'ok');
    await seedMessages(store, [m('2026-11-11T01:00:00.000Z', 5000)]);
    assert.equal((await health(store))['slow-replies']!.status, 'warn');
  });

  it('says there is no broadcast record yet rather than passing the two-week update check', async () => {
    assert.deepEqual((await health(createMemoryStore())).updates, { status: 'unknown', failsOutright: true });
  });
});

describe('stats: broadcasts from the broadcasts room\'s records', () => {
  const issue = (account: string, date: string, state: string, delivery: object = { mode: 'sendall', outcome: { ok: true, sentCount: 1200, articleUrls: ['u1', 'u2'] } }) =>
    ({ id: `${account}-${date}`, account, date, state, columns: ['a', 'b'], delivery });

  it('fails the two-week update check for an account whose last broadcast is older, passes a recent one, and lists the reach', async () => {
    const store = createMemoryStore();
    const issues = store.collection<ReturnType<typeof issue>>('broadcast-issues');
    await issues.insert(issue('city', '2026-11-10', 'sent'));
    await issues.insert(issue('city', '2026-11-11', 'failed', { mode: 'sendall', outcome: { ok: false } }));
    await issues.insert(issue('news', '2026-10-20', 'published', { mode: 'publish', outcome: { ok: true, articleUrls: ['u'] } }));
    await issues.insert(issue('news', '2026-11-12', 'open', {}));
    const r = await computeStats({ store, build: await fixtureBuild(), now: () => NOW }, { from: '2026-10-01', to: '2026-11-30' });
    const updates = r.health.find((h) => h.id === 'updates')!;
    assert.equal(updates.status, 'fail');
    assert.equal(updates.value, 'city：距上次群发 2 天；news：距上次群发 23 天');
    assert.deepEqual(r.broadcasts, [
      { date: '2026-11-10', account: 'city', mode: 'sendall', articles: 2, reach: 1200, reads: null, shares: null },
      { date: '2026-10-20', account: 'news', mode: 'publish', articles: 1, reach: null, reads: null, shares: null },
    ]);
  });
});
