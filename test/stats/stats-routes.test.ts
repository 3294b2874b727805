import assert from 'node:assert/strict';
import request from 'supertest';
import { addTestUsers, createHarness, login, type Harness } from '../console/harness.js';
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

  it('refuses a bad range and sends a visitor without a session to the login', async () => {
    const plat = await login(h.app, 'plat');
    await plat.agent.get('/console/stats?from=2026-11-05&to=2026-11-01').expect(400);
    await plat.agent.get('/console/stats?from=2020-01-01&to=2026-11-01').expect(400);
    await request(h.app).get('/console/stats').expect(303);
    await request(h.app).get('/console/stats/export/per-day.csv').expect(303);
  });
});
