// An unmatched message on a full disk: no desk ticket can be stored, so the citizen must not be
// told a person will answer. The gateway says so in its log and on the health page.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { DESK_TICKETS } from '../../server/desk/desk-handoff.js';
import { createGateway } from '../../server/gateway/gateway.js';
import { createHealthRouter } from '../../server/http/health/health-router.js';
import { createWechatRouter } from '../../server/http/wechat/wechat-router.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createLowdbStore } from '../../server/store/lowdb-store.js';
import type { Store } from '../../server/store/types.js';
import { FaultyFs } from '../fakes/faulty-fs.js';
import { makeBuild } from './build-fixture.js';
import { signedPost, testConfig, textXml } from './harness.js';

describe('desk hand-off on a full disk', () => {
  let dir: string;
  let disk: FaultyFs;
  let store: Store;
  let warnings: string[];
  let app: express.Express;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'onestop-desk-full-'));
    disk = new FaultyFs();
    warnings = [];
    store = await createLowdbStore(dir, { shards: 4, fs: disk, warn: () => {} });
    const live = createLiveBuild(makeBuild());
    const gateway = createGateway({ store, live, warn: (line) => warnings.push(line) });
    app = express();
    app.use('/wechat', createWechatRouter({ config: testConfig(), store, live, gateway, warn: () => {} }));
    app.use('/healthz', createHealthRouter({ gateway }));
  });
  afterEach(async () => {
    disk.freeBytes = Infinity;
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('tells the citizen to send again, logs it and counts it on the health page when no ticket can be stored', async () => {
    const healthy = await request(app).get('/healthz').expect(200);
    assert.equal(healthy.body.gateway.deskTicketFailures, 0);

    disk.freeBytes = 0;
    const res = await signedPost(app, textXml('我家楼下的路灯坏了三天了', 'o-full'), 'plain').expect(200);
    assert.match(res.text, /系统暂时无法登记您的留言/);
    assert.match(res.text, /12345/, 'the hotline is offered');
    assert.doesNotMatch(res.text, /已转人工客服/, 'no promise that a person will answer');
    assert.equal(await store.collection(DESK_TICKETS).count(), 0);
    assert.ok(warnings.some((w) => w.includes('人工客服工单登记失败') && w.includes('存储空间已满')), warnings.join('\n'));

    const health = await request(app).get('/healthz').expect(200);
    assert.equal(health.headers['cache-control'], 'no-store');
    assert.equal(health.body.status, 'degraded');
    assert.equal(health.body.gateway.deskTicketFailures, 1);
    assert.equal(health.body.gateway.lastFailure.kind, 'deskTicket');
    assert.equal(health.body.gateway.lastFailure.code, 'STORAGE_FULL');
    assert.ok(health.body.storage.refusedWrites >= 1);
    assert.doesNotMatch(JSON.stringify(health.body), new RegExp(dir), 'no server path on the health page');
  });

  it('hands the next message over as usual once space returns', async () => {
    disk.freeBytes = 0;
    await signedPost(app, textXml('第一条留言', 'o-full'), 'plain').expect(200);
    disk.freeBytes = Infinity;
    const res = await signedPost(app, textXml('第二条留言', 'o-full'), 'plain').expect(200);
    assert.match(res.text, /人工客服|工作人员/);
    const tickets = await store.collection<{ id: string; text: string }>(DESK_TICKETS).list();
    assert.deepEqual(tickets.map((t) => t.text), ['第二条留言']);
  });
});
