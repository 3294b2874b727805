import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { checkPasswordRules, hashPassword, needsRehash, verifyPassword } from '../../server/passwords/index.js';

describe('passwords', () => {
  it('hashes with scrypt in a versioned format that carries its parameters', async () => {
    const hash = await hashPassword('a-long-password');
    assert.match(hash, /^\$scrypt\$v=1\$ln=15,r=8,p=3\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    assert.notEqual(await hashPassword('a-long-password'), hash, 'each hash has its own salt');
    assert.equal(needsRehash(hash), false);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('a-long-password');
    assert.equal(await verifyPassword('a-long-password', hash), true);
    assert.equal(await verifyPassword('a-long-passwore', hash), false);
    assert.equal(await verifyPassword('', hash), false);
  });

  it('verifies a bcrypt hash from before the switch and asks for a rehash', async () => {
    const legacy = bcrypt.hashSync('a-long-password', 4);
    assert.equal(await verifyPassword('a-long-password', legacy), true);
    assert.equal(await verifyPassword('wrong-password', legacy), false);
    assert.equal(needsRehash(legacy), true);
  });

  it('never matches a malformed or unknown hash', async () => {
    const good = await hashPassword('a-long-password');
    const cases = [
      '',
      'a-long-password',
      good.replace('v=1', 'v=2'),
      good.replace('ln=15', 'ln=30'), // a planted cost must not allocate gigabytes
      good.replace(/\$[^$]+$/, '$c2hvcnQ='),
      `${good}$extra`,
      '$2b$12$short',
    ];
    for (const stored of cases) assert.equal(await verifyPassword('a-long-password', stored), false, stored);
  });

  it('asks for a rehash when the stored parameters are not the current ones', async () => {
    const hash = await hashPassword('a-long-password');
    assert.equal(needsRehash(hash.replace('ln=15', 'ln=14')), true);
  });

  it('states the length rules in Chinese', () => {
    assert.throws(() => checkPasswordRules('short'), /密码至少 10 个字符/);
    assert.throws(() => checkPasswordRules('x'.repeat(129)), /密码最多 128 个字符/);
    assert.throws(() => checkPasswordRules(undefined), /密码至少 10 个字符/);
    checkPasswordRules('x'.repeat(128));
  });
});
