import assert from 'node:assert/strict';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createTestApp, FILES, type TestApp } from '../applications/test-app.js';

const URL = '/api/services/jiaojing/huanzheng/applications';

function validForm(t: TestApp, openid = 'citizen-a') {
  return request(t.app)
    .post(URL)
    .set('Cookie', t.cookie(openid))
    .field('name', '张三')
    .field('phone', '13800138000')
    .field('kind', 'C1')
    .attach('photo', FILES.png, '照片.png')
    .attach('medical', FILES.pdf, { filename: '../../体检.pdf', contentType: 'application/pdf' });
}

const uploads = (t: TestApp) => {
  const dir = path.join(t.dataDir, 'uploads');
  return existsSync(dir) ? readdirSync(dir) : [];
};

describe('POST /api/services/:dept/:service/applications', () => {
  let t: TestApp;
  beforeEach(() => (t = createTestApp()));
  afterEach(() => t.cleanup());

  it('creates an application with a number, the stage 收件 and the stored files', async () => {
    const res = await validForm(t).expect(201);
    assert.match(res.body.no, /^JJ-20261120-0001$/);
    assert.equal(res.body.stage, 'submitted');
    assert.equal(res.body.stageLabel, '已收件');
    assert.deepEqual(res.body.data, { name: '张三', phone: '13800138000', kind: 'C1' });
    assert.equal(res.body.attachments.length, 2);
    const medical = res.body.attachments.find((a: { name: string }) => a.name === 'medical');
    assert.equal(medical.ext, 'pdf');
    assert.equal(medical.originalName, '体检.pdf');
    assert.equal(uploads(t).length, 2);
    assert.ok(!uploads(t).some((f) => f.includes('体检')), 'stored names are random');
    assert.equal(res.body.clock.dueDate, null, 'the clock starts at acceptance');
  });

  it('requires a citizen session', async () => {
    const res = await request(t.app).post(URL).field('name', '张三').expect(401);
    assert.equal(res.body.code, 'UNAUTHORIZED');
  });

  it('answers every form and attachment problem in Chinese, naming the field', async () => {
    const res = await request(t.app)
      .post(URL)
      .set('Cookie', t.cookie('citizen-a'))
      .field('phone', '123')
      .field('kind', 'B9')
      .attach('photo', FILES.png, 'p.png')
      .expect(400);
    assert.equal(res.body.code, 'VALIDATION');
    const byField = Object.fromEntries(res.body.details.map((d: { field: string; message: string }) => [d.field, d.message]));
    assert.equal(byField.name, '请填写“姓名”');
    assert.match(byField.phone, /联系电话/);
    assert.match(byField.kind, /准驾车型/);
    assert.equal(byField.medical, '请上传“体检证明”');
    assert.deepEqual(uploads(t), [], 'nothing is written for a rejected request');
  });

  it('refuses a .pdf that is really an executable, by sniffing its content', async () => {
    const res = await request(t.app)
      .post(URL)
      .set('Cookie', t.cookie('citizen-a'))
      .field('name', '张三')
      .field('phone', '13800138000')
      .field('kind', 'C1')
      .attach('photo', FILES.jpg, 'a.jpg')
      .attach('medical', FILES.exe, { filename: 'medical.pdf', contentType: 'application/pdf' })
      .expect(400);
    assert.equal(res.body.message, '附件“体检证明”的文件类型不符，仅支持 PDF');
    assert.deepEqual(uploads(t), []);
  });

  it('answers 413 in Chinese for an attachment over its size limit and keeps no file', async () => {
    const big = Buffer.concat([FILES.png, Buffer.alloc(3 * 1024)]);
    const res = await request(t.app)
      .post(URL)
      .set('Cookie', t.cookie('citizen-a'))
      .field('name', '张三')
      .field('phone', '13800138000')
      .field('kind', 'C1')
      .attach('photo', big, 'big.png')
      .attach('medical', FILES.pdf, 'm.pdf')
      .expect(413);
    assert.equal(res.body.message, '附件“本人照片”超过大小限制（最大 2KB）');
    assert.deepEqual(uploads(t), []);
  });

  it('refuses a body larger than the service allows before reading it', async () => {
    const res = await request(t.app)
      .post(URL)
      .set('Cookie', t.cookie('citizen-a'))
      .set('Content-Type', 'multipart/form-data; boundary=x')
      .set('Content-Length', String(10 * 1024 * 1024))
      .send('--x--')
      .ok(() => true);
    assert.equal(res.status, 413);
  });

  it('refuses more files than the service declares', async () => {
    const res = await validForm(t).attach('extra', FILES.pdf, 'x.pdf').expect(400);
    assert.match(res.body.message, /最多上传 2 个附件/);
    assert.deepEqual(uploads(t), []);
  });

  it('answers 409 for a service that cannot be applied for online and 404 for an unknown one', async () => {
    await request(t.app).post('/api/services/shebao/tuixiu/applications').set('Cookie', t.cookie('a')).expect(409);
    await request(t.app).post('/api/services/shebao/nope/applications').set('Cookie', t.cookie('a')).expect(404);
  });

  it('gives concurrent submissions distinct consecutive numbers', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => validForm(t, `c${i}`)));
    const numbers = results.map((r) => r.body.no as string).sort();
    assert.deepEqual(numbers, Array.from({ length: 8 }, (_, i) => `JJ-20261120-000${i + 1}`));
  });

  it('numbers by the city date: 00:30 Beijing time is already the next day', async () => {
    t.clock.now = new Date('2026-11-20T16:30:00Z');
    const res = await validForm(t).expect(201);
    assert.equal(res.body.no, 'JJ-20261121-0001');
  });
});
