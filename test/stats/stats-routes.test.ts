import assert from 'node:assert/strict';
import request from 'supertest';
import { addTestUsers, createHarness, login, type Harness } from '../console/harness.js';
import { TABLE_IDS } from '../../server/stats/index.js';
import { createTestApp } from '../loop/applications/test-app.js';
import { seedEvents } from './stats-fixture.js';

const RANGE = 'from=2026-11-02&to=2026-11-03';

describe('console /console/stats', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    await addTestUsers(h.store);
    await seedEvents(h.store);
  });

  it('draws every chart as inline SVG with its table, without scripts or personal fields', async () => {
    const { agent } = await login(h.app, 'plat');
    const res = await agent.get(`/console/stats?${RANGE}`).expect(200);
    assert.equal((res.text.match(/<svg/g) ?? []).length, 5);
    assert.doesNotMatch(res.text.replace(/<script src="\/console\/static\/[^"]+" defer><\/script>/g, ''), /<script/);
    assert.match(res.text, /id="automatic-rate">75\.0%</);
    assert.match(res.text, /\/console\/stats\/export\/funnel\.csv\?from&#x3D;2026-11-02&amp;to&#x3D;2026-11-03/);
    assert.doesNotMatch(res.text, /o-citizen-0001|13800138000|o-x/);
  });

  it('gives the platform any department and a department only its own, on the page and the export', async () => {
    const plat = await login(h.app, 'plat');
    await plat.agent.get(`/console/stats?${RANGE}&department=shebao`).expect(200);
    const jj = await login(h.app, 'jj-admin');
    await jj.agent.get(`/console/stats?${RANGE}&department=shebao`).expect(404);
    await jj.agent.get(`/console/stats?${RANGE}&service=shebao/shebaoka-buban`).expect(404);
    await jj.agent.get(`/console/stats/export/answers.csv?${RANGE}&department=shebao`).expect(404);
    const staff = await login(h.app, 'jj-staff');
    const page = await staff.agent.get(`/console/stats?${RANGE}`).expect(200);
    assert.match(page.text, /id="automatic-rate">75\.0%</);
    assert.doesNotMatch(page.text, /社保卡补办/);
  });

  it('exports a department\'s table as CSV with a BOM, its own numbers only and small counts as "<5"', async () => {
    const jj = await login(h.app, 'jj-admin');
    const res = await jj.agent.get(`/console/stats/export/per-day.csv?${RANGE}`).expect(200).expect('content-type', /text\/csv; charset=utf-8/);
    assert.equal(res.text, '\uFEFF日期,消息数\r\n2026-11-02,<5\r\n2026-11-03,<5\r\n');
    const plat = await login(h.app, 'plat');
    const all = await plat.agent.get(`/console/stats/export/per-day.csv?${RANGE}`).expect(200);
    assert.equal(all.text, '\uFEFF日期,消息数\r\n2026-11-02,6\r\n2026-11-03,2\r\n');
    await plat.agent.get(`/console/stats/export/nothing.csv?${RANGE}`).expect(404);
  });

  it('shows the inspection watchdogs, the online-ability matrix and the working-hours reply time', async () => {
    const { agent } = await login(h.app, 'plat');
    const res = await agent.get(`/console/stats?${RANGE}`).expect(200);
    assert.match(res.text, /id="stats-health"[\s\S]*两周内有更新[\s\S]*互动渠道可用/);
    assert.match(res.text, /id="stats-abilities"[\s\S]*预约预检/);
    assert.match(res.text, /id="reply-median">30 分钟</);
  });

  it('filters by topic and refuses an unknown one', async () => {
    const { agent } = await login(h.app, 'plat');
    const res = await agent.get(`/console/stats?${RANGE}&topic=shebao-jiuye`).expect(200);
    assert.match(res.text, /<option value="shebao-jiuye" selected>/);
    assert.doesNotMatch(res.text.slice(res.text.indexOf('id="stats-abilities"')), /驾驶证期满换证/);
    await agent.get(`/console/stats?${RANGE}&topic=nope`).expect(404);
    await agent.get(`/console/stats/export/funnel.csv?${RANGE}&topic=nope`).expect(404);
  });

  it('filters by the account of a one-account deployment and refuses an unknown one', async () => {
    const { agent } = await login(h.app, 'plat');
    const res = await agent.get(`/console/stats?${RANGE}&account=main`).expect(200);
    assert.match(res.text, /<option value="main" selected>/);
    assert.match(res.text, /id="automatic-rate">75\.0%</);
    await agent.get(`/console/stats?${RANGE}&account=other`).expect(404);
  });

  it('counts a citizen\'s view of a service page in the funnel', async () => {
    const pages = createTestApp({ build: h.live.current(), store: h.store, now: '2026-11-03T02:00:00Z' });
    try {
      await request(pages.app).get('/s/shebao/yanglao-chaxun').expect(200);
    } finally {
      pages.cleanup();
    }
    const { agent } = await login(h.app, 'plat');
    const csv = await agent.get(`/console/stats/export/funnel.csv?${RANGE}&service=shebao/yanglao-chaxun`).expect(200);
    assert.match(csv.text, /\r\n养老保险缴费查询,1,/);
  });

  it('keeps every export of a department user to its own departments', async () => {
    const jj = await login(h.app, 'jj-staff');
    for (const id of TABLE_IDS) {
      const res = await jj.agent.get(`/console/stats/export/${id}.csv?${RANGE}`).expect(200);
      assert.doesNotMatch(res.text, /社保卡补办|shebao|o-citizen-0001|13800138000/, id);
      await jj.agent.get(`/console/stats/export/${id}.csv?${RANGE}&department=shebao`).expect(404);
    }
  });

  it('refuses a bad range and sends a visitor without a session to the login', async () => {
    const plat = await login(h.app, 'plat');
    await plat.agent.get('/console/stats?from=2026-11-05&to=2026-11-01').expect(400);
    await plat.agent.get('/console/stats?from=2020-01-01&to=2026-11-01').expect(400);
    await request(h.app).get('/console/stats').expect(303);
    await request(h.app).get('/console/stats/export/per-day.csv').expect(303);
  });
});
