// Headless Chromium: the console's simulator on two accounts of the sample city, switched in the
// header, each answering from its own build through its own callback.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { addUser } from '../../server/console/users.js';
import { signInToConsole, startBrowserRig, type BrowserRig } from '../browser/browser-rig.js';
import { sampleCity } from './city-fixture.js';
import { createCityApp, type CityApp } from './harness.js';

const PASSWORD = 'correct-horse-battery';

describe('the simulator on two accounts in a browser', function () {
  this.timeout(90_000);
  let city: CityApp;
  let rig: BrowserRig;
  let base: string;
  let browser: Browser;

  before(async () => {
    rig = await startBrowserRig();
    ({ browser, base } = rig);
    city = createCityApp(await sampleCity(), { config: { publicBaseUrl: 'http://localhost:3000' } });
    await addUser(city.store, { username: 'plat', role: 'platform', departments: [], password: PASSWORD });
    rig.serve(city.app);
  });

  after(async () => {
    await rig?.close();
  });

  async function send(page: Page, text: string, nth: number): Promise<string> {
    await page.fill('#msg', text);
    await page.click('#send');
    const row = page.locator('.chat .row.them').nth(nth);
    await row.waitFor();
    return row.innerText();
  }

  it('answers each account from its own build after switching accounts in the header', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInToConsole(page, base, 'plat', PASSWORD);

    await page.goto(`${base}/console/simulator`);
    assert.equal(await page.locator('#phone-title').innerText(), '江城一网通办');
    const primary = await send(page, '违章', 0);
    assert.match(primary, /交通违法查询/);
    assert.doesNotMatch(primary, /在“江城一网通办”办理/);

    await page.selectOption('#account', 'chuxing');
    await Promise.all([page.waitForURL(`${base}/console/simulator`), page.click('#account-go')]);
    assert.equal(await page.locator('#phone-title').innerText(), '江城出行');
    assert.match(await page.locator('h1').innerText(), /江城出行/);
    const topic = await send(page, '违章', 0);
    assert.match(topic, /交通违法查询/);
    assert.match(topic, /在“江城一网通办”办理/, 'the 出行 account links to the services’ home');
    const trace = await page.locator('#trace').innerText();
    assert.match(trace, /accounts\/chuxing\.json|关键词/);

    const logged = await city.store.log<{ account?: string }>('messages').read();
    assert.deepEqual([...new Set(logged.map((r) => r.account))].sort(), ['chuxing', 'jiangcheng']);
    await page.close();
  });
});
