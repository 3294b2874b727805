// Reminders whose date is refreshed through the binding's department system (follows.refresh,
// the sample city's 年检 and 换证 reminders): the real connector caller (signing, breaker, its
// worker thread) asks the local department stand-in on a loopback port before a reminder is
// planned, at most once per city day per binding; the answer moves the date, a binding the system
// no longer knows is not reminded, and a system that is down leaves the stored date, said in the
// delivery log.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { addBinding, dueBindings, listBindings, refreshForReminder, type BindingsDeps } from '../../server/bindings/index.js';
import { createConnectorCaller, LOCAL_CONNECTOR_SECRET, STANDIN_SAMPLES } from '../../server/connectors/index.js';
import { createBindingsPagesRouter, createDepartmentStandin } from '../../server/http/index.js';
import { createRenderer } from '../../server/render.js';
import { listDeliveries, planReminders } from '../../server/notices/index.js';
import type { NoticeRecord } from '../../server/notices/index.js';
import { createVault } from '../../server/vault/index.js';
import { DEVELOPMENT_VAULT, loadConfig } from '../../server/config.js';
import { noticeHarness, type NoticeHarness, SESSION_SECRET } from './notice-harness.js';

const SECRETS = { jiaojing: LOCAL_CONNECTOR_SECRET, gongjijin: LOCAL_CONNECTOR_SECRET, renshe: LOCAL_CONNECTOR_SECRET };

describe('reminders refreshed through the binding’s connector', () => {
  let h: NoticeHarness;
  let b: BindingsDeps;
  let server: Server | undefined;
  let port: number;
  let registrations: typeof STANDIN_SAMPLES.registrations;
  /** Requests the department system received for vehicles (verification and refreshes). */
  let asked: string[];

  async function listen(at = 0) {
    const app = express();
    app.use((req, _res, next) => (req.path.startsWith('/_departments/jiaojing/vehicles/') && asked.push(decodeURIComponent(req.path.split('/').pop()!)), next()));
    app.use('/_departments', createDepartmentStandin({ secrets: SECRETS, registrations }));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(at, '127.0.0.1', () => resolve(s));
    });
    port = (server.address() as AddressInfo).port;
  }
  const down = () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())).then(() => (server = undefined));

  beforeEach(async () => {
    registrations = structuredClone(STANDIN_SAMPLES.registrations);
    asked = [];
    await listen();
    h = await noticeHarness({ now: '2026-12-02T10:00:00+08:00' });
    const connectors = createConnectorCaller({ live: h.deps.live, config: { localMode: true, connectorSecrets: {} }, localOrigin: () => `http://127.0.0.1:${port}` }); // signs with the real clock, as the stand-in checks it
    b = { store: h.store, vault: createVault(DEVELOPMENT_VAULT), live: h.deps.live, connectors, now: () => h.clock.now };
    h.deps.dueBindings = (q) => dueBindings(b, q);
    h.deps.refreshBinding = (q) => refreshForReminder(b, q);
  });
  afterEach(down);

  const at = (local: string) => (h.clock.now = new Date(`${local}:00+08:00`));
  const bindCar = (plateNumber: string, openid = 'oDriver') => addBinding(b, { openid, department: 'jiaojing', kind: 'vehicle', fields: { plateType: registrations[plateNumber]!.plateType, plateNumber, vinLast6: registrations[plateNumber]!.vin } });
  const plan = () => planReminders(h.deps);
  const sent = () => [...h.wechat.subscriptionMessages, ...h.wechat.templateMessages].map((m) => `${m.touser} ${Object.values(m.data).map((v) => v.value).join(' ')}`);
  const notices = () => h.store.collection<NoticeRecord>('notices').list();

  it('follows the date the system answers now: inspected early, no reminder until the new date nears', async () => {
    await bindCar('鄂A12345'); // due 2027-01-15 when bound
    registrations['鄂A12345']!.inspectionDue = '2029-01-15'; // inspected early: the next inspection in two years
    at('2026-12-16T10:00'); // 30 days before the stored date
    const first = await plan();
    await h.deliver();
    assert.deepEqual(sent(), []);
    assert.deepEqual([first.refresh.refreshed, first.refresh.moved, first.planned], [1, 1, 0]);
    const [view] = await listBindings(b, 'oDriver');
    assert.equal(view!.data.inspectionDue, '2029-01-15'); // resealed with the answer
    const window = { department: 'jiaojing', kind: 'vehicle', field: 'inspectionDue', from: '2026-12-16', to: '2027-01-31' };
    let listed = 0;
    for await (const page of dueBindings(b, window)) listed += page.length;
    assert.equal(listed, 0, 'the reminder-day index moved with the date');
    at('2028-12-16T10:00'); // 30 days before the new date
    await plan();
    await h.deliver();
    assert.equal(sent().length, 1);
    assert.match(sent()[0]!, /^oDriver .*2029-01-15/);
  });

  it('reminds of a nearer date the system answers, once, and never of the stored one', async () => {
    await bindCar('鄂A12345'); // 2027-01-15
    at('2026-12-20T10:00'); // the 30-day reminder of 2027-01-15 is due
    registrations['鄂A12345']!.inspectionDue = '2026-12-28'; // the department corrected it
    await plan();
    await plan();
    await h.deliver();
    assert.equal(sent().length, 1);
    assert.match(sent()[0]!, /2026-12-28/);
    const [notice] = await notices();
    assert.deepEqual(notice!.reminder, { ref: 'jiaojing/nianjian', date: '2026-12-28', daysBefore: 30 }); // 8 days ahead: the 7-day mark has not come
    assert.equal(notice!.refreshFailure, undefined);
  });

  it('sends nothing for a binding the system no longer knows, and marks it', async () => {
    await bindCar('鄂A0B789'); // due 2026-12-20: its 30-day reminder is due today
    delete registrations['鄂A0B789']; // deregistered
    const result = await plan();
    await h.deliver();
    assert.deepEqual(sent(), []);
    assert.equal(result.refresh.gone, 1);
    const [view] = await listBindings(b, 'oDriver');
    assert.equal(view!.goneOn, '2026-12-02');
    const page = await request(h.app).get('/me/messages').set('Cookie', h.cookie('oDriver')).expect(200);
    assert.doesNotMatch(page.text, /机动车年检提醒/);
    // The citizen sees why on /me/bindings.
    const pages = express().use(createBindingsPagesRouter({ config: loadConfig({ SESSION_SECRET }), live: h.deps.live, renderer: createRenderer(), bindings: b }));
    const mine = await request(pages).get('/me/bindings').set('Cookie', h.cookie('oDriver')).expect(200);
    assert.match(mine.text, /交通管理局系统自 2026-12-02 起查不到这项记录，到期提醒已暂停/);
    // Known again the next day (the registry had a glitch): reminded, and the mark is gone.
    registrations['鄂A0B789'] = structuredClone(STANDIN_SAMPLES.registrations['鄂A0B789']!);
    at('2026-12-03T10:00');
    await plan();
    await h.deliver();
    assert.equal(sent().length, 1);
    assert.equal((await listBindings(b, 'oDriver'))[0]!.goneOn, undefined);
  });

  it('sends on the stored date when the system is down, and the delivery log says why', async () => {
    await bindCar('鄂A0B789'); // due 2026-12-20
    await down();
    const result = await plan();
    await h.deliver();
    assert.equal(result.refresh.failed, 1);
    assert.equal(sent().length, 1);
    assert.match(sent()[0]!, /2026-12-20/);
    const [row] = await listDeliveries(h.deps, { departments: ['jiaojing'] });
    assert.equal(row!.failed, false);
    assert.equal(row!.warning, '到期日未能经部门系统刷新（无法连接），按已登记的日期发送');
    const token = await h.staff('jiaojing');
    const api = await request(h.app).get('/api/staff/notices').set('Authorization', `Bearer ${token}`).expect(200);
    assert.equal(api.body.notices[0].warning, row!.warning);
    // Planned already: a later pass that day neither asks again nor sends again.
    await listen(port);
    await plan();
    await h.deliver();
    assert.equal(sent().length, 1);
    assert.deepEqual(asked, ['鄂A0B789']); // only the verification when it was bound
  });

  it('asks each binding at most once per city day, however many passes and restarts', async () => {
    await bindCar('鄂A12345');
    await bindCar('鄂A0B789', 'oOther');
    delete registrations['鄂A0B789'];
    registrations['鄂A12345']!.inspectionDue = '2029-01-15';
    at('2026-12-16T09:00');
    asked = [];
    for (let pass = 0; pass < 4; pass++) await plan(); // each call plans as a fresh process would
    at('2026-12-16T23:59');
    await plan();
    assert.deepEqual(asked.sort(), ['鄂A0B789', '鄂A12345']);
    at('2026-12-17T00:01'); // a new city day: 鄂A0B789 is still due (gone), so it is asked again; 鄂A12345 left the window
    await plan();
    assert.deepEqual(asked.sort(), ['鄂A0B789', '鄂A0B789', '鄂A12345']);
    await h.deliver();
    assert.deepEqual(sent(), []);
  });

  it('lets one of two planners running at once ask; the other leaves the binding for its next pass', async () => {
    await bindCar('鄂A0B789'); // its 30-day reminder is due
    asked = [];
    const [one, two] = await Promise.all([plan(), plan()]); // two processes on one store
    assert.deepEqual([one.refresh.refreshed + two.refresh.refreshed, one.refresh.deferred + two.refresh.deferred], [1, 1]);
    await plan();
    await h.deliver();
    assert.deepEqual(asked, ['鄂A0B789']);
    assert.equal(sent().length, 1);
  });

  it('spreads a large due day over passes (refreshPerPass) and plans each binding only after asking', async () => {
    h.deps.config = { ...h.deps.config, refreshPerPass: 1 };
    await bindCar('鄂A12345');
    await bindCar('鄂A0B789', 'oOther');
    at('2026-12-16T10:00'); // both are due: 2027-01-15 (30 days) and 2026-12-20 (7 days)
    asked = [];
    const first = await plan();
    assert.deepEqual([first.refresh.refreshed, first.refresh.deferred, first.planned], [1, 1, 1]);
    const second = await plan();
    assert.deepEqual([second.refresh.refreshed, second.refresh.deferred, second.planned], [1, 0, 1]);
    assert.equal(asked.length, 2);
    await h.deliver();
    assert.deepEqual(sent().map((s) => s.split(' ')[0]).sort(), ['oDriver', 'oOther']);
  });
});
