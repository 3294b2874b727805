// The review page and the version comparison show what citizens would see change, field by
// field (fees in yuan, hall phones, …), plus the line diff of the file.
import assert from 'node:assert/strict';
import type { Draft } from '../../server/console/drafts.js';
import { addTestUsers, createHarness, editedDepartment, login, type Harness } from './harness.js';

const decode = (html: string) => html.replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');

describe('console review shows every citizen-visible change', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await createHarness();
    await addTestUsers(h.store);
  });

  async function submitFeeAndPhones() {
    const jj = await login(h.app, 'jj-admin');
    const text = editedDepartment((await h.publisher.currentFiles()).files, 'jiaojing', (d) => {
      const s = d.services.find((x: any) => x.steps.payment?.fee?.mode === 'byOption');
      s.steps.payment.fee.amounts[0].amountFen = 200000;
      for (const hall of d.halls) hall.phone = '110';
    });
    await jj.agent.post('/console/departments/jiaojing/drafts').type('form').send({ _csrf: jj.csrf, text }).expect(303);
    const [draft] = await h.store.collection<Draft>('drafts').list();
    await jj.agent.post(`/console/drafts/${draft!.id}/submit`).type('form').send({ _csrf: jj.csrf }).expect(303);
    return draft!;
  }

  it('lists a raised fee and changed hall phones old → new, and the file line by line', async () => {
    await submitFeeAndPhones();
    const plat = await login(h.app, 'plat');
    const page = decode((await plat.agent.get('/console/review').expect(200)).text);
    assert.match(page, /缴费 · 费用：按所选项目：[^<]*¥10[^<]* → 按所选项目：[^<]*¥2,000/);
    assert.match(page, /电话：0571-87654321 → 110/);
    assert.match(page, /电话：无 → 110/);
    assert.doesNotMatch(page, /没有变化/);
    assert.match(page, /文件逐行对比/);
    assert.match(page, /<tr class="l-added"><td class="ln"><\/td><td class="ln">\d+<\/td><td class="mk">\+<\/td><td><code>\s*"phone": "110"/);
  });

  it('compares any two published versions the same way', async () => {
    const draft = await submitFeeAndPhones();
    const plat = await login(h.app, 'plat');
    await plat.agent.post(`/console/drafts/${draft.id}/approve`).type('form').send({ _csrf: plat.csrf }).expect(303);
    await plat.agent.post('/console/publish').type('form').send({ _csrf: plat.csrf, note: '调价' }).expect(303);
    const list = await plat.agent.get('/console/versions').expect(200);
    assert.match(decode(list.text), /href="\/console\/versions\/compare\?from=1&to=2"/);
    const page = decode((await plat.agent.get('/console/versions/compare?from=1&to=2').expect(200)).text);
    assert.match(page, /缴费 · 费用：按所选项目：[^<]*¥10[^<]* → 按所选项目：[^<]*¥2,000/);
    assert.match(page, /电话：0571-87654321 → 110/);
    assert.match(page, /"phone": "110"/);
    const back = decode((await plat.agent.get('/console/versions/compare?from=2&to=1').expect(200)).text);
    assert.match(back, /电话：110 → 0571-87654321/);
    const jj = await login(h.app, 'jj-admin');
    await jj.agent.get('/console/versions/compare?from=1&to=2').expect(403);
  });
});
