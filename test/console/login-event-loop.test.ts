// Password checks run off the main thread: a burst of failed logins must not hold the event
// loop that every other request (pages, WeChat pushes) needs. Measured as event-loop delay,
// which does not depend on how fast or busy the machine is.
import assert from 'node:assert/strict';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import bcrypt from 'bcryptjs';
import request from 'supertest';
import { addUser, usersOf } from '../../server/console/users.js';
import { PASSWORD, createHarness, csrfFrom } from './harness.js';

describe('console login under a burst of failed attempts', () => {
  it('keeps the event loop free for other requests (scrypt and legacy bcrypt hashes)', async function () {
    this.timeout(60_000); // twelve real password checks on a shared 2-core machine
    const h = await createHarness();
    await addUser(h.store, { username: 'plat', password: PASSWORD, role: 'platform' });
    const legacy = await addUser(h.store, { username: 'jj-admin', password: PASSWORD, role: 'dept-admin', departments: ['jiaojing'] });
    await usersOf(h.store).update(legacy.id, (u) => ({ ...u, passwordHash: bcrypt.hashSync('an-old-password', 12) }));

    const agent = request.agent(h.app);
    const form = await agent.get('/console/login').expect(200);
    const csrf = csrfFrom(form.text);
    const attempt = (username: string) =>
      agent.post('/console/login').type('form').send({ username, password: 'wrong-password', _csrf: csrf });

    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const elu0 = performance.eventLoopUtilization();
    const failures = ['plat', 'jj-admin'].flatMap((u) => Array.from({ length: 6 }, () => attempt(u)));
    const other = agent.get('/console/login').expect(200);
    const results = await Promise.all([...failures, other]);
    delay.disable();
    const elu = performance.eventLoopUtilization(elu0).utilization;

    assert.deepEqual(results.slice(0, -1).map((r) => r.status), Array(12).fill(401));
    const meanMs = delay.mean / 1e6;
    // With bcryptjs on the main thread: mean delay ~600 ms (its 100 ms slices of 12 compares run
    // back to back, whatever the CPU) and utilisation 1.0. Off the main thread the loop is mostly idle; the mean
    // then only reflects how busy the machine is (under 30 ms even on a loaded 2-core box).
    assert.ok(meanMs < 150, `mean event-loop delay ${meanMs.toFixed(1)} ms (max ${(delay.max / 1e6).toFixed(0)} ms)`);
    assert.ok(elu < 0.5, `event-loop utilisation ${elu.toFixed(2)}`);
  });
});
