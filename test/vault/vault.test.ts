// Field encryption at rest: AES-256-GCM with a key id in each ciphertext (rotation), the record's
// context as authenticated data, and keyed blind indexes.
import assert from 'node:assert/strict';
import { ConfigError } from '../../server/errors.js';
import { DEVELOPMENT_VAULT, DEVELOPMENT_VAULT_KEY_ID, loadConfig } from '../../server/config.js';
import { createVault, VaultError } from '../../server/vault/index.js';
import { TEST_VAULT_ENV } from '../support/vault-env.js';

const key = (byte: number) => Buffer.alloc(32, byte);
const REAL = { WECHAT_APPID: 'wx1', WECHAT_SECRET: 's', WECHAT_TOKEN: 't', SESSION_SECRET: 'z'.repeat(32), PUBLIC_BASE_URL: 'https://gov.example.cn' };

describe('createVault', () => {
  const vault = createVault({ keys: [{ id: 'k1', key: key(1) }], indexKey: key(2) });

  it('opens what it sealed, and the ciphertext carries neither the value nor its length pattern in clear', () => {
    const sealed = vault.seal('鄂A12345', 'binding:1');
    assert.match(sealed, /^v1\.k1\.[A-Za-z0-9_-]+$/);
    assert.equal(sealed.includes('鄂A12345'), false);
    assert.equal(Buffer.from(sealed.split('.')[2]!, 'base64url').includes(Buffer.from('鄂A12345')), false);
    assert.equal(vault.open(sealed, 'binding:1'), '鄂A12345');
  });

  it('seals the same value differently each time (a fresh IV per value)', () => {
    assert.notEqual(vault.seal('4F2A91', 'c'), vault.seal('4F2A91', 'c'));
  });

  it('refuses to open a ciphertext in another record’s context', () => {
    const sealed = vault.seal('420102199003071232', 'binding:a');
    assert.throws(() => vault.open(sealed, 'binding:b'), VaultError);
  });

  it('refuses a changed ciphertext', () => {
    const sealed = vault.seal('张三', 'c');
    const raw = Buffer.from(sealed.split('.')[2]!, 'base64url');
    raw[14] = raw[14]! ^ 1;
    assert.throws(() => vault.open(`v1.k1.${raw.toString('base64url')}`, 'c'), /校验失败/);
  });

  it('after a rotation writes with the new key and still opens what the old key wrote', () => {
    const old = vault.seal('鄂A0B789', 'c');
    const rotated = createVault({ keys: [{ id: 'k2', key: key(3) }, { id: 'k1', key: key(1) }], indexKey: key(2) });
    assert.equal(rotated.open(old, 'c'), '鄂A0B789');
    assert.equal(rotated.keyIdOf(rotated.seal('x', 'c')), 'k2');
    assert.equal(rotated.keyIdOf(old), 'k1');
  });

  it('names the missing key when a ciphertext’s key was dropped from the list', () => {
    const sealed = vault.seal('x', 'c');
    const without = createVault({ keys: [{ id: 'k2', key: key(3) }], indexKey: key(2) });
    assert.throws(() => without.open(sealed, 'c'), /没有编号为“k1”的解密密钥/);
  });

  it('gives equal blind indexes for equal values under one index key, different ones under another', () => {
    assert.equal(vault.blindIndex('p', '鄂A12345'), vault.blindIndex('p', '鄂A12345'));
    assert.notEqual(vault.blindIndex('p', '鄂A12345'), vault.blindIndex('q', '鄂A12345'));
    const other = createVault({ keys: [{ id: 'k1', key: key(1) }], indexKey: key(4) });
    assert.notEqual(other.blindIndex('p', '鄂A12345'), vault.blindIndex('p', '鄂A12345'));
    assert.match(vault.blindIndex('p', '鄂A12345'), /^[0-9a-f]{64}$/);
  });

  it('refuses keys that are not 32 bytes and repeated key ids', () => {
    assert.throws(() => createVault({ keys: [{ id: 'k', key: Buffer.alloc(16) }], indexKey: key(2) }), /32 字节/);
    assert.throws(() => createVault({ keys: [{ id: 'k', key: key(1) }, { id: 'k', key: key(2) }], indexKey: key(2) }), /重复/);
  });
});

describe('vault keys in the config', () => {
  it('uses the marked development key in local mode', () => {
    const config = loadConfig({});
    assert.equal(config.vault?.development, true);
    assert.equal(config.vault?.keys[0]?.id, DEVELOPMENT_VAULT_KEY_ID);
  });

  it('refuses to start with a real account and no vault keys', () => {
    assert.throws(() => loadConfig(REAL), (e) => e instanceof ConfigError && /VAULT_KEYS 和 VAULT_INDEX_KEY/.test(e.message));
  });

  it('reads the keys in order, the first one active', () => {
    const config = loadConfig({ ...REAL, VAULT_KEYS: `new:${key(5).toString('base64')}, old:${key(6).toString('base64')}`, VAULT_INDEX_KEY: key(7).toString('base64') });
    assert.deepEqual(config.vault?.keys.map((k) => k.id), ['new', 'old']);
    assert.equal(config.vault?.development, false);
    assert.equal(createVault(config.vault!).activeKeyId, 'new');
  });

  it('refuses the development key, short keys, a missing index key and malformed entries', () => {
    const dev = `x:${DEVELOPMENT_VAULT.keys[0]!.key.toString('base64')}`;
    const index = key(7).toString('base64');
    assert.throws(() => loadConfig({ ...REAL, VAULT_KEYS: dev, VAULT_INDEX_KEY: index }), /不能使用本地开发密钥/);
    assert.throws(() => loadConfig({ ...REAL, VAULT_KEYS: `k:${Buffer.alloc(16).toString('base64')}`, VAULT_INDEX_KEY: index }), /32 字节/);
    assert.throws(() => loadConfig({ ...REAL, VAULT_KEYS: TEST_VAULT_ENV.VAULT_KEYS }), /VAULT_INDEX_KEY/);
    assert.throws(() => loadConfig({ ...REAL, VAULT_KEYS: 'no-colon', VAULT_INDEX_KEY: index }), /编号:密钥/);
    assert.throws(() => loadConfig({ ...REAL, VAULT_KEYS: TEST_VAULT_ENV.VAULT_KEYS, VAULT_INDEX_KEY: DEVELOPMENT_VAULT.indexKey.toString('base64') }), /不能使用本地开发密钥/);
  });
});
