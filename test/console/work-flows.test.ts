import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ticketsOf } from '../../server/desk/desk-tickets.js';
import { readAudit } from '../../server/audit/audit.js';
import { addUser } from '../../server/console/users.js';
import { applicationsOf } from '../../server/loop/applications/application-access.js';
import { NOTIFICATIONS, type NotificationRecord } from '../../server/loop/progress/notify-citizen.js';
import { casesOf } from '../../server/loop/rating/rectification-case.js';
import { wechatErrorMessage } from '../../server/wechat/error-messages.js';
import {
  ATTACHMENT_ID, dataDirWithUpload, fineApplication, licenceApplication, outOfWindow, PNG, RecordingWechatClient, seedApplication, seedCase, seedTicket,
} from '../desk/work-fixtures.js';
import { addTestUsers, createHarness, csrfFrom, login, PASSWORD, type Harness, type Session } from './harness.js';

/** Handlebars escapes = as &#x3D; and quotes; compare the page text the way a reader sees it. */
const unescape = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');

describe('console workbench', () => {
  let h: Harness;
  let client: RecordingWechatClient;
  let dataDir: string;
  let jj: Session;
  let plat: Session;
  let sb: Session;

  before(async () => {
    dataDir = dataDirWithUpload();
    client = new RecordingWechatClient();
    h = await createHarness({ client, env: { DATA_DIR: dataDir } });
    await addTestUsers(h.store);
    await addUser(h.store, { username: 'sb-staff', role: 'staff', departments: ['shebao'], password: PASSWORD });
    jj = await login(h.app, 'jj-staff');
    plat = await login(h.app, 'plat');
    sb = await login(h.app, 'sb-staff');
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  beforeEach(() => {
    client.texts = [];
    client.templates = [];
    client.refuseText = undefined;
  });

  const post = (s: Session, url: string, body: Record<string, string>) => s.agent.post(url).type('form').send({ ...body, _csrf: s.csrf });

  describe('人工客服', () => {
    it('lists open tickets oldest first with the wait and the promise, escaping the citizen’s text', async () => {
      await seedTicket(h.store, { id: 'dt-list-2', department: 'jiaojing', text: '第二条', createdAt: new Date(Date.now() - 3600_000).toISOString() });
      await seedTicket(h.store, { id: 'dt-list-1', department: 'jiaojing', text: '<script>alert(1)</script>', createdAt: new Date(Date.now() - 3 * 86400_000).toISOString() });
      const res = await jj.agent.get('/console/work/desk').expect(200);
      assert.ok(res.text.indexOf('dt-list-1') < res.text.indexOf('dt-list-2'), 'the longest wait comes first');
      assert.ok(res.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;') && !res.text.includes('<script>alert'), 'citizen text is escaped');
      assert.match(res.text, /3 天 0 小时/);
      assert.match(res.text, /已超时/, 'a three-day-old ticket is past the same-or-next-working-day promise');
      assert.match(res.text, /\d+月\d+日.*(前|起，当天答复)/);
    });

    it('sends a reply through WeChat, marks the ticket answered and keeps the reply on it', async () => {
      await seedTicket(h.store, { id: 'dt-reply', department: 'jiaojing', openid: 'o-reply-citizen', text: '驾照到期怎么换？' });
      const res = await post(jj, '/console/work/desk/dt-reply/reply', { text: '  您好，请带身份证到车管所办理 <换证>。 ' }).expect(303);
      assert.equal(res.headers.location, '/console/work/desk/dt-reply?msg=replied');
      assert.deepEqual(client.texts, [{ openid: 'o-reply-citizen', text: '您好，请带身份证到车管所办理 <换证>。' }]);
      const ticket = (await ticketsOf(h.store).get('dt-reply'))!;
      assert.equal(ticket.status, 'answered');
      assert.equal(ticket.answeredBy, 'jj-staff');
      assert.ok(ticket.answeredAt);
      assert.deepEqual(ticket.replies?.map((r) => [r.by, r.text, r.sent]), [['jj-staff', '您好，请带身份证到车管所办理 <换证>。', true]]);
      const page = await jj.agent.get(res.headers.location!).expect(200);
      assert.match(page.text, /回复已发送给市民/);
      assert.match(page.text, /请带身份证到车管所办理 &lt;换证&gt;/);
    });

    it('shows WeChat’s refusal in Chinese and keeps the ticket open when the 48-hour window has passed', async () => {
      await seedTicket(h.store, { id: 'dt-late', department: 'jiaojing', openid: 'o-quiet-citizen', createdAt: new Date(Date.now() - 3 * 86400_000).toISOString() });
      client.refuseText = outOfWindow();
      const before = await jj.agent.get('/console/work/desk/dt-late').expect(200);
      assert.match(before.text, /已超过 48 小时/, 'the page warns before anyone tries');
      const res = await post(jj, '/console/work/desk/dt-late/reply', { text: '您好，已为您查询。' }).expect(502);
      assert.ok(res.text.includes(wechatErrorMessage(45015, '')), res.text.slice(0, 200));
      assert.match(res.text, /您好，已为您查询。<\/textarea>/, 'the typed reply is kept in the form');
      const ticket = (await ticketsOf(h.store).get('dt-late'))!;
      assert.equal(ticket.status, 'open');
      assert.equal(ticket.answeredAt, undefined);
      assert.deepEqual(ticket.replies?.map((r) => [r.sent, r.error]), [[false, wechatErrorMessage(45015, '')]]);
      assert.equal(client.texts.length, 0);
    });

    it('refuses an empty or over-long reply with a Chinese message and sends nothing', async () => {
      await seedTicket(h.store, { id: 'dt-long', department: 'jiaojing' });
      const long = await post(jj, '/console/work/desk/dt-long/reply', { text: '好'.repeat(601) }).expect(400);
      assert.match(long.text, /回复内容不能超过 600 字（现为 601 字）/);
      const empty = await post(jj, '/console/work/desk/dt-long/reply', { text: '   ' }).expect(400);
      assert.match(empty.text, /请填写回复内容/);
      assert.equal(client.texts.length, 0);
      assert.equal((await ticketsOf(h.store).get('dt-long'))!.status, 'open');
    });

    it('lets the platform place an unguessed ticket with a department, whose staff then answer it', async () => {
      await seedTicket(h.store, { id: 'dt-loose', text: '医保报销比例是多少' });
      assert.doesNotMatch((await sb.agent.get('/console/work/desk').expect(200)).text, /dt-loose/);
      const form = await plat.agent.get('/console/work/desk/dt-loose').expect(200);
      assert.match(form.text, /未分派/);
      assert.match(form.text, /<option value="shebao">市社会保险事业管理中心<\/option>/);
      const res = await post(plat, '/console/work/desk/dt-loose/assign', { department: 'shebao' }).expect(303);
      assert.equal(res.headers.location, '/console/work/desk?msg=assigned');
      const ticket = (await ticketsOf(h.store).get('dt-loose'))!;
      assert.equal(ticket.department, 'shebao');
      assert.deepEqual(ticket.events?.map((e) => [e.kind, e.by, e.from, e.to]), [['assigned', 'plat', undefined, 'shebao']]);
      assert.match((await sb.agent.get('/console/work/desk').expect(200)).text, /dt-loose/);
      await post(sb, '/console/work/desk/dt-loose/reply', { text: '您好，医保报销比例为……' }).expect(303);
      assert.equal((await ticketsOf(h.store).get('dt-loose'))!.answeredBy, 'sb-staff');
    });

    it('refuses to assign to an unknown department', async () => {
      await seedTicket(h.store, { id: 'dt-nowhere' });
      const res = await post(plat, '/console/work/desk/dt-nowhere/assign', { department: 'nasa' }).expect(400);
      assert.match(res.text, /请选择要转派的部门/);
      assert.equal((await ticketsOf(h.store).get('dt-nowhere'))!.department, undefined);
    });

    it('closes a ticket only with a reason, and a closed ticket takes no reply', async () => {
      await seedTicket(h.store, { id: 'dt-close', department: 'jiaojing' });
      const missing = await post(jj, '/console/work/desk/dt-close/close', { reason: '' }).expect(400);
      assert.match(missing.text, /请填写关闭原因/);
      await post(jj, '/console/work/desk/dt-close/close', { reason: '重复留言' }).expect(303);
      const ticket = (await ticketsOf(h.store).get('dt-close'))!;
      assert.equal(ticket.status, 'closed');
      assert.deepEqual(ticket.events?.map((e) => [e.kind, e.by, e.reason]), [['closed', 'jj-staff', '重复留言']]);
      const again = await post(jj, '/console/work/desk/dt-close/reply', { text: '补充一下' }).expect(409);
      assert.match(again.text, /工单已关闭，不能再回复/);
      assert.equal(client.texts.length, 0);
      assert.match((await jj.agent.get('/console/work/desk?status=closed').expect(200)).text, /dt-close/);
    });
  });

  describe('办件', () => {
    it('shows the answers with labels, the attachment through the console and the allowed next stages', async () => {
      await seedApplication(h.store, licenceApplication('JJ-20261102-0101'));
      const res = await jj.agent.get('/console/work/applications/JJ-20261102-0101').expect(200);
      assert.match(res.text, /准驾车型<\/th><td>C1 小型汽车/);
      assert.match(res.text, /我的&lt;照片&gt;.png/);
      assert.ok(res.text.includes(`href="/console/work/applications/JJ-20261102-0101/files/${ATTACHMENT_ID}"`));
      const buttons = [...res.text.matchAll(/name="to" value="([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(buttons, ['accepted', 'supplement'], 'the loop’s table limited to the service’s declared stages');
      const file = await jj.agent.get(`/console/work/applications/JJ-20261102-0101/files/${ATTACHMENT_ID}`).buffer(true).expect(200);
      assert.equal(file.headers['content-type'], 'image/png');
      assert.equal(file.headers['x-content-type-options'], 'nosniff');
      assert.equal(file.headers['cache-control'], 'private, no-store');
      assert.match(String(file.headers['content-disposition']), /^attachment;/);
      assert.deepEqual(Buffer.from(file.body), PNG);
      await jj.agent.get('/console/work/applications/JJ-20261102-0101/files/' + 'b'.repeat(32)).expect(404);
    });

    it('moves an application as the console user and notifies the citizen as the loop does', async () => {
      await seedApplication(h.store, licenceApplication('JJ-20261102-0102', { openid: 'o-mover' }));
      const res = await post(jj, '/console/work/applications/JJ-20261102-0102/move', { to: 'accepted', note: '材料齐全，已受理' }).expect(303);
      assert.equal(res.headers.location, '/console/work/applications/JJ-20261102-0102?msg=moved');
      const app = (await applicationsOf(h.store).get('JJ-20261102-0102'))!;
      assert.equal(app.stage, 'accepted');
      assert.deepEqual(app.timeline.at(-1)?.actor, { kind: 'staff', name: 'jj-staff' });
      assert.equal(app.timeline.at(-1)?.note, '材料齐全，已受理');
      assert.ok(app.clock.startDate, 'the promised-time clock started');
      assert.equal(client.templates.length, 1);
      assert.deepEqual([client.templates[0]!.openid, client.templates[0]!.templateId, client.templates[0]!.data.keyword3?.value], ['o-mover', 'tpl-progress', '已受理']);
      const log = await h.store.log<NotificationRecord>(NOTIFICATIONS).read((r) => r.applicationNo === 'JJ-20261102-0102');
      assert.deepEqual(log.map((r) => r.status), ['sent']);
      const page = await jj.agent.get(res.headers.location!).expect(200);
      assert.match(page.text, /已收件 → 已受理（jj-staff）/);
    });

    it('refuses an illegal move and a supplement without a note, on the same page, changing nothing', async () => {
      await seedApplication(h.store, licenceApplication('JJ-20261102-0103'));
      const illegal = await post(jj, '/console/work/applications/JJ-20261102-0103/move', { to: 'completed' }).expect(409);
      assert.match(illegal.text, /办件当前为“已收件”，不能变更为“已办结”/);
      const noNote = await post(jj, '/console/work/applications/JJ-20261102-0103/move', { to: 'supplement', note: ' ' }).expect(400);
      assert.match(noNote.text, /一次性告知/);
      assert.equal((await applicationsOf(h.store).get('JJ-20261102-0103'))!.stage, 'submitted');
      assert.equal(client.templates.length, 0);
    });

    it('asks for the assessed fee in 元 when accepting, and records it in 分', async () => {
      await seedApplication(h.store, fineApplication('JJ-20261102-0104'));
      const page = await jj.agent.get('/console/work/applications/JJ-20261102-0104').expect(200);
      assert.match(page.text, /核定费用（元，受理时必填，最多 2000.00 元）/);
      const missing = await post(jj, '/console/work/applications/JJ-20261102-0104/move', { to: 'accepted', amount: '' }).expect(400);
      assert.match(missing.text, /受理时须核定费用：请填写金额（单位：元）/);
      const bad = await post(jj, '/console/work/applications/JJ-20261102-0104/move', { to: 'accepted', amount: '12.345' }).expect(400);
      assert.match(bad.text, /最多两位小数/);
      const tooMuch = await post(jj, '/console/work/applications/JJ-20261102-0104/move', { to: 'accepted', amount: '2000.01' }).expect(400);
      assert.match(tooMuch.text, /核定费用/);
      assert.match(tooMuch.text, /value="2000.01"/, 'the typed amount is kept');
      await post(jj, '/console/work/applications/JJ-20261102-0104/move', { to: 'accepted', amount: '150.5' }).expect(303);
      const app = (await applicationsOf(h.store).get('JJ-20261102-0104'))!;
      assert.deepEqual([app.stage, app.payment.amountFen, app.payment.state], ['accepted', 15050, 'unpaid']);
    });

    it('filters the queue by stage and leaves out applications still owing a before-acceptance fee', async () => {
      await seedApplication(h.store, licenceApplication('JJ-20261102-0105', { payment: { state: 'unpaid', timing: 'before-acceptance', amountFen: 1000 } }));
      await seedApplication(h.store, licenceApplication('JJ-20261102-0106', { stage: 'in-progress' }));
      const all = await jj.agent.get('/console/work/applications').expect(200);
      assert.doesNotMatch(all.text, /JJ-20261102-0105/);
      const inProgress = await jj.agent.get('/console/work/applications?stage=in-progress').expect(200);
      assert.match(inProgress.text, /JJ-20261102-0106/);
      assert.doesNotMatch(inProgress.text, /JJ-20261102-0101/);
      const unknown = await jj.agent.get('/console/work/applications?stage=toString').expect(200);
      assert.match(unknown.text, /JJ-20261102-0106/, 'an unknown stage filter shows the whole queue');
    });
  });

  describe('差评整改', () => {
    it('flags overdue cases and records a callback, then the resolution, as the console user', async () => {
      await seedApplication(h.store, licenceApplication('JJ-20261102-0201'));
      await seedCase(h.store, 'JJ-20261102-0201', { deadline: '2026-01-05' });
      await seedApplication(h.store, licenceApplication('JJ-20261102-0202'));
      await seedCase(h.store, 'JJ-20261102-0202', { deadline: '2099-12-31' });
      const list = await jj.agent.get('/console/work/cases').expect(200);
      const row = (id: string) => list.text.slice(list.text.indexOf(`id="case-${id}"`), list.text.indexOf('</tr>', list.text.indexOf(`id="case-${id}"`)));
      assert.match(row('JJ-20261102-0201-ZG'), /已逾期/);
      assert.doesNotMatch(row('JJ-20261102-0202-ZG'), /已逾期/);
      assert.ok(list.text.indexOf('JJ-20261102-0201-ZG') < list.text.indexOf('JJ-20261102-0202-ZG'), 'overdue first');
      assert.match(list.text, /窗口态度&lt;差&gt;/);

      const early = await post(jj, '/console/work/cases/JJ-20261102-0201-ZG/resolution', { kind: 'fixed', note: '已整改' }).expect(409);
      assert.match(early.text, /请先回访申请人/);
      await post(jj, '/console/work/cases/JJ-20261102-0201-ZG/callback', { note: '已电话回访，申请人反映等候过久' }).expect(303);
      await post(jj, '/console/work/cases/JJ-20261102-0201-ZG/resolution', { kind: 'fixed', note: '增开一个窗口' }).expect(303);
      const c = (await casesOf(h.store).get('JJ-20261102-0201-ZG'))!;
      assert.deepEqual(c.callbacks.map((n) => [n.actor.name, n.note]), [['jj-staff', '已电话回访，申请人反映等候过久']]);
      assert.deepEqual([c.resolution?.kind, c.resolution?.actor.name, c.resolution?.note], ['fixed', 'jj-staff', '增开一个窗口']);
      const page = await jj.agent.get('/console/work/cases/JJ-20261102-0201-ZG').expect(200);
      assert.match(page.text, /已反馈，待市民评价/);
      assert.doesNotMatch(page.text, /已逾期/, 'a resolved case is no longer overdue');
    });

    it('lets the platform act on any department’s case, recorded under its username', async () => {
      await seedCase(h.store, 'JJ-20261102-0203');
      await post(plat, '/console/work/cases/JJ-20261102-0203-ZG/appeal', { reason: '申请人误评' }).expect(303);
      assert.equal((await casesOf(h.store).get('JJ-20261102-0203-ZG'))!.appeal?.actor.name, 'plat');
      const csrfPage = await plat.agent.get('/console/work/cases/JJ-20261102-0203-ZG').expect(200);
      assert.ok(csrfFrom(csrfPage.text));
      assert.match(unescape(csrfPage.text), /已申诉：申请人误评/);
    });
  });

  describe('审计日志', () => {
    const audited = async (target: string) => (await readAudit(h.store)).filter((r) => r.target === target).map((r) => [r.actor, r.action, r.detail]);

    it('records each workbench action under the console user, and no refused one', async () => {
      await seedTicket(h.store, { id: 'dt-audit-1', department: 'jiaojing' });
      await seedTicket(h.store, { id: 'dt-audit-2', department: 'jiaojing' });
      await seedTicket(h.store, { id: 'dt-audit-3' });
      await post(jj, '/console/work/desk/dt-audit-1/reply', { text: '您好，已处理。' }).expect(303);
      await post(jj, '/console/work/desk/dt-audit-2/close', { reason: '' }).expect(400);
      await post(jj, '/console/work/desk/dt-audit-2/close', { reason: '重复留言' }).expect(303);
      await post(plat, '/console/work/desk/dt-audit-3/assign', { department: 'shebao' }).expect(303);
      assert.deepEqual(await audited('工单 dt-audit-1'), [['jj-staff', 'desk.reply', undefined]]);
      assert.deepEqual(await audited('工单 dt-audit-2'), [['jj-staff', 'desk.close', '重复留言']]);
      assert.deepEqual(await audited('工单 dt-audit-3'), [['plat', 'desk.assign', '转派至市社会保险事业管理中心']]);

      await seedApplication(h.store, licenceApplication('JJ-20261102-0301'));
      await post(jj, '/console/work/applications/JJ-20261102-0301/move', { to: 'completed' }).expect(409);
      await post(jj, '/console/work/applications/JJ-20261102-0301/move', { to: 'accepted', note: '已受理' }).expect(303);
      assert.deepEqual(await audited('办件 JJ-20261102-0301'), [['jj-staff', 'application.move', '变更为“已受理”']]);

      await seedApplication(h.store, licenceApplication('JJ-20261102-0302'));
      await seedCase(h.store, 'JJ-20261102-0302');
      await post(jj, '/console/work/cases/JJ-20261102-0302-ZG/callback', { note: '已回访' }).expect(303);
      await post(jj, '/console/work/cases/JJ-20261102-0302-ZG/resolution', { kind: 'explained', note: '已解释' }).expect(303);
      await seedCase(h.store, 'JJ-20261102-0303');
      await post(plat, '/console/work/cases/JJ-20261102-0303-ZG/appeal', { reason: '误评' }).expect(303);
      assert.deepEqual((await audited('整改件 JJ-20261102-0302-ZG')).reverse(), [
        ['jj-staff', 'case.callback', undefined],
        ['jj-staff', 'case.resolution', undefined],
      ]);
      assert.deepEqual(await audited('整改件 JJ-20261102-0303-ZG'), [['plat', 'case.appeal', undefined]]);
    });

    it('shows workbench actions on the audit page with their Chinese names', async () => {
      await seedTicket(h.store, { id: 'dt-audit-page', department: 'jiaojing' });
      await post(jj, '/console/work/desk/dt-audit-page/close', { reason: '已电话答复' }).expect(303);
      const page = await plat.agent.get('/console/audit').expect(200);
      assert.match(page.text, /<td>jj-staff<\/td><td>关闭工单<\/td><td>工单 dt-audit-page<\/td><td>已电话答复<\/td>/);
    });
  });
});
