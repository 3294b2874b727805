// 常用回复 on the desk: staff save answers for their department, a ticket page offers them and
// fills the reply box with one; another department never sees them.
import assert from 'node:assert/strict';
import { seedTicket } from '../desk/work-fixtures.js';
import { addTestUsers, createHarness, login, type Harness, type Session } from './harness.js';

describe('desk reply templates', () => {
  let h: Harness;
  let jj: Session;
  let sb: Session;
  const post = (s: Session, url: string, body: Record<string, string>) => s.agent.post(url).type('form').send({ ...body, _csrf: s.csrf });

  before(async () => {
    h = await createHarness();
    await addTestUsers(h.store);
    jj = await login(h.app, 'jj-staff');
    sb = await login(h.app, 'sb-admin');
    await seedTicket(h.store, { id: 'dt-tpl-1', department: 'jiaojing', text: '车管所几点上班？' });
  });

  it('saves a template for the department and fills a ticket’s reply with it', async () => {
    const saved = await post(jj, '/console/work/desk/templates', { department: 'jiaojing', title: '车管所时间', text: '车管所工作日 9:00-17:00 办公。' }).expect(303);
    assert.equal(saved.headers.location, '/console/work/desk/templates?msg=template-added');
    const ticket = await jj.agent.get('/console/work/desk/dt-tpl-1').expect(200);
    const link = /href="(\/console\/work\/desk\/dt-tpl-1\?template=rt-[0-9a-f]+)#reply">车管所时间</.exec(ticket.text)?.[1];
    assert.ok(link, 'the ticket page offers the template');
    const filled = await jj.agent.get(link!).expect(200);
    assert.match(filled.text, /<textarea id="reply-text"[^>]*>车管所工作日 9:00-17:00 办公。<\/textarea>/);
  });

  it('keeps templates within the department and shared ones to the platform team', async () => {
    const list = await sb.agent.get('/console/work/desk/templates').expect(200);
    assert.doesNotMatch(list.text, /车管所时间/);
    const shared = await post(jj, '/console/work/desk/templates', { department: '', title: '通用', text: '您好' }).expect(400);
    assert.match(shared.text, /通用模板只能由平台添加/);
    await post(sb, '/console/work/desk/templates', { department: 'jiaojing', title: '越权', text: '不行' }).expect(400);
  });
});
