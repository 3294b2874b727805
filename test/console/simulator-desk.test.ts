// A message typed into the console's simulator that no rule answers must not land in the real
// desk queue (nor its counts): it is listed apart, under 模拟器消息.
import assert from 'node:assert/strict';
import { ticketsOf } from '../../server/desk/desk-tickets.js';
import { seedTicket } from '../desk/work-fixtures.js';
import { addTestUsers, createHarness, login, type Harness } from './harness.js';

describe('simulator messages and the desk queue', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    await addTestUsers(h.store);
  });

  it('keeps a simulated unanswered message out of the queue and lists it under 模拟器消息', async () => {
    await seedTicket(h.store, { id: 'dt-real-citizen', department: 'jiaojing', text: '真实市民的留言' });
    const s = await login(h.app, 'plat');
    const sim = await s.agent.post('/console/api/simulate').set('X-CSRF-Token', s.csrf).send({ action: 'text', text: '模拟器里随便问问天气' }).expect(200);
    assert.equal(sim.body.trace.answeredBy, 'human');
    assert.match(sim.body.trace.reason, /模拟器消息不进入真实待回复队列/);
    const stored = (await ticketsOf(h.store).list()).find((t) => t.text === '模拟器里随便问问天气');
    assert.equal(stored?.simulated, true);

    const queue = await s.agent.get('/console/work/desk').expect(200);
    assert.match(queue.text, /真实市民的留言/);
    assert.doesNotMatch(queue.text, /随便问问天气/);
    const home = await s.agent.get('/console/work/').expect(200);
    assert.match(home.text, />1 条市民留言待回复</);
    const apart = await s.agent.get('/console/work/desk?status=simulated').expect(200);
    assert.match(apart.text, /随便问问天气/);
    assert.doesNotMatch(apart.text, /真实市民的留言/);
  });
});
