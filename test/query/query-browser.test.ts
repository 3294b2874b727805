// The H5 query form in headless Chromium against the sample city as `npm start` serves it: sign in
// (local mode), a wrong input explained next to its field, the answer on the page, and the result
// page with a scene photo fetched through onestop, under the production CSP.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { launchChromium } from '../browser/launch-chromium.js';

describe('the H5 query form in headless Chromium', function () {
  this.timeout(120_000);
  let browser: Browser;
  let running: RunningServer;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'onestop-query-browser-'));
    running = await startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0', WECHAT_TOKEN: 'query-browser-token' }), () => {});
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await running?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('queries violations from the service page to the result page with its scene photo', async () => {
    const base = `http://localhost:${running.port}`;
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    const problems: string[] = [];
    page.on('console', (m) => void (/Content Security Policy/i.test(m.text()) && problems.push(m.text())));
    page.on('pageerror', (e) => void problems.push(e.message));

    await page.goto(`${base}/s/jiaojing/weifa-chaxun`);
    await page.click('#query-link');
    // Local mode: the sign-in page stands in for WeChat's authorisation, then returns to the form.
    await page.fill('#openid', 'o-browser-citizen');
    await page.click('button[type=submit]');
    await page.waitForSelector('#query-form');

    await page.fill('#q-plateNumber', '鄂A12345');
    await page.fill('#q-vinLast6', 'IO');
    await page.click('#submit');
    await page.waitForFunction(() => document.querySelector('[data-error-for="vinLast6"]')?.textContent !== '');
    assert.match((await page.textContent('[data-error-for="vinLast6"]'))!, /车辆识别代号/);

    await page.fill('#q-plateNumber', '鄂a12345');
    await page.fill('#q-vinLast6', '4f2a91');
    await page.click('#submit');
    await page.waitForSelector('#query-answer:not([hidden])');
    assert.match((await page.textContent('#answer-text'))!, /鄂A12345 有 2 条未处理的交通违法/);

    await page.click('#answer-page');
    await page.waitForSelector('.result-item');
    assert.equal(await page.locator('.result-item').count(), 2);
    assert.match((await page.textContent('body'))!, /机动车不按交通信号灯规定通行/);
    const photoWidth = await page.locator('.result-item img').first().evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : new Promise<number>((r) => (img.onload = () => r(img.naturalWidth)))));
    assert.equal(photoWidth, 160);
    assert.deepEqual(problems, []);
  });
});
