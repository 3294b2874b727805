// The dashboard in headless Chromium as a person sees it: every chart drawn, its table beside it,
// the watchdogs, no blocked script or style (the console's CSP), and the filters round-trip.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { signInToConsole, startBrowserRig, type BrowserRig } from '../browser/browser-rig.js';
import { addTestUsers, createHarness, PASSWORD, type Harness } from '../console/harness.js';
import { seedEvents } from './stats-fixture.js';

describe('the evaluation dashboard in a browser', function () {
  this.timeout(90_000);
  let h: Harness;
  let rig: BrowserRig;
  let base: string;
  let browser: Browser;

  before(async () => {
    rig = await startBrowserRig();
    ({ browser, base } = rig);
    h = await createHarness();
    await addTestUsers(h.store);
    await seedEvents(h.store);
    rig.serve(h.app);
  });

  after(async () => {
    await rig?.close();
  });

  it('draws every chart beside its table, shows the watchdogs and keeps the filters, with nothing blocked', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    await signInToConsole(page, base, 'plat', PASSWORD);

    await page.goto(`${base}/console/stats?from=2026-11-02&to=2026-11-03`);
    const charts = page.locator('.stats-chart figure svg');
    assert.equal(await charts.count(), 5);
    for (let i = 0; i < 5; i++) {
      const box = await charts.nth(i).boundingBox();
      assert.ok(box && box.width > 300 && box.height > 200, `chart ${i} is drawn`);
    }
    assert.equal(await page.locator('#stats-per-day table tbody tr').count(), 2);
    assert.equal(await page.locator('#stats-health tbody tr').count(), 5);
    assert.equal(await page.textContent('#automatic-rate'), '75.0%');

    await page.selectOption('select[name=department]', 'jiaojing');
    await Promise.all([page.waitForURL(/department=jiaojing/), page.click('#stats-filters button[type=submit]')]);
    assert.equal(await page.inputValue('input[name=from]'), '2026-11-02');
    assert.equal(await page.locator('#stats-funnel tbody tr').count(), 2);
    await page.screenshot({ path: path.join(tmpdir(), 'onestop-stats-browser.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });
});
