// One service through all six steps in real headless Chromium, clicking through the H5 pages of
// the app as main.ts composes it: createApp with the local payment provider, the publisher, and the
// real WeChat client talking over HTTP to the app's own stand-in (/_wechat). Only the city is a
// fixture (a fixed clock and one service declaring all six steps); the CSP is the production one.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { BuiltService } from '../../server/builder/types.js';
import { createStaffToken } from '../../server/desk/staff-tokens.js';
import type { Store } from '../../server/store/types.js';
import { readStandinOutbox } from '../../server/wechat/standin/standin-state.js';
import { startE2eApp, type E2eApp } from './e2e-app.js';
import { APPOINTMENT_SERVICE, makeBuild, NOW, VALID_FIELDS } from '../loop/appointment/fixture-build.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const REF = APPOINTMENT_SERVICE.ref;
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const TEMPLATE_ID = 'TM_APPOINTMENT_0001';

/** The sample service with all six steps declared. */
const SIX_STEPS: BuiltService = {
  ...APPOINTMENT_SERVICE,
  online: { location: true, appointment: true, processing: true, payment: true, progress: true, rating: true },
  steps: {
    ...APPOINTMENT_SERVICE.steps,
    appointment: {
      ...APPOINTMENT_SERVICE.steps.appointment!,
      fields: [...(APPOINTMENT_SERVICE.steps.appointment!.fields ?? []), { name: 'proof', label: '遗失证明', type: 'file', required: true, accept: ['png', 'jpg'], maxSizeKb: 512 }],
    },
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
  let app: E2eApp;
  let browser: Browser;
  let store: Store;
  let base: string;

  before(async () => {
    const build = () => {
      const b = makeBuild();
      b.services = [SIX_STEPS, ...b.services.slice(1)];
      b.account.notifications = { appointmentTemplateId: TEMPLATE_ID };
      return b;
    };
    app = await startE2eApp({ build, prefix: 'onestop-e2e-', now: () => NOW });
    ({ browser, base, store } = app);
  });

  after(async () => {
    // Only an app that was started can be closed: a hook that failed early leaves none.
    await app?.close();
  });

  it('takes a citizen from finding a hall to rating the completed service', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', geolocation: { latitude: 23.08, longitude: 113.32 }, permissions: ['geolocation'] });
    const page = await context.newPage();
    // The pages must work under the production CSP (script-src 'self'): any blocked script fails.
    const blocked: string[] = [];
    page.on('console', (m) => void (/Content Security Policy/i.test(m.text()) && blocked.push(m.text())));
    page.on('pageerror', (e) => void blocked.push(e.message));

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
    // The pre-check upload is checked by its bytes: a PDF renamed .png is refused next to the field.
    await page.setInputFiles('#f-proof', { name: 'proof.png', mimeType: 'image/png', buffer: PDF });
    await page.waitForSelector('[data-error-for="proof"]:has-text("文件类型不符")');
    await page.setInputFiles('#f-proof', { name: 'proof.png', mimeType: 'image/png', buffer: PNG });
    await page.waitForSelector('[data-upload-status="proof"]:has-text("已上传：proof.png")');
    await page.click('#submit');
    await page.waitForSelector('[data-error-for="idcard"]:has-text("格式不正确")');
    await page.fill('#f-idcard', VALID_FIELDS.idcard);
    await page.click('#submit');
    await page.waitForSelector('#done:not([hidden])');
    const number = await page.locator('#done-number').innerText();
    assert.match(number, /^YY-\d{8}-\d{4}$/);
    // The confirmation went through the real WeChat client to the stand-in, with the account's template.
    const [notice] = (await readStandinOutbox(store, 'e2e-citizen')).filter((m) => m.kind === 'template');
    assert.equal(notice?.templateId, TEMPLATE_ID);
    assert.match(JSON.stringify(notice?.body), new RegExp(number));
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
    assert.deepEqual(blocked, []);
    await context.close();
  });
});
