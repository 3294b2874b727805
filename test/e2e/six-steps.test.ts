// One service through all six steps in real headless Chromium, clicking through the H5 pages.
// server/app.ts (createApp) does not exist yet, so the app is assembled here from the routers the
// way app.ts is expected to mount them; swap in createApp once it lands.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { type Browser, chromium } from 'playwright-core';
import type { BuiltService } from '../../server/builder/types.js';
import { loadConfig } from '../../server/config.js';
import { createAppointmentRouter } from '../../server/http/appointment-router.js';
import { createApplicationRouter } from '../../server/http/application-router.js';
import { createCitizenAuthRouter } from '../../server/http/citizen-auth-router.js';
import { errorHandler } from '../../server/http/error-handler.js';
import { createStaffToken, optionalCitizen } from '../../server/http/identity.js';
import { createLocationRouter } from '../../server/http/location-router.js';
import { createRenderer } from '../../server/http/render.js';
import { createServicePagesRouter } from '../../server/http/service-pages-router.js';
import { createLiveBuild } from '../../server/live-build.js';
import type { ApplicationDeps } from '../../server/loop/applications/application-deps.js';
import { paymentCreditor } from '../../server/loop/applications/credit-payment.js';
import { createLocalCashierRouter } from '../../server/loop/payment/local-cashier-router.js';
import { createPaymentProvider } from '../../server/loop/payment/create-payment-provider.js';
import type { LocalPaymentProvider } from '../../server/loop/payment/local-payment-provider.js';
import { createLowdbStore } from '../../server/store/lowdb-store.js';
import type { Store } from '../../server/store/types.js';
import { APPOINTMENT_SERVICE, makeBuild, NOW, VALID_FIELDS } from '../loop/appointment/fixture-build.js';

const CHROMIUM = '/usr/bin/chromium';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const REF = APPOINTMENT_SERVICE.ref;

/** The sample service with all six steps declared. */
const SIX_STEPS: BuiltService = {
  ...APPOINTMENT_SERVICE,
  online: { location: true, appointment: true, processing: true, payment: true, progress: true, rating: true },
  steps: {
    ...APPOINTMENT_SERVICE.steps,
    processing: {
      online: true,
      timeLimitDays: 5,
      fields: [
        { name: 'name', label: '姓名', type: 'text', required: true, min: 2, max: 20 },
        { name: 'idcard', label: '身份证号', type: 'idcard', required: true },
      ],
      attachments: [{ name: 'photo', label: '一寸白底照片', required: true, types: ['png', 'jpg'], maxSizeKb: 512 }],
    },
    payment: { online: true, timing: 'before-acceptance', fee: { mode: 'fixed', amountFen: 2000 }, item: '社保卡工本费' },
    progress: { online: true, stages: ['submitted', 'accepted', 'in-progress', 'completed'] },
    rating: { online: true },
  },
};

describe('the six-step loop in headless Chromium', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: Server;
  let store: Store;
  let dir: string;
  let base: string;

  before(async () => {
    // CI installs Chromium (.ci/run); without it this test must fail, not skip.
    assert.ok(existsSync(CHROMIUM), `未找到 ${CHROMIUM}：端到端测试需要 Chromium（.ci/run 会安装 chromium 软件包）`);
    dir = await mkdtemp(path.join(tmpdir(), 'onestop-e2e-'));
    store = await createLowdbStore(path.join(dir, 'db'));
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = loadConfig({ PUBLIC_BASE_URL: base, DATA_DIR: dir, SESSION_SECRET: 'e2e-secret', PAY_PROVIDER: 'local' });
    const build = makeBuild();
    build.services = [SIX_STEPS, ...build.services.slice(1)];
    const pay = createPaymentProvider(config, store);
    const deps: ApplicationDeps = { config, store, live: createLiveBuild(build), renderer: createRenderer(), now: () => NOW, pay: pay as unknown as ApplicationDeps['pay'] };
    const app = express();
    app.use(createApplicationRouter(deps)); // before any body parser: payment notifications are raw
    app.use(createCitizenAuthRouter(deps));
    app.use(createServicePagesRouter(deps));
    app.use(createLocationRouter(deps));
    app.use(createAppointmentRouter(deps));
    app.use(optionalCitizen(config.sessionSecret), createLocalCashierRouter({ provider: pay as LocalPaymentProvider, onPaid: paymentCreditor(deps), returnUrl: () => undefined }));
    app.use(errorHandler());
    server.on('request', app);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await store?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('takes a citizen from finding a hall to rating the completed service', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', geolocation: { latitude: 23.08, longitude: 113.32 }, permissions: ['geolocation'] });
    const page = await context.newPage();

    // ① 位置服务: the service page links to its halls; the location button re-sorts by distance.
    await page.goto(`${base}/s/${REF}`);
    await page.click('text=查找办事大厅');
    await page.waitForSelector('.hall');
    await page.click('#locate');
    await page.waitForURL(/lat=23\.08/);
    assert.equal(await page.locator('.hall h2').first().innerText().then((t) => t.split(' ')[0]), '海珠社保服务厅');

    // Sign in locally on the way to booking.
    await page.click('text=预约办理');
    await page.waitForURL(/\/auth\/local/);
    await page.fill('#openid', 'e2e-citizen');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/book$/);

    // ② 预约预检: hall, date, slot, pre-check form; a wrong id number is explained next to its field.
    await page.waitForSelector('#slots button.slot:not([disabled])');
    await page.locator('#slots button.slot:not([disabled])').first().click();
    await page.fill('#f-name', VALID_FIELDS.name);
    await page.fill('#f-idcard', '110105194912310021');
    await page.fill('#f-phone', VALID_FIELDS.phone);
    await page.selectOption('#f-reason', 'lost');
    await page.click('#submit');
    await page.waitForSelector('[data-error-for="idcard"]:has-text("格式不正确")');
    await page.fill('#f-idcard', VALID_FIELDS.idcard);
    await page.click('#submit');
    await page.waitForSelector('#done:not([hidden])');
    assert.match(await page.locator('#done-number').innerText(), /^YY-\d{8}-\d{4}$/);
    await page.click('text=查看我的预约');
    await page.waitForSelector('.appointment');

    // ③ 业务办理: the form with an upload.
    await page.goto(`${base}/s/${REF}/apply`);
    await page.fill('#f-name', VALID_FIELDS.name);
    await page.fill('#f-idcard', VALID_FIELDS.idcard);
    await page.setInputFiles('#a-photo', { name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    await page.click('#submit');
    await page.waitForURL(/\/me\/applications\/[^/]+$/);
    const no = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

    // ④ 线上支付 at the simulated cashier.
    await page.click('#pay');
    await page.waitForURL(/\/pay\/local\//);
    await page.waitForSelector('text=模拟支付');
    await page.click('text=确认支付（模拟）');
    await page.waitForLoadState();

    // ⑤ 进度查询: staff move the application to 办结 through the staff API.
    const token = await createStaffToken(store, 'shebao', '天河窗口');
    for (const to of ['accepted', 'in-progress', 'completed']) {
      const res = await fetch(`${base}/api/applications/${encodeURIComponent(no)}/transitions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ to }),
      });
      assert.equal(res.status, 200, `${to}: ${await res.text()}`);
    }
    await page.goto(`${base}/me/applications/${encodeURIComponent(no)}`);
    await page.waitForSelector('text=已缴费');
    const timeline = await page.locator('ul.list li').allInnerTexts();
    assert.ok(timeline[0]!.startsWith('已办结'), timeline.join(' | '));
    assert.ok(timeline.some((t) => t.startsWith('已受理')), timeline.join(' | '));

    // ⑥ 评价.
    await page.locator('form.rating-form input[name=level]').first().check();
    await page.click('form.rating-form button[type=submit]');
    await page.waitForSelector('text=我的评价');
    await context.close();
  });
});
