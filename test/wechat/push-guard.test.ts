import assert from 'node:assert/strict';
import { createPushGuard } from '../../server/wechat/push-guard.js';

describe('createPushGuard', () => {
  let clock: number;
  let lines: string[];
  const guard = (options: { maxNonces?: number } = {}) =>
    createPushGuard({ maxClockSkewS: 300, warn: (l) => lines.push(l), nowMs: () => clock, ...options });
  const seconds = () => String(Math.floor(clock / 1000));
  beforeEach(() => {
    clock = 1_800_000_000_000;
    lines = [];
  });

  it('accepts a timestamp at the edge of the window and refuses one past it, either way', () => {
    const g = guard();
    const now = Math.floor(clock / 1000);
    assert.equal(g.checkTimestamp(String(now - 300)), undefined);
    assert.equal(g.checkTimestamp(String(now + 300)), undefined);
    assert.equal(g.checkTimestamp(String(now - 301)), 'stale-timestamp');
    assert.equal(g.checkTimestamp(String(now + 301)), 'stale-timestamp');
    assert.equal(g.stats().refused['stale-timestamp'], 2);
  });

  it('folds a burst of stale pushes into one alarm a minute with the count', () => {
    const g = guard();
    const old = String(Math.floor(clock / 1000) - 3600);
    for (let i = 0; i < 5; i++) g.checkTimestamp(old);
    assert.equal(lines.length, 1);
    clock += 61_000;
    g.checkTimestamp(old);
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /最近 1 分钟 5 次，累计 6 次/);
  });

  it('counts timestamps that are not digits separately', () => {
    const g = guard();
    for (const t of ['abc', undefined, ['1', '2'], '12345678901234']) assert.equal(g.checkTimestamp(t), 'invalid-timestamp');
    assert.deepEqual(g.stats().refused, { 'invalid-timestamp': 4, 'stale-timestamp': 0, 'replayed-nonce': 0 });
  });

  it('binds a nonce to its first body for twice the window, then forgets it', () => {
    const g = guard();
    const ts = seconds();
    assert.equal(g.checkNonce(ts, 'n1', '<xml>a</xml>'), undefined);
    assert.equal(g.checkNonce(ts, 'n1', '<xml>a</xml>'), undefined, 'a retry with the same body');
    assert.equal(g.checkNonce(ts, 'n1', '<xml>b</xml>'), 'replayed-nonce');
    assert.equal(g.checkNonce(ts, 'n2', '<xml>b</xml>'), undefined, 'another nonce is another push');
    clock += 599_000;
    assert.equal(g.checkNonce(ts, 'n1', '<xml>c</xml>'), 'replayed-nonce');
    clock += 2_000;
    assert.equal(g.checkNonce(ts, 'n1', '<xml>c</xml>'), undefined);
    assert.equal(g.stats().refused['replayed-nonce'], 2);
  });

  it('keeps at most maxNonces, dropping the oldest first', () => {
    const g = guard({ maxNonces: 3 });
    const ts = seconds();
    for (const n of ['a', 'b', 'c', 'd']) g.checkNonce(ts, n, n);
    assert.equal(g.checkNonce(ts, 'd', 'other'), 'replayed-nonce');
    assert.equal(g.checkNonce(ts, 'a', 'other'), undefined, 'a was dropped to make room');
  });
});
