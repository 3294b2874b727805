import assert from 'node:assert/strict';
import request from 'supertest';
import { createTestApp, FILES, submitLicence, type TestApp } from './test-app.js';

describe('who may read an application and its files', () => {
  let t: TestApp;
  let no: string;
  let fileUrl: string;
  beforeEach(async () => {
    t = createTestApp();
    no = await submitLicence(t, 'citizen-a');
    const own = await request(t.app).get(`/api/applications/${no}`).set('Cookie', t.cookie('citizen-a')).expect(200);
    fileUrl = own.body.attachments.find((a: { name: string }) => a.name === 'medical').url;
  });
  afterEach(() => t.cleanup());

  it('shows the owner their application without their openid', async () => {
    const res = await request(t.app).get(`/api/applications/${no}`).set('Cookie', t.cookie('citizen-a')).expect(200);
    assert.equal(res.body.no, no);
    assert.equal(res.body.openid, undefined);
    assert.equal(res.body.payable, true);
  });

  it('answers 404 to another citizen for the application and for its file', async () => {
    const res = await request(t.app).get(`/api/applications/${no}`).set('Cookie', t.cookie('citizen-b')).expect(404);
    assert.equal(res.body.code, 'NOT_FOUND');
    await request(t.app).get(fileUrl).set('Cookie', t.cookie('citizen-b')).expect(404);
  });

  it('serves the file to the owner as a download with the sniffed type', async () => {
    const res = await request(t.app).get(fileUrl).set('Cookie', t.cookie('citizen-a')).buffer(true).expect(200);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.match(res.headers['content-disposition']!, /^attachment; /);
    assert.match(res.headers['content-disposition']!, /filename\*=UTF-8''%E4%BD%93%E6%A3%80%E8%AF%81%E6%98%8E\.pdf/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['cache-control'], 'private, no-store');
    assert.deepEqual(Buffer.from(res.body), FILES.pdf);
  });

  it('serves the file to the department’s staff but not to another department’s', async () => {
    const own = await t.staff('jiaojing');
    const other = await t.staff('shebao');
    await request(t.app).get(fileUrl).set('Authorization', `Bearer ${own}`).expect(200);
    await request(t.app).get(fileUrl).set('Authorization', `Bearer ${other}`).expect(404);
  });

  it('refuses a forged staff token and an anonymous caller with 401', async () => {
    await request(t.app).get(`/api/applications/${no}`).set('Authorization', 'Bearer ost_forged').expect(401);
    await request(t.app).get(`/api/applications/${no}`).expect(401);
  });

  it('lists only the citizen’s own applications, newest first', async () => {
    t.clock.now = new Date(t.clock.now.getTime() + 60_000);
    const second = await submitLicence(t, 'citizen-a');
    await submitLicence(t, 'citizen-b');
    const res = await request(t.app).get('/api/applications').set('Cookie', t.cookie('citizen-a')).expect(200);
    assert.deepEqual(res.body.applications.map((a: { no: string }) => a.no), [second, no]);
  });
});
