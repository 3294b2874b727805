import assert from 'node:assert/strict';
import type { Draft } from '../../server/console/drafts.js';
import { addTestUsers, createHarness, editedDepartment, login, type Harness } from './harness.js';

describe('department drafts', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
    await addTestUsers(h.store);
  });

  it('checks a text against another department\'s pending draft and places the conflict in the edited file', async () => {
    const files = (await h.publisher.currentFiles()).files;
    const sb = await login(h.app, 'sb-admin');
    const sbText = editedDepartment(files, 'shebao', (d) => d.services[0].keywords.push({ text: '电子眼', match: 'exact' }));
    await sb.agent.post('/console/departments/shebao/drafts').type('form').send({ _csrf: sb.csrf, text: sbText }).expect(303);
    const [sbDraft] = await h.store.collection<Draft>('drafts').list();
    await sb.agent.post(`/console/drafts/${sbDraft!.id}/submit`).type('form').send({ _csrf: sb.csrf }).expect(303);

    const jj = await login(h.app, 'jj-admin');
    const jjText = editedDepartment(files, 'jiaojing', (d) => d.services[0].keywords.push({ text: '电子眼', match: 'exact' }));
    const res = await jj.agent.post('/console/api/departments/jiaojing/check').set('X-CSRF-Token', jj.csrf).send({ text: jjText }).expect(200);
    const conflict = res.body.diagnostics.find((d: { message: string }) => /电子眼/.test(d.message));
    assert.ok(conflict, JSON.stringify(res.body.diagnostics));
    const line = jjText.split('\n').findIndex((l) => l.includes('"电子眼"')) + 1;
    // The pointer names the keyword object, which opens on the line before its "text".
    assert.ok([line - 1, line].includes(conflict.editorLine), `line ${conflict.editorLine}, keyword at ${line}`);
    assert.match(JSON.stringify(conflict), /departments\/shebao\.json/);
  });

  it('answers a draft nested 10,000 deep and one of 20,000 copies of a hall with a diagnostic, not a 500', async () => {
    const jj = await login(h.app, 'jj-admin');
    const deep = `{"id":"jiaojing","halls":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const nested = await jj.agent.post('/console/api/departments/jiaojing/check').set('X-CSRF-Token', jj.csrf).send({ text: deep }).expect(200);
    assert.ok(nested.body.diagnostics.some((d: { message: string }) => /嵌套层数超过 32 层/.test(d.message)), JSON.stringify(nested.body.diagnostics));
    const files = (await h.publisher.currentFiles()).files;
    const jiaojing = JSON.parse(files.find((f) => f.path === 'departments/jiaojing.json')!.text);
    const halls = JSON.stringify({ ...jiaojing, halls: Array.from({ length: 20_000 }, () => ({ id: 'h1', name: 'x' })) }); // ~440 KB, under the draft cap
    const many = await jj.agent.post('/console/api/departments/jiaojing/check').set('X-CSRF-Token', jj.csrf).send({ text: halls }).expect(200);
    assert.ok(many.body.diagnostics.some((d: { message: string }) => /服务大厅最多 300 项/.test(d.message)), JSON.stringify(many.body.diagnostics).slice(0, 500));
  });

  it('flags a keyword priority that takes another department\'s traffic until the platform approves it', async () => {
    const files = (await h.publisher.currentFiles()).files;
    const jj = await login(h.app, 'jj-admin');
    // 社保 (contains, priority 99) would silently win over 社保中心's 社保卡补办.
    const jjText = editedDepartment(files, 'jiaojing', (d) => d.services[0].keywords.push({ text: '社保', match: 'contains', priority: 99 }));
    const check = await jj.agent.post('/console/api/departments/jiaojing/check').set('X-CSRF-Token', jj.csrf).send({ text: jjText }).expect(200);
    const flagged = check.body.diagnostics.find((d: { code: string }) => d.code === 'KEYWORD_PRIORITY_UNAPPROVED');
    assert.ok(flagged, JSON.stringify(check.body.diagnostics));
    assert.equal(flagged.severity, 'error');
    assert.match(flagged.message, /departments\/shebao\.json/);
    await jj.agent.post('/console/departments/jiaojing/drafts').type('form').send({ _csrf: jj.csrf, text: jjText }).expect(303);
    const [draft] = await h.store.collection<Draft>('drafts').list();
    await jj.agent.post(`/console/drafts/${draft!.id}/submit`).type('form').send({ _csrf: jj.csrf }).expect(303);
    assert.equal((await h.store.collection<Draft>('drafts').get(draft!.id))!.status, 'draft');
  });

  it('reports a syntax error at its line and refuses to submit a draft with errors', async () => {
    const jj = await login(h.app, 'jj-admin');
    const check = await jj.agent.post('/console/api/departments/jiaojing/check').set('X-CSRF-Token', jj.csrf).send({ text: '{\n  "id": "jiaojing",\n  "name": \n}' }).expect(200);
    assert.ok(check.body.summary.errors > 0);
    assert.ok(check.body.diagnostics.some((d: { editorLine: number; message: string }) => d.editorLine >= 3 && /[\u4e00-\u9fff]/.test(d.message)));
    await jj.agent.post('/console/departments/jiaojing/drafts').type('form').send({ _csrf: jj.csrf, text: '{"id": "jiaojing"}' }).expect(303);
    const [draft] = await h.store.collection<Draft>('drafts').list();
    const editor = await jj.agent.get(`/console/departments/jiaojing?draft=${draft!.id}`).expect(200);
    assert.match(editor.text, /<button type="submit" id="submit-draft" disabled>提交审核<\/button>\s*<span id="submit-hint" class="muted">请先修正 \d+ 个错误<\/span>/);
    const res = await jj.agent.post(`/console/drafts/${draft!.id}/submit`).type('form').send({ _csrf: jj.csrf }).expect(303);
    assert.equal(res.headers.location, `/console/departments/jiaojing?draft=${draft!.id}&msg=refused`);
    const back = await jj.agent.get(res.headers.location!).expect(200);
    assert.match(back.text, /<p class="flash error" role="alert">草稿 #1 还有 \d+ 个错误，请修正并保存后再提交审核。<\/p>/);
    assert.match(back.text, /id="editor"/);
    assert.equal((await h.store.collection<Draft>('drafts').get(draft!.id))!.status, 'draft');
  });

  it('shows the reviewer\'s comment to the department after a rejection, and a new save supersedes the old draft', async () => {
    const files = (await h.publisher.currentFiles()).files;
    const jj = await login(h.app, 'jj-admin');
    const text = editedDepartment(files, 'jiaojing', (d) => (d.services[0].summary = '新的简介。'));
    await jj.agent.post('/console/departments/jiaojing/drafts').type('form').send({ _csrf: jj.csrf, text }).expect(303);
    const [draft] = await h.store.collection<Draft>('drafts').list();
    await jj.agent.post(`/console/drafts/${draft!.id}/submit`).type('form').send({ _csrf: jj.csrf }).expect(303);
    const plat = await login(h.app, 'plat');
    const noComment = await plat.agent.post(`/console/drafts/${draft!.id}/reject`).type('form').send({ _csrf: plat.csrf, comment: '' });
    assert.equal(noComment.status, 400);
    await plat.agent.post(`/console/drafts/${draft!.id}/reject`).type('form').send({ _csrf: plat.csrf, comment: '简介请写明办理地点<b>' }).expect(303);
    const page = await jj.agent.get(`/console/departments/jiaojing?draft=${draft!.id}`).expect(200);
    assert.match(page.text, /已退回/);
    assert.match(page.text, /简介请写明办理地点&lt;b&gt;/);
    await jj.agent.post('/console/departments/jiaojing/drafts').type('form').send({ _csrf: jj.csrf, text }).expect(303);
    const all = (await h.store.collection<Draft>('drafts').list()).sort((a, b) => a.number - b.number);
    assert.deepEqual(all.map((d) => [d.number, d.status]), [[1, 'rejected'], [2, 'draft']]);
  });

  it('uploads a JSON file as a new draft and refuses a file that is not UTF-8', async () => {
    const jj = await login(h.app, 'jj-admin');
    const text = editedDepartment((await h.publisher.currentFiles()).files, 'jiaojing', () => {});
    await jj.agent.post('/console/departments/jiaojing/upload').field('_csrf', jj.csrf).attach('file', Buffer.from(text), 'jiaojing.json').expect(303);
    assert.equal((await h.store.collection<Draft>('drafts').list())[0]!.text, text);
    const bad = await jj.agent.post('/console/departments/jiaojing/upload').field('_csrf', jj.csrf).attach('file', Buffer.from([0xff, 0xfe, 0x00, 0xd8]), 'x.json');
    assert.equal(bad.status, 400);
    assert.match(bad.text, /不是 UTF-8 编码/);
  });

  it('answers 400 in Chinese for an upload that is not well-formed multipart', async () => {
    const jj = await login(h.app, 'jj-admin');
    for (const contentType of ['multipart/form-data', 'multipart/form-data; boundary=x']) {
      const res = await jj.agent.post('/console/departments/jiaojing/upload').set('Content-Type', contentType).send('--y\r\nContent-Disposition: form-data; name="file"; filename="a.json"\r\n\r\n{}');
      assert.equal(res.status, 400, contentType);
      assert.match(res.text, /上传内容格式不正确/);
    }
  });
});
