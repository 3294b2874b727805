import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { loadConfig } from '../../server/config.js';
import { createQueryApiRouter, errorHandler } from '../../server/http/index.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createRateLimiter, createResultPages } from '../../server/query/index.js';
import { computeStats, rebuildQueryRunRollups, updateQueryRunRollups } from '../../server/stats/index.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { cityWithRestriction, WEDNESDAY } from '../query/query-fixture.js';

describe('stats: queries from the H5 form and the API', () => {
  it('logs each run\'s source and outcome (nothing of the asker) and counts them beside the chat queries', async () => {
    const store = createMemoryStore();
    const build = cityWithRestriction().build();
    const app = express();
    app.use('/api', createQueryApiRouter({ config: loadConfig({ SESSION_SECRET: 'query-runs-test-secret', DATA_DIR: '/tmp/onestop-query-runs' }), live: createLiveBuild(build), queries: { limiter: createRateLimiter(), pages: createResultPages(), now: () => WEDNESDAY }, store }));
    app.use(errorHandler());
    await request(app).post('/api/services/jiaojing/xianxing/query').send({ plateTail: '3' }).expect(200);
    await request(app).post('/api/services/jiaojing/xianxing/query').send({ plateTail: '33' }).expect(400);
    const logged = await store.log<Record<string, unknown>>('queryRuns').read();
    assert.deepEqual(logged.map((r) => Object.keys(r).sort()), [['at', 'department', 'outcome', 'service', 'source'], ['at', 'department', 'outcome', 'service', 'source']]);

    const day = WEDNESDAY.toISOString().slice(0, 10);
    const r = await computeStats({ store, build, now: () => WEDNESDAY }, { from: day, to: day });
    assert.deepEqual(r.querySources.map((q) => [q.channel, q.counts.found, q.counts.invalid, q.total]), [['web', 1, 1, 2]]);
    assert.match(r.querySources[0]!.source, /^table:/);
    assert.equal(await updateQueryRunRollups(store), 0);
    assert.equal((await rebuildQueryRunRollups(store)).reduce((s, x) => s + Object.values(x.byQuery).reduce((a, b) => a + b, 0), 0), 2);
  });
});
