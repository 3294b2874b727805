import assert from 'node:assert/strict';
import { loadConfig } from '../../../server/config.js';
import type { LoopDeps } from '../../../server/loop/deps.js';
import { UploadBytesExceededError, UploadCountExceededError, withinUploadQuota } from '../../../server/loop/uploads/upload-quota.js';
import { createMemoryStore } from '../../../server/store/memory-store.js';

describe('withinUploadQuota', () => {
  let deps: LoopDeps;
  let now: Date;
  beforeEach(() => {
    now = new Date('2026-11-20T02:00:00Z');
    const config = { ...loadConfig({}), uploadQuota: { filesPerDay: 3, bytesPerDay: 1000 } };
    // Only config, store and the clock are used by the quota.
    deps = { config, store: createMemoryStore(), now: () => now } as unknown as LoopDeps;
  });
  const keep = (sizes: number[], openid = 'a') => withinUploadQuota(deps, openid, sizes.map((size) => ({ size })), async () => 'kept');

  it('runs the action while the files fit and refuses the file past the count with 429', async () => {
    assert.equal(await keep([10, 10]), 'kept');
    assert.equal(await keep([10]), 'kept');
    await assert.rejects(keep([10]), (e) => e instanceof UploadCountExceededError && e.status === 429);
  });

  it('refuses bytes past the daily total with 413', async () => {
    await keep([600]);
    await assert.rejects(keep([401]), (e) => e instanceof UploadBytesExceededError && e.status === 413);
    assert.equal(await keep([400]), 'kept');
  });

  it('counts nothing when the action fails', async () => {
    await assert.rejects(withinUploadQuota(deps, 'a', [{ size: 900 }], async () => Promise.reject(new Error('disk full'))));
    assert.equal(await keep([900]), 'kept');
  });

  it('forgets uploads older than 24 hours', async () => {
    await keep([10, 10, 10]);
    now = new Date(now.getTime() + 24 * 3600_000 + 1);
    assert.equal(await keep([10, 10, 10]), 'kept');
  });

  it('does not count an empty submission', async () => {
    await keep([10, 10, 10]);
    assert.equal(await keep([]), 'kept');
  });
});
