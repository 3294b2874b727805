// The sample city's 社保卡补办 (renshe/shebaoka-buban) through the app: posting the card needs an
// address, and staff can ask for more documents (补齐补正) or refuse at intake (不予受理).
import assert from 'node:assert/strict';
import path from 'node:path';
import request from 'supertest';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import type { AccountBuild } from '../../server/builder/types.js';
import { projectRoot } from '../../server/config.js';
import { createTestApp, FILES, move, type TestApp } from '../loop/applications/test-app.js';

const URL = '/api/services/renshe/shebaoka-buban/applications';
const FORM = { name: '张三', idNumber: '11010519491231002X', mobile: '13800138000', reason: 'lost' };

function submit(t: TestApp, fields: Record<string, string>) {
  let req = request(t.app).post(URL).set('Cookie', t.cookie('citizen-a'));
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req.attach('photo', FILES.png, 'photo.png');
}

describe('sample 社保卡补办 service', () => {
  let build: AccountBuild;
  let t: TestApp;

  before(async function () {
    this.timeout(30_000);
    build = buildAccount(await loadCityFromDir(path.join(projectRoot, 'topics')), { publicBaseUrl: 'https://gov.example.cn' });
    assert.deepEqual(build.diagnostics.filter((d) => d.severity === 'error'), []);
  });
  beforeEach(() => (t = createTestApp({ build, now: '2026-11-20T02:00:00Z' })));
  afterEach(() => t.cleanup());

  it('refuses postal delivery without a mailing address', async () => {
    const res = await submit(t, { ...FORM, delivery: 'post' }).expect(400);
    assert.deepEqual(res.body.details.map((d: { field: string }) => d.field), ['mailAddress']);
  });

  it('accepts postal delivery with an address and hall pickup without one', async () => {
    await submit(t, { ...FORM, delivery: 'post', mailAddress: '东湖区八一大道 357 号 2 栋' }).expect(201);
    await submit(t, { ...FORM, delivery: 'hall' }).expect(201);
  });

  it('lets staff ask for more documents (补齐补正) or refuse at intake (不予受理)', async () => {
    const token = await t.staff('renshe');
    const first = (await submit(t, { ...FORM, delivery: 'hall' }).expect(201)).body.no;
    const res = await move(t, token, first, 'supplement', { note: '照片不是白底，请重新上传' }).expect(200);
    assert.equal(res.body.stage, 'supplement');
    const second = (await submit(t, { ...FORM, reason: 'damaged', delivery: 'hall' }).expect(201)).body.no;
    assert.equal((await move(t, token, second, 'not-accepted', { note: '该卡已在其他城市补办' }).expect(200)).body.stage, 'not-accepted');
  });
});
