import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { addUser, usersOf, verifyLogin } from '../../server/console/users.js';
import { createMemoryStore } from '../../server/store/memory-store.js';

describe('addUser', () => {
  it('stores a scrypt hash, never the password', async () => {
    const store = createMemoryStore();
    const user = await addUser(store, { username: 'jj-admin', password: 'a-long-password', role: 'dept-admin', departments: ['jiaojing'] });
    assert.equal('passwordHash' in user, false);
    const [stored] = await usersOf(store).list();
    assert.match(stored!.passwordHash, /^\$scrypt\$v=1\$/);
    assert.ok(!JSON.stringify(stored).includes('a-long-password'));
    assert.ok(await verifyLogin(store, 'jj-admin', 'a-long-password'));
    assert.equal(await verifyLogin(store, 'jj-admin', 'wrong-password'), undefined);
    assert.equal(await verifyLogin(store, 'nobody', 'a-long-password'), undefined);
  });

  it('accepts a bcrypt hash from before the switch once, then stores scrypt instead', async () => {
    const store = createMemoryStore();
    await addUser(store, { username: 'plat', password: 'a-long-password', role: 'platform' });
    const [user] = await usersOf(store).list();
    await usersOf(store).put({ ...user!, passwordHash: bcrypt.hashSync('old-password-1', 4) });
    assert.equal(await verifyLogin(store, 'plat', 'wrong-password'), undefined);
    assert.match((await usersOf(store).get(user!.id))!.passwordHash, /^\$2[ab]\$/, 'a failed login changes nothing');
    const found = await verifyLogin(store, 'plat', 'old-password-1');
    assert.equal(found?.username, 'plat');
    const rehashed = (await usersOf(store).get(user!.id))!.passwordHash;
    assert.match(rehashed, /^\$scrypt\$v=1\$/);
    assert.ok(await verifyLogin(store, 'plat', 'old-password-1'));
  });

  it('finds the user under the name as login normalises it (trim, NFKC)', async () => {
    const store = createMemoryStore();
    await addUser(store, { username: 'plat', password: 'a-long-password', role: 'platform' });
    assert.equal((await verifyLogin(store, ' plat\t', 'a-long-password'))?.username, 'plat');
    assert.equal((await verifyLogin(store, 'ｐｌａｔ', 'a-long-password'))?.username, 'plat');
  });

  const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
    ['a short username', { username: 'ab' }, /用户名须为 3~32 位/],
    ['a short password', { password: 'short' }, /密码至少 10 个字符/],
    ['an unknown role', { role: 'admin' }, /角色无效：admin/],
    ['a dept-admin without department', { departments: [] }, /必须至少指定一个部门/],
    ['a malformed department id', { departments: ['Jiao Jing'] }, /部门编号无效：Jiao Jing/],
    ['a common password', { password: 'password123' }, /密码太容易被猜中：这是常用密码/],
    ['a keyboard row', { password: 'qwertyuiop' }, /密码太容易被猜中/],
    ['a run of digits', { password: '1234567890' }, /密码太容易被猜中/],
    ['a repeated character', { password: 'aaaaaaaaaaaa' }, /密码太容易被猜中：像“aaa”这样重复的字符很容易被猜中/],
    ['the username with a year', { password: 'jj-admin2026' }, /密码太容易被猜中/],
  ];
  for (const [what, change, message] of invalid) {
    it(`refuses ${what} in Chinese`, async () => {
      const input = { username: 'jj-admin', password: 'a-long-password', role: 'dept-admin', departments: ['jiaojing'], ...change };
      await assert.rejects(addUser(createMemoryStore(), input as never), message);
    });
  }

  it('refuses a username that is taken', async () => {
    const store = createMemoryStore();
    await addUser(store, { username: 'plat', password: 'a-long-password', role: 'platform' });
    await assert.rejects(addUser(store, { username: 'plat', password: 'another-password', role: 'platform' }), /用户名已存在：plat/);
  });

  it('refuses a department the city does not have, naming the ones it has', async () => {
    const input = { username: 'xx-admin', password: 'a-long-password', role: 'dept-admin', departments: ['jiaojng'] };
    await assert.rejects(addUser(createMemoryStore(), input, new Date(), ['jiaojing', 'shebao']), /部门不存在：jiaojng（现有部门：jiaojing、shebao）/);
  });
});
