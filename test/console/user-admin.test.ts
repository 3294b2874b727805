// 账号管理 in the console: the platform team lists, adds, changes, resets and disables accounts;
// every change is audited, unknown departments and weak passwords are refused.
import assert from 'node:assert/strict';
import request from 'supertest';
import { readAudit } from '../../server/audit/audit.js';
import { usersOf } from '../../server/console/users.js';
import { addTestUsers, createHarness, csrfFrom, login, PASSWORD, type Harness, type Session } from './harness.js';

const NEW_PASSWORD = 'violet-lantern-harbour';

describe('console user administration', () => {
  let h: Harness;
  let plat: Session;
  const post = (s: Session, url: string, body: Record<string, string | string[]>) => s.agent.post(url).type('form').send({ ...body, _csrf: s.csrf });
  const idOf = async (username: string) => (await usersOf(h.store).findBy('username', username))[0]!.id;
  const actions = async () => (await readAudit(h.store)).filter((r) => r.action.startsWith('user.')).map((r) => `${r.actor} ${r.action} ${r.target}${r.detail ? ` ${r.detail}` : ''}`).reverse();

  beforeEach(async () => {
    h = await createHarness();
    await addTestUsers(h.store);
    plat = await login(h.app, 'plat');
  });

  it('lists every account with role, departments and state, for the platform team only', async () => {
    const page = (await plat.agent.get('/console/users').expect(200)).text;
    for (const name of ['plat', 'jj-admin', 'sb-admin', 'jj-staff']) assert.match(page, new RegExp(`id="user-${name}"`));
    assert.match(page, /部门管理员<\/td><td>市公安局交通警察支队/);
    const jj = await login(h.app, 'jj-admin');
    await jj.agent.get('/console/users').expect(403);
    await post(jj, '/console/users', { username: 'sneaky', password: NEW_PASSWORD, role: 'platform' }).expect(403);
  });

  it('adds an account that can then sign in, and audits it', async () => {
    await post(plat, '/console/users', { username: 'jj-staff2', password: NEW_PASSWORD, role: 'staff', departments: 'jiaojing' }).expect(303).expect('location', '/console/users?msg=added');
    await login(h.app, 'jj-staff2', NEW_PASSWORD);
    assert.deepEqual(await actions(), ['plat user.add 账号 jj-staff2 部门工作人员（jiaojing）']);
  });

  it('refuses an unknown department and a weak password on the page, creating nothing', async () => {
    const unknown = await post(plat, '/console/users', { username: 'xx-admin', password: NEW_PASSWORD, role: 'dept-admin', departments: 'nosuchdept' }).expect(400);
    assert.match(unknown.text, /部门不存在：nosuchdept/);
    const weak = await post(plat, '/console/users', { username: 'xx-admin', password: 'password123', role: 'platform' }).expect(400);
    assert.match(weak.text, /密码太容易被猜中/);
    assert.equal((await usersOf(h.store).findBy('username', 'xx-admin')).length, 0);
    assert.deepEqual(await actions(), []);
  });

  it('changes role and departments with immediate effect', async () => {
    const jj = await login(h.app, 'jj-admin');
    await jj.agent.get('/console/departments/jiaojing').expect(200);
    await post(plat, `/console/users/${await idOf('jj-admin')}/role`, { role: 'dept-admin', departments: ['shebao'] }).expect(303);
    await jj.agent.get('/console/departments/jiaojing').expect(403);
    await jj.agent.get('/console/departments/shebao').expect(200);
    await post(plat, `/console/users/${await idOf('jj-admin')}/role`, { role: 'dept-admin', departments: ['nosuchdept'] }).expect(400);
    assert.deepEqual(await actions(), ['plat user.update 账号 jj-admin 部门管理员（jiaojing） → 部门管理员（shebao）']);
  });

  it('resets a password: the old one stops working and open sessions end', async () => {
    const jj = await login(h.app, 'jj-admin');
    await post(plat, `/console/users/${await idOf('jj-admin')}/password`, { password: 'qwertyuiop' }).expect(400);
    await post(plat, `/console/users/${await idOf('jj-admin')}/password`, { password: NEW_PASSWORD }).expect(303);
    await jj.agent.get('/console/departments').expect(303).expect('location', /\/console\/login/);
    await assert.rejects(login(h.app, 'jj-admin', PASSWORD), /login of jj-admin failed: 401/);
    await login(h.app, 'jj-admin', NEW_PASSWORD);
    assert.deepEqual(await actions(), ['plat user.password 账号 jj-admin']);
  });

  it('disables an account (sessions end, no sign-in) and enables it again', async () => {
    const staff = await login(h.app, 'jj-staff');
    await post(plat, `/console/users/${await idOf('jj-staff')}/disable`, {}).expect(303);
    await staff.agent.get('/console/').expect(303);
    await assert.rejects(login(h.app, 'jj-staff'), /401/);
    const page = (await plat.agent.get('/console/users').expect(200)).text;
    assert.match(page.slice(page.indexOf('id="user-jj-staff"')), /已停用/);
    await post(plat, `/console/users/${await idOf('jj-staff')}/enable`, {}).expect(303);
    await login(h.app, 'jj-staff');
    assert.deepEqual(await actions(), ['plat user.disable 账号 jj-staff', 'plat user.enable 账号 jj-staff']);
  });

  it('keeps the platform manageable: no self-disable, no demoting the last platform account', async () => {
    const me = await idOf('plat');
    const self = await post(plat, `/console/users/${me}/disable`, {}).expect(409);
    assert.match(self.text, /不能停用自己的账号/);
    await post(plat, `/console/users/${me}/role`, { role: 'staff', departments: 'jiaojing' }).expect(409);
    await post(plat, '/console/users/nope/disable', {}).expect(404);
    const anon = await request(h.app).get('/console/login');
    assert.ok(csrfFrom(anon.text));
  });
});
