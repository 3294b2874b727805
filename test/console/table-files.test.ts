// A department's query tables (data/<department>/<file>.csv) are edited in the console like its
// file: draft with live checks → review with a line diff → publish → the chat answers from the
// new rows. Only that department's admins (and the platform) may change them.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Draft } from '../../server/console/drafts.js';
import { restrictionQuery, RESTRICTION_CSV } from '../query/query-fixture.js';
import { addTestUsers, cityDir, createHarness, login, type Harness } from './harness.js';

const TABLE = 'data/jiaojing/xianxing.csv';
const EDITOR = `/console/departments/${encodeURIComponent(TABLE)}`;

async function cityWithTable(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'onestop-console-table-'));
  await cp(cityDir, dir, { recursive: true });
  const file = path.join(dir, 'departments/jiaojing.json');
  const jiaojing = JSON.parse(await readFile(file, 'utf8'));
  jiaojing.services.push({ id: 'xianxing', name: '尾号限行查询', summary: '发送车牌尾号即可查询', keywords: [{ text: '限行', match: 'contains' }], steps: { query: restrictionQuery() } });
  await writeFile(file, JSON.stringify(jiaojing, null, 2));
  await mkdir(path.join(dir, 'data/jiaojing'), { recursive: true });
  await writeFile(path.join(dir, TABLE), `${RESTRICTION_CSV}\n`);
  return dir;
}

describe('console editing of query tables', () => {
  let h: Harness;
  let dir: string;
  beforeEach(async () => {
    dir = await cityWithTable();
    h = await createHarness({ cityDir: dir });
    await addTestUsers(h.store);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lists the department’s table and opens it in the editor', async () => {
    const admin = await login(h.app, 'jj-admin');
    const list = (await admin.agent.get('/console/departments').expect(200)).text;
    assert.ok(list.includes(`<code>${TABLE}</code>`));
    assert.ok(list.includes(`href="${EDITOR}"`));
    const editor = (await admin.agent.get(EDITOR).expect(200)).text;
    assert.match(editor, /wed,3,7:00—9:00/);
    assert.match(editor, /保存为草稿/);
  });

  it('shows a duplicate key row as an error on its line, and refuses to submit it', async () => {
    const admin = await login(h.app, 'jj-admin');
    const bad = `${RESTRICTION_CSV}\nwed,3,7:00—10:00\n`;
    const check = await admin.agent.post(`/console/api/departments/${encodeURIComponent(TABLE)}/check`).set('X-CSRF-Token', admin.csrf).send({ text: bad }).expect(200);
    const dup = check.body.diagnostics.find((d: { code: string }) => d.code === 'QUERY_TABLE_KEY_DUPLICATE');
    assert.ok(dup, JSON.stringify(check.body));
    assert.equal(dup.editorLine, 9);
    await admin.agent.post(`${EDITOR}/drafts`).type('form').send({ _csrf: admin.csrf, text: bad }).expect(303);
    const [draft] = await h.store.collection<Draft>('drafts').list();
    assert.equal(draft!.department, TABLE);
    await admin.agent.post(`/console/drafts/${draft!.id}/submit`).type('form').send({ _csrf: admin.csrf }).expect(303).expect('location', new RegExp(`^${EDITOR.replace(/[.%]/g, '\\$&')}\\?draft=.*msg=refused`));
  });

  it('publishes an edited table through review, and the live build looks up the new rows', async () => {
    const admin = await login(h.app, 'jj-admin');
    const text = `${RESTRICTION_CSV.replace('wed,3,7:00—9:00', 'wed,3,7:00—20:00')}\n`;
    await admin.agent.post(`${EDITOR}/drafts`).type('form').send({ _csrf: admin.csrf, text }).expect(303).expect('location', /^\/console\/departments\/data%2Fjiaojing%2Fxianxing\.csv\?draft=/);
    const [draft] = await h.store.collection<Draft>('drafts').list();
    await admin.agent.post(`/console/drafts/${draft!.id}/submit`).type('form').send({ _csrf: admin.csrf }).expect(303);
    const plat = await login(h.app, 'plat');
    const review = (await plat.agent.get('/console/review').expect(200)).text;
    assert.ok(review.includes(TABLE));
    assert.match(review, /7:00—20:00/); // the line diff of the table
    await plat.agent.post(`/console/drafts/${draft!.id}/approve`).type('form').send({ _csrf: plat.csrf }).expect(303);
    await plat.agent.post('/console/publish').type('form').send({ _csrf: plat.csrf, note: '限行时段调整' }).expect(303);
    const rows = h.live.current().tables?.[TABLE]?.rows ?? [];
    assert.ok(rows.some((r) => r.day === 'wed' && r.tail === '3' && r.hours === '7:00—20:00'), JSON.stringify(rows));
  });

  it('lets neither another department’s admin nor staff change it', async () => {
    for (const who of ['sb-admin', 'jj-staff']) {
      const s = await login(h.app, who);
      const list = (await s.agent.get('/console/departments').expect(200)).text;
      if (who === 'sb-admin') {
        assert.ok(!list.includes(TABLE));
        await s.agent.get(EDITOR).expect(403);
      }
      await s.agent.post(`${EDITOR}/drafts`).type('form').send({ _csrf: s.csrf, text: RESTRICTION_CSV }).expect(403);
    }
    assert.equal(await h.store.collection<Draft>('drafts').count(), 0);
  });
});
