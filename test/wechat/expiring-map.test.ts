import assert from 'node:assert/strict';
import { ExpiringMap, ownString } from '../../server/wechat/expiring-map.js';

describe('ExpiringMap', () => {
  it('answers a key until its lifetime has passed', () => {
    const map = new ExpiringMap<string>(1000, 10);
    map.set('a', 'x', 0);
    assert.equal(map.get('a', 999), 'x');
    assert.equal(map.get('a', 1000), undefined);
    assert.equal(map.get('b', 0), undefined);
  });

  it('drops expired keys as new ones come, and the oldest past its bound', () => {
    const map = new ExpiringMap<number>(1000, 3);
    for (const [i, key] of ['a', 'b', 'c'].entries()) map.set(key, i, 0);
    map.set('d', 3, 0);
    assert.equal(map.size, 3);
    assert.equal(map.get('a', 0), undefined, 'the oldest made room');
    map.set('e', 4, 1000);
    assert.equal(map.size, 1, 'b, c and d expired');
    assert.equal(map.get('e', 1999), 4);
  });

  it('starts a key set again over, and keeps its values in order across growth of the ring', () => {
    const map = new ExpiringMap<number>(1000, 5000);
    map.set('k', 1, 0);
    map.set('k', 2, 500);
    assert.equal(map.get('k', 1200), 2, 'the second set counts from 500');
    for (let i = 0; i < 3000; i++) map.set(`key-${i}`, i, 600);
    assert.equal(map.size, 3001);
    assert.equal(map.get('key-0', 600), 0);
    assert.equal(map.get('key-2999', 600), 2999);
    assert.equal(map.get('k', 1499), 2);
    assert.equal(map.get('k', 1500), undefined);
  });
});

describe('ownString', () => {
  it('gives the same text back', () => {
    const key = `m:${'o'.repeat(28)}:${Math.random()}`;
    assert.equal(ownString(key), key);
    assert.equal(ownString('e\u0301'), 'e\u0301');
  });
});
