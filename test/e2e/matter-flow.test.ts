// 二手房交易一件事 end to end in headless Chromium, on the app as main.ts composes it (createApp with
// the local cashier, the publisher and the real WeChat client over HTTP to the app's own stand-in)
// and the sample city from topics/: the one notice, the one form, three departments' parts, a
// 补齐补正 request answered to the part that asked, one payment at the cashier, one rating.
// With MATTER_SCREENSHOTS_DIR set it also saves the README's screenshots there.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import { createStaffToken } from '../../server/desk/staff-tokens.js';
import type { Store } from '../../server/store/types.js';
import { FILES } from '../loop/applications/test-app.js';
import { validBody } from '../matters/matter-fixture.js';
import { startE2eApp, type E2eApp } from './e2e-app.js';

const TOPICS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../topics');
const SHOTS = process.env.MATTER_SCREENSHOTS_DIR;

describe('二手房交易一件事 in headless Chromium', function () {
  this.timeout(120_000);
  let app: E2eApp;
  let browser: Browser;
  let store: Store;
  let base: string;

  before(async () => {
    app = await startE2eApp({ build: async (url) => buildAccount(await loadCityFromDir(TOPICS), { publicBaseUrl: url }), prefix: 'onestop-matter-e2e-' });
    ({ browser, base, store } = app);
  });

  after(async () => {
    await app?.close();
  });

  const shot = async (page: Page, name: string) => {
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
  };
  const staffMove = async (token: string, no: string, to: string, extra: Record<string, unknown> = {}) => {
    const res = await fetch(`${base}/api/applications/${encodeURIComponent(no)}/transitions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ to, ...extra }),
    });
    assert.equal(res.status, 200, `${no} → ${to}: ${await res.text()}`);
  };

  it('takes a citizen from the one notice through one form, three departments, one payment and one rating', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 420, height: 900 } });
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (m) => void (/Content Security Policy/i.test(m.text()) && blocked.push(m.text())));
    page.on('pageerror', (e) => void blocked.push(e.message));

    // The topic page lists the matter; its notice names every department and when each applies.
    await page.goto(`${base}/`);
    await page.click('.matter-entry a');
    await page.waitForSelector('#matter-notice');
    assert.match(await page.locator('body').innerText(), /仅当“买方是否提取住房公积金：是”时办理/);
    await shot(page, 'matter-notice.png');
    await page.click('#matter-start');
    await page.waitForURL(/\/auth\/local/);
    await page.fill('#openid', 'e2e-buyer');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/m\/ershoufang-jiaoyi\/apply$/);

    // One form: the 公积金 section appears only when the buyer withdraws; a bad ID is shown once, by the shared field.
    const fundSection = page.locator('fieldset.matter-section', { hasText: '住房公积金提取' });
    assert.equal(await fundSection.isVisible(), false);
    await page.selectOption('#q-useFund', 'yes');
    assert.equal(await fundSection.isVisible(), true);
    const body: Record<string, string> = validBody('yes');
    for (const [name, value] of Object.entries(body)) {
      if (name === 'useFund') continue;
      const field = page.locator(`[name="${name}"]`);
      if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
      else await field.fill(name === 'buyerIdNumber' ? '420105198511124560' : value);
    }
    await page.setInputFiles('#a-contract', { name: '网签合同.pdf', mimeType: 'application/pdf', buffer: FILES.pdf });
    await page.setInputFiles('#a-idCardImage', { name: '身份证.png', mimeType: 'image/png', buffer: FILES.png });
    await shot(page, 'matter-form.png');
    await page.click('#submit');
    await page.waitForSelector('[data-error-for="buyerIdNumber"]:not(:empty)');
    await page.fill('[name="buyerIdNumber"]', body.buyerIdNumber ?? '');
    await page.click('#submit');
    // The refused first attempt used up no number.
    await page.waitForURL(/\/me\/matters\/YJS-\d{8}-0001\?submitted=1$/);
    const no = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    assert.deepEqual(await page.locator('.matter-part').evaluateAll((els) => els.map((e) => e.getAttribute('data-department'))), ['budongchan', 'shuiwu', 'gongjijin']);
    const parts = await page.locator('.matter-part .muted').allInnerTexts();
    const partNo = (i: number) => parts[i]!.split(' · ').pop()!.trim();

    // Each department processes its own part; 税务 asks for a document.
    const tokens = {
      budongchan: await createStaffToken(store, 'budongchan', '登记窗口'),
      shuiwu: await createStaffToken(store, 'shuiwu', '契税窗口'),
      gongjijin: await createStaffToken(store, 'gongjijin', '提取窗口'),
    };
    await staffMove(tokens.budongchan, partNo(0), 'accepted');
    await staffMove(tokens.shuiwu, partNo(1), 'supplement', { note: '请上传婚姻状况证明或承诺书' });
    await staffMove(tokens.gongjijin, partNo(2), 'accepted');
    await page.goto(`${base}/me/matters/${encodeURIComponent(no)}`);
    await page.waitForSelector('#matter-state:has-text("待补正材料")');
    await shot(page, 'matter-progress.png');
    await page.click('text=向国家税务总局江城市税务局补正材料');
    await page.waitForURL(/\/s\/shuiwu\/qishui-shenbao\/apply\?resubmit=/);
    await page.setInputFiles('#a-marriage', { name: '承诺书.pdf', mimeType: 'application/pdf', buffer: FILES.pdf });
    await page.click('#submit');
    await page.waitForURL(/\/me\/applications\/SW-/);

    // 契税 assessed at acceptance; then one payment for 登记费 + 契税 at the simulated cashier.
    await staffMove(tokens.shuiwu, partNo(1), 'accepted', { amountFen: 2_250_000 });
    await page.goto(`${base}/me/matters/${encodeURIComponent(no)}`);
    assert.match(await page.locator('#matter-payment').innerText(), /合计应缴：22580\.00 元/);
    await page.click('#matter-pay');
    await page.waitForURL(/\/pay\/local\//);
    await page.click('text=确认支付（模拟）');
    await page.waitForLoadState();
    await page.goto(`${base}/me/matters/${encodeURIComponent(no)}`);
    await page.waitForSelector('#matter-payment:has-text("已缴清 22580.00 元")');

    // Everyone completes; the matter is rated once.
    await staffMove(tokens.budongchan, partNo(0), 'completed');
    await staffMove(tokens.shuiwu, partNo(1), 'completed');
    await staffMove(tokens.gongjijin, partNo(2), 'in-progress');
    await staffMove(tokens.gongjijin, partNo(2), 'completed');
    await page.goto(`${base}/me/matters/${encodeURIComponent(no)}`);
    await page.waitForSelector('#matter-state:has-text("已全部办结")');
    await page.locator('form.rating-form input[name=level]').first().check();
    await page.click('form.rating-form button[type=submit]');
    await page.waitForSelector('#matter-rating:has-text("非常满意")');
    await shot(page, 'matter-done.png');
    assert.deepEqual(blocked, []);
    await context.close();
  });
});
