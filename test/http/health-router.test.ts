import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import type { Gateway, GatewayHealth } from '../../server/gateway/index.js';
import { createHealthRouter } from '../../server/http/health/health-router.js';
import type { StorageHealth } from '../../server/store/index.js';
import type { PushGuardStats } from '../../server/wechat/index.js';

const NOW = new Date('2026-11-25T10:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();

function appWith(gateway: GatewayHealth, storage: StorageHealth, pushes?: PushGuardStats) {
  const app = express();
  app.use('/healthz', createHealthRouter({ gateway: { health: () => gateway } as Gateway, storage: () => storage, now: () => NOW, ...(pushes ? { pushes: () => pushes } : {}) }));
  return app;
}

const quietGateway: GatewayHealth = { deskTicketFailures: 0, processingFailures: 0, lastFailure: null };
const quietStorage: StorageHealth = { refusedWrites: 0, lastRefusal: null };

describe('GET /healthz', () => {
  it('says ok with zero counts when nothing failed', async () => {
    const res = await request(appWith(quietGateway, quietStorage)).get('/healthz').expect(200);
    assert.deepEqual(res.body, { status: 'ok', gateway: quietGateway, storage: quietStorage, uploadSweep: null, wechatPushes: null });
  });

  it('says degraded while a lost desk ticket or a refused write is less than 15 minutes old', async () => {
    const lost = { ...quietGateway, deskTicketFailures: 1, lastFailure: { kind: 'deskTicket' as const, at: minutesAgo(14), message: '服务器存储空间已满', code: 'STORAGE_FULL' } };
    assert.equal((await request(appWith(lost, quietStorage)).get('/healthz')).body.status, 'degraded');
    const refused = { refusedWrites: 3, lastRefusal: { at: minutesAgo(1), reason: 'ENOSPC' } };
    assert.equal((await request(appWith(quietGateway, refused)).get('/healthz')).body.status, 'degraded');
  });

  it('returns to ok once the last failure is older, keeping the counts', async () => {
    const old = { ...quietGateway, deskTicketFailures: 2, lastFailure: { kind: 'deskTicket' as const, at: minutesAgo(16), message: 'x' } };
    const res = await request(appWith(old, quietStorage)).get('/healthz').expect(200);
    assert.equal(res.body.status, 'ok');
    assert.equal(res.body.gateway.deskTicketFailures, 2);
  });

  it('shows refused WeChat pushes and says degraded while a stale timestamp is recent', async () => {
    const refused = { 'invalid-timestamp': 1, 'stale-timestamp': 4, 'replayed-nonce': 2 };
    const recentStale: PushGuardStats = { refused, lastStale: { skewS: 420, at: minutesAgo(3) } };
    const res = await request(appWith(quietGateway, quietStorage, recentStale)).get('/healthz').expect(200);
    assert.equal(res.body.status, 'degraded');
    assert.deepEqual(res.body.wechatPushes, recentStale);
    const oldStale: PushGuardStats = { refused, lastStale: { skewS: 420, at: minutesAgo(30) } };
    assert.equal((await request(appWith(quietGateway, quietStorage, oldStale)).get('/healthz')).body.status, 'ok');
  });
});
