// 申诉复核: the platform team decides a department's appeal against a bad review. Upheld closes the
// case and removes the rating from the statistics; rejected keeps rectification going; the
// department reads the reason on its case.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { readAudit } from '../../server/audit/audit.js';
import { ratingStatistics } from '../../server/loop/rating/rating-statistics.js';
import { casesOf } from '../../server/loop/rating/rectification-case.js';
import { dataDirWithUpload, licenceApplication, seedApplication, seedCase } from '../desk/work-fixtures.js';
import { addTestUsers, createHarness, login, type Harness, type Session } from './harness.js';

const unescape = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');

describe('console appeals (申诉复核)', () => {
  let h: Harness;
  let dataDir: string;
  let jj: Session;
  let plat: Session;
  const post = (s: Session, url: string, body: Record<string, string>) => s.agent.post(url).type('form').send({ ...body, _csrf: s.csrf });

  beforeEach(async () => {
    dataDir = dataDirWithUpload();
    h = await createHarness({ env: { DATA_DIR: dataDir } });
    await addTestUsers(h.store);
    jj = await login(h.app, 'jj-staff');
    plat = await login(h.app, 'plat');
    const at = '2026-11-02T01:00:00.000Z';
    for (const no of ['JJ-20261102-0501', 'JJ-20261102-0502']) {
      await seedApplication(h.store, licenceApplication(no, { stage: 'completed', rating: { level: 'very-dissatisfied', at, caseId: `${no}-ZG` } }));
      await seedCase(h.store, no, { deadline: '2099-12-31' });
    }
    await seedApplication(h.store, licenceApplication('JJ-20261102-0503', { stage: 'completed', rating: { level: 'satisfied', at } }));
    await post(jj, '/console/work/cases/JJ-20261102-0501-ZG/appeal', { reason: '申请人把别人的事评到本件' }).expect(303);
    await post(jj, '/console/work/cases/JJ-20261102-0502-ZG/appeal', { reason: '认为是恶意差评' }).expect(303);
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lists pending appeals for the platform team only', async () => {
    const page = unescape((await plat.agent.get('/console/appeals').expect(200)).text);
    assert.match(page, /待复核的申诉（2）/);
    assert.match(page, /申请人把别人的事评到本件/);
    await jj.agent.get('/console/appeals').expect(403);
    await post(jj, '/console/appeals/JJ-20261102-0501-ZG/decision', { decision: 'upheld', reason: '自己批准' }).expect(403);
    const jjAdmin = await login(h.app, 'jj-admin');
    await jjAdmin.agent.get('/console/appeals').expect(403);
  });

  it('upholds an appeal: the case closes, the rating leaves the statistics, the department reads why', async () => {
    assert.deepEqual([(await ratingStatistics(h)).total, (await ratingStatistics(h)).excluded], [3, 0]);
    await post(plat, '/console/appeals/JJ-20261102-0501-ZG/decision', { decision: 'upheld', reason: '核实为误评：评价内容与本件无关' })
      .expect(303).expect('location', '/console/appeals?msg=upheld');
    const c = (await casesOf(h.store).get('JJ-20261102-0501-ZG'))!;
    assert.equal(c.appeal?.status, 'upheld');
    assert.equal(c.appeal?.decision?.actor.name, 'plat');
    const stats = await ratingStatistics(h);
    assert.deepEqual([stats.total, stats.excluded, stats.bad, stats.byLevel['very-dissatisfied']], [2, 1, 1, 1]);
    const page = unescape((await jj.agent.get('/console/work/cases/JJ-20261102-0501-ZG').expect(200)).text);
    assert.match(page, /申诉成立，已结案/);
    assert.match(page, /平台复核（plat，[^）]+）：申诉成立。理由：核实为误评：评价内容与本件无关/);
    const refused = await post(jj, '/console/work/cases/JJ-20261102-0501-ZG/callback', { note: '回访' }).expect(409);
    assert.match(refused.text, /申诉已成立，该整改件已结案/);
    const audit = (await readAudit(h.store)).find((r) => r.action === 'case.appeal-decide');
    assert.deepEqual([audit?.actor, audit?.target, audit?.detail], ['plat', '整改件 JJ-20261102-0501-ZG', '申诉成立：核实为误评：评价内容与本件无关']);
    const appeals = unescape((await plat.agent.get('/console/appeals').expect(200)).text);
    assert.match(appeals, /申诉成立、不计入的差评 1 条/);
  });

  it('rejects an appeal: rectification continues and the reason is shown to the department', async () => {
    await post(plat, '/console/appeals/JJ-20261102-0502-ZG/decision', { decision: 'rejected', reason: '回访录音显示市民确实等候过久' }).expect(303);
    const page = unescape((await jj.agent.get('/console/work/cases/JJ-20261102-0502-ZG').expect(200)).text);
    assert.match(page, /待整改/);
    assert.match(page, /申诉不成立。理由：回访录音显示市民确实等候过久。请继续整改/);
    await post(jj, '/console/work/cases/JJ-20261102-0502-ZG/callback', { note: '已回访' }).expect(303);
    assert.equal((await ratingStatistics(h)).excluded, 0);
  });

  it('asks for a reason and decides each appeal once', async () => {
    await post(plat, '/console/appeals/JJ-20261102-0502-ZG/decision', { decision: 'upheld', reason: ' ' }).expect(400);
    await post(plat, '/console/appeals/JJ-20261102-0502-ZG/decision', { decision: 'maybe', reason: '理由' }).expect(400);
    await post(plat, '/console/appeals/JJ-20261102-0502-ZG/decision', { decision: 'rejected', reason: '理由' }).expect(303);
    await post(plat, '/console/appeals/JJ-20261102-0502-ZG/decision', { decision: 'upheld', reason: '改判' }).expect(409);
    await post(plat, '/console/appeals/NOPE-ZG/decision', { decision: 'upheld', reason: '理由' }).expect(404);
  });
});
