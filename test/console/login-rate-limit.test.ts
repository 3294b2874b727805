import assert from 'node:assert/strict';
import request from 'supertest';
import { LOGIN_LIMIT, LOGIN_LIMIT_PER_IP } from '../../server/http/console/console-router.js';
import { PASSWORD, addTestUsers, createHarness, csrfFrom, login, type Harness } from './harness.js';

describe('console login rate limits', function () {
  this.timeout(120_000); // every refused attempt costs a real password check
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
    await addTestUsers(h.store);
  });

  async function attempts(agent: ReturnType<typeof request.agent>, tries: Array<{ username: string; password: string }>) {
    let page = await agent.get('/console/login');
    const statuses: number[] = [];
    for (const t of tries) {
      page = await agent.post('/console/login').type('form').send({ ...t, _csrf: csrfFrom(page.text) });
      statuses.push(page.status);
    }
    return { statuses, last: page };
  }

  it('keeps a locked username locked however it is spaced, cased or widened', async () => {
    const agent = request.agent(h.app);
    const guesses = Array.from({ length: LOGIN_LIMIT.limit }, (_, i) => ({ username: 'plat', password: `guess-${i}-xxxxx` }));
    const { statuses } = await attempts(agent, guesses);
    assert.deepEqual(statuses, Array(LOGIN_LIMIT.limit).fill(401));
    const variants = [' plat', 'plat\t', 'PLAT', 'ｐｌａｔ', '\u3000plat'];
    const { statuses: after, last } = await attempts(agent, variants.map((username) => ({ username, password: PASSWORD })));
    assert.deepEqual(after, variants.map(() => 429));
    assert.match(last.text, /登录尝试过于频繁，请 15 分钟后再试/);
  });

  it('caps failed logins per IP across usernames (password spraying)', async () => {
    const agent = request.agent(h.app);
    const spray = Array.from({ length: 30 }, (_, i) => ({ username: `user-${i}`, password: 'Spring2026!!' }));
    const { statuses } = await attempts(agent, spray);
    assert.deepEqual(statuses.slice(0, LOGIN_LIMIT_PER_IP.limit), Array(LOGIN_LIMIT_PER_IP.limit).fill(401));
    assert.deepEqual(statuses.slice(LOGIN_LIMIT_PER_IP.limit), Array(30 - LOGIN_LIMIT_PER_IP.limit).fill(429));
    // Now even a real account with its right password waits, from this address.
    const { statuses: real, last } = await attempts(agent, [{ username: 'sb-admin', password: PASSWORD }]);
    assert.deepEqual(real, [429]);
    assert.match(last.text, /登录尝试过于频繁/);
  });

  it('does not count successful logins against the address', async () => {
    for (let i = 0; i < LOGIN_LIMIT_PER_IP.limit + 2; i++) await login(h.app, 'jj-staff'); // throws unless 303
    const { statuses } = await attempts(request.agent(h.app), [{ username: 'jj-staff', password: 'wrong-password' }]);
    assert.deepEqual(statuses, [401]);
  });
});
