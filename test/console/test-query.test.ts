// The console's query tools: a test query against the live build or a draft, and the simulator's
// trace naming the source that answered, the outcome and the time.
import assert from 'node:assert/strict';
import { cityWithRestriction } from '../query/query-fixture.js';
import { addTestUsers, createHarness, login, type Harness } from './harness.js';

describe('console query tools', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    await addTestUsers(h.store);
    h.live.swap(cityWithRestriction().build('http://localhost:3000'));
  });

  it('runs a test query and shows the outcome, reply, data and reason', async () => {
    const s = await login(h.app, 'jj-admin');
    const res = await s.agent.post('/console/api/test-query').set('X-CSRF-Token', s.csrf).send({ service: 'jiaojing/xianxing', inputs: { plateTail: '3', date: '2026-11-25' } }).expect(200);
    assert.equal(res.body.outcome, 'found');
    assert.equal(res.body.reply, '尾号311月25日（周三）限行 7:00—9:00');
    assert.equal(res.body.source, 'table:data/jiaojing/xianxing.csv');
    assert.match(res.body.reason, /找到 1 行/);
  });

  it('explains bad inputs field by field', async () => {
    const s = await login(h.app, 'jj-admin');
    const res = await s.agent.post('/console/api/test-query').set('X-CSRF-Token', s.csrf).send({ service: 'jiaojing/xianxing', inputs: { plateTail: '33' } }).expect(200);
    assert.equal(res.body.outcome, 'invalid');
    assert.equal(res.body.errors[0].field, 'plateTail');
  });

  it('refuses a test query without the CSRF token', async () => {
    const s = await login(h.app, 'jj-admin');
    const res = await s.agent.post('/console/api/test-query').send({ service: 'jiaojing/xianxing', inputs: {} });
    assert.equal(res.status, 403);
  });

  it('traces a chat query in the live simulator with its source and outcome', async () => {
    const s = await login(h.app, 'plat');
    const res = await s.agent.post('/console/api/simulate').set('X-CSRF-Token', s.csrf).send({ action: 'text', text: '限行 2' }).expect(200);
    assert.equal(res.body.trace.answeredBy, 'query');
    assert.equal(res.body.trace.source, 'table:data/jiaojing/xianxing.csv');
    assert.ok(['found', 'not-found'].includes(res.body.trace.outcome));
    assert.match(res.body.trace.reason, /由.*的查询“尾号限行查询”回答，来源：数据表 data\/jiaojing\/xianxing.csv/);
  });

  it('lists the query services on the simulator page', async () => {
    const s = await login(h.app, 'plat');
    const page = await s.agent.get('/console/simulator').expect(200);
    assert.match(page.text, /<option value="jiaojing\/xianxing"/);
  });
});
