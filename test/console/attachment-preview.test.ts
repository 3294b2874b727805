// Staff open an application's image or PDF in the browser (预览), served so that no file can act
// as a page of this site: the sniffed type only, inline, nosniff and a CSP sandbox.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ATTACHMENT_ID, dataDirWithUpload, licenceApplication, PNG, seedApplication } from '../desk/work-fixtures.js';
import { addTestUsers, createHarness, login, type Harness, type Session } from './harness.js';

describe('console attachment preview', () => {
  let h: Harness;
  let dataDir: string;
  let jj: Session;
  let sb: Session;
  const NO = 'JJ-20261102-0301';
  const url = `/console/work/applications/${NO}/files/${ATTACHMENT_ID}`;

  before(async () => {
    dataDir = dataDirWithUpload();
    h = await createHarness({ env: { DATA_DIR: dataDir } });
    await addTestUsers(h.store);
    jj = await login(h.app, 'jj-staff');
    sb = await login(h.app, 'sb-admin');
    await seedApplication(h.store, licenceApplication(NO));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('links 预览 beside 下载 on the application page', async () => {
    const res = await jj.agent.get(`/console/work/applications/${NO}`).expect(200);
    assert.ok(res.text.includes(`href="${url}/preview"`));
    assert.ok(res.text.includes(`href="${url}"`));
  });

  it('serves an image inline with its sniffed type, nosniff, no caching and a CSP sandbox', async () => {
    const res = await jj.agent.get(`${url}/preview`).buffer(true).expect(200);
    assert.equal(res.headers['content-type'], 'image/png');
    assert.match(String(res.headers['content-disposition']), /^inline; filename="a{32}\.png"/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(String(res.headers['content-security-policy']), /^sandbox; default-src 'none'/);
    assert.equal(res.headers['cache-control'], 'private, no-store');
    assert.deepEqual(res.body, PNG);
  });

  it('never previews a type outside png, jpg and pdf, whatever the record says', async () => {
    await seedApplication(h.store, licenceApplication('JJ-20261102-0302', {
      attachments: [{ id: ATTACHMENT_ID, name: 'photo', label: '证件照', originalName: 'x.html', ext: 'html' as 'png', mime: 'text/html', size: PNG.length }],
    }));
    const res = await jj.agent.get(`/console/work/applications/JJ-20261102-0302/files/${ATTACHMENT_ID}/preview`).expect(404);
    assert.doesNotMatch(String(res.headers['content-type']), /text\/html.*inline/);
    assert.notEqual(res.headers['content-disposition'], 'inline');
  });

  it('answers 404 to another department', async () => {
    await sb.agent.get(`${url}/preview`).expect(404);
  });
});
