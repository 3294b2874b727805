// 绑定信息 on the staff workbench: counts and lookups by key for the user's own departments only,
// every value masked, every lookup audited.
import assert from 'node:assert/strict';
import express from 'express';
import { addBinding } from '../../server/bindings/index.js';
import { createConsoleRouter } from '../../server/http/console/console-router.js';
import { createPublisher } from '../../server/publish/publisher.js';
import { createRenderer } from '../../server/render.js';
import { loadConfig } from '../../server/config.js';
import { FakeWechatClient } from '../fakes/fake-wechat-client.js';
import { addTestUsers, login } from '../console/harness.js';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bindingsDeps, cityWithBindings } from './bindings-fixture.js';

const dirs: string[] = [];

async function setup() {
  const city = cityWithBindings();
  const bindings = bindingsDeps(city.build('http://localhost:3000'));
  // The console's department pages read the published version: store one from these files.
  const dir = await mkdtemp(path.join(tmpdir(), 'onestop-console-bindings-'));
  dirs.push(dir);
  for (const file of city.toFiles().files) {
    await mkdir(path.dirname(path.join(dir, file.path)), { recursive: true });
    await writeFile(path.join(dir, file.path), file.text);
  }
  const { store, live } = bindings;
  const config = loadConfig({ PUBLIC_BASE_URL: 'http://localhost:3000', DATA_DIR: '/nonexistent', SESSION_SECRET: 'console-test-session-secret-32-chars' });
  const client = new FakeWechatClient();
  const publisher = createPublisher({ store, live, client, publicBaseUrl: config.publicBaseUrl });
  const gateway = { simulate: async () => ({ reply: { kind: 'none' as const }, trace: { answeredBy: 'none' as const, reason: '' } }) };
  await publisher.bootstrap(dir);
  const app = express();
  app.use('/console', createConsoleRouter({ config, store, live, client, renderer: createRenderer(), publisher, gateway, bindings }));
  await addTestUsers(store);
  await addBinding(bindings, { openid: 'o-owner-123456', department: 'jiaojing', kind: 'vehicle', fields: { plateType: '02', plateNumber: '鄂A12345', vinLast6: '4F2A91' } });
  await addBinding(bindings, { openid: 'o-card-holder', department: 'shebao', kind: 'card', fields: { idNumber: '420102199003071232', name: '张三' } });
  return { app, store };
}

describe('the workbench’s 绑定信息 page', () => {
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('shows a department’s staff only their kinds, and who holds a plate, masked', async () => {
    const { app, store } = await setup();
    const s = await login(app, 'jj-staff');
    const home = await s.agent.get('/console/work/bindings').expect(200);
    assert.match(home.text, /机动车/);
    assert.doesNotMatch(home.text, /社保卡/);
    const found = await s.agent.get('/console/work/bindings').query({ kind: 'jiaojing/vehicle', plateType: '02', plateNumber: '鄂a12345' }).expect(200);
    assert.match(found.text, /机动车 小型汽车 鄂A1\*\*\*5/);
    assert.match(found.text, /…123456/);
    assert.doesNotMatch(found.text, /4F2A91|o-owner-123456/);
    const log = JSON.stringify(await store.log('audit').read());
    assert.match(log, /"action":"binding.lookup","target":"机动车（[^）]+），1 条"/);
    assert.doesNotMatch(log, /鄂A12345|鄂a12345/);
  });

  it('marks a binding the department’s system no longer knows (reminders paused)', async () => {
    const { app, store } = await setup();
    const bindings = store.collection<{ id: string; kind: string; goneOn?: string }>('bindings');
    const vehicle = (await bindings.list()).find((b) => b.kind === 'vehicle')!;
    const s = await login(app, 'jj-staff');
    const query = { kind: 'jiaojing/vehicle', plateType: '02', plateNumber: '鄂A12345' };
    assert.doesNotMatch((await s.agent.get('/console/work/bindings').query(query).expect(200)).text, /查不到/);
    await bindings.update(vehicle.id, (b) => ({ ...b, goneOn: '2026-11-30' }));
    const found = await s.agent.get('/console/work/bindings').query(query).expect(200);
    assert.match(found.text, /部门系统自 2026-11-30 起查不到，提醒已暂停/);
  });

  it('does not look up another department’s kind', async () => {
    const { app } = await setup();
    const s = await login(app, 'jj-staff');
    const res = await s.agent.get('/console/work/bindings').query({ kind: 'shebao/card', idNumber: '420102199003071232' }).expect(200);
    assert.doesNotMatch(res.text, /查询结果|420102\*/);
  });

  it('shows the platform team every kind', async () => {
    const { app } = await setup();
    const s = await login(app, 'plat');
    const res = await s.agent.get('/console/work/bindings').expect(200);
    assert.match(res.text, /机动车/);
    assert.match(res.text, /社保卡/);
  });
});
