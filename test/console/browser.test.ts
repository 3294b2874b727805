// Headless Chromium against a real listening server: the editor's live diagnostics, the phone
// preview and the simulator, as a person would use them. Its screenshots go to a temp folder (the
// README's come from `npm run screenshots`), so a test run leaves the tree clean.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { signInToConsole, startBrowserRig, type BrowserRig } from '../browser/browser-rig.js';
import { addTestUsers, createHarness, PASSWORD, type Harness } from './harness.js';
import { applicationsOf } from '../../server/loop/index.js';
import { licenceApplication, seedApplication } from '../desk/work-fixtures.js';

const SHOTS = path.join(tmpdir(), 'onestop-screenshots');

describe('console in a browser', function () {
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
    rig.serve(h.app);
    mkdirSync(SHOTS, { recursive: true });
  });

  after(async () => {
    await rig?.close();
  });

  async function loginAs(username: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInToConsole(page, base, username, PASSWORD);
    return page;
  }

  it('shows a diagnostic with its code and Chinese message at the edited line', async () => {
    const page = await loginAs('jj-admin');
    await page.goto(`${base}/console/departments/jiaojing`);
    const original = await page.inputValue('#text');
    const lines = original.split('\n');
    const index = lines.findIndex((l) => /"lat":/.test(l));
    assert.ok(index >= 0, 'the file has a hall latitude');
    lines[index] = lines[index]!.replace(/"lat":\s*[-\d.]+/, '"lat": 300');
    await page.click('#text');
    await page.fill('#text', lines.join('\n'));
    const line = index + 1;
    const item = page.locator(`#diagnostics li.diag.error[data-line="${line}"]`);
    await item.first().waitFor({ timeout: 10_000 });
    const text = await item.first().innerText();
    assert.match(text, new RegExp(`第 ${line} 行`));
    assert.match(text, /[A-Z][A-Z_]+/, 'shows the diagnostic code');
    assert.match(text, /[\u4e00-\u9fff]{4}/, 'shows a Chinese message');
    assert.equal(await page.locator(`#gutter .ln.error[data-line="${line}"]`).count(), 1, 'marks the line number');
    await item.first().locator('button.jump').click();
    const caret = await page.$eval('#text', (t) => (t as HTMLTextAreaElement).selectionStart);
    assert.equal(caret, lines.slice(0, index).reduce((n, l) => n + l.length + 1, 0), 'jumps to the start of the line');
    await page.close();
  });

  it('lets the platform team add and disable an account on the users page', async () => {
    const page = await loginAs('plat');
    await page.goto(`${base}/console/users`);
    await page.fill('#new-username', 'sb-staff2');
    await page.fill('#new-password', 'password123');
    await page.selectOption('#new-role', 'staff');
    await page.check('#add-user input[name=departments][value=shebao]');
    await Promise.all([page.waitForURL(/\/console\/users$/), page.click('#add-user button[type=submit]')]);
    assert.match(await page.locator('#users-error').innerText(), /密码太容易被猜中/);
    await page.fill('#new-password', 'violet-lantern-harbour');
    await page.check('#add-user input[name=departments][value=shebao]');
    await Promise.all([page.waitForURL(/msg=added/), page.click('#add-user button[type=submit]')]);
    const row = page.locator('#user-sb-staff2');
    assert.match(await row.innerText(), /部门工作人员\s+市社会保险事业管理中心\s+启用/);
    page.once('dialog', (d) => void d.accept());
    await row.locator('summary').click();
    await Promise.all([page.waitForURL(/msg=disabled/), row.locator('button.danger').click()]);
    assert.match(await page.locator('#user-sb-staff2').innerText(), /已停用/);
    await page.close();
  });

  it('opens account.json in the editor for the platform team with live checks', async () => {
    const page = await loginAs('plat');
    await page.goto(`${base}/console/departments`);
    await Promise.all([page.waitForURL(/account\.json$/), page.click('a[href="/console/departments/account.json"]')]);
    const original = await page.inputValue('#text');
    assert.match(original, /"welcome"/);
    await page.fill('#text', original.replace('"type": "service"', '"type": "newspaper"'));
    await page.locator('#diagnostics li.diag.error').first().waitFor({ timeout: 10_000 });
    assert.match(await page.locator('#diagnostics').innerText(), /SCHEMA_ENUM/);
    await page.close();
  });

  it('draws the phone preview with the three top-level buttons and a pop-up sub-menu', async () => {
    const page = await loginAs('plat');
    await page.goto(`${base}/console/preview`);
    const buttons = await page.locator('#menubar .mb-btn').allInnerTexts();
    assert.equal(buttons.length, 3);
    assert.deepEqual(buttons.map((b) => b.replace('≡', '').trim()), ['出行', '社保就业', '办事指南']);
    await page.locator('#menubar .mb-btn').first().click();
    assert.ok(await page.locator('#menubar .mb.open .submenu').isVisible(), 'the sub-menu pops up');
    await page.screenshot({ path: path.join(SHOTS, 'preview.png'), fullPage: false });
    await page.close();
  });

  it('answers a keyword and a menu click in the simulator', async () => {
    const page = await loginAs('plat');
    await page.goto(`${base}/console/simulator`);
    await page.fill('#msg', '违章');
    await page.click('#send');
    await page.locator('.chat .row.them').first().waitFor();
    assert.match(await page.locator('.chat .row.them').first().innerText(), /交通违法查询/);
    assert.match(await page.locator('#trace li').first().innerText(), /jiaojing/);
    await page.locator('#menubar .mb-btn').first().click();
    await page.locator('#menubar .mb.open .sub-btn', { hasText: '罚款缴纳' }).click();
    await page.locator('.chat .row.them').nth(1).waitFor();
    assert.match(await page.locator('#trace li').first().innerText(), /菜单：罚款缴纳/);
    await page.fill('#msg', '社保卡丢了怎么办');
    await page.click('#send');
    await page.locator('.chat .row.them').nth(2).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'simulator.png'), fullPage: false });
    await page.close();
  });
  it('asks before a city-wide action and submits only when the person agrees', async () => {
    const page = await loginAs('plat');
    await page.goto(`${base}/console/versions`);
    // A form like the publish and rollback forms, pointing at a harmless page.
    await page.evaluate(() => {
      const form = document.createElement('form');
      form.method = 'get';
      form.action = '/console/audit';
      form.dataset.confirm = '确定发布？';
      form.innerHTML = '<button id="go" type="submit">发布</button>';
      document.body.append(form);
    });
    const messages: string[] = [];
    page.once('dialog', (d) => void (messages.push(d.message()), d.dismiss()));
    await page.click('#go');
    await page.waitForTimeout(300);
    assert.equal(new URL(page.url()).pathname, '/console/versions', 'declining keeps the page');
    page.once('dialog', (d) => void (messages.push(d.message()), d.accept()));
    await Promise.all([page.waitForURL(`${base}/console/audit?`), page.click('#go')]);
    assert.deepEqual(messages, ['确定发布？', '确定发布？']);
    await page.close();
  });

  it('asks before a final move of an application and changes nothing when declined', async () => {
    await seedApplication(h.store, licenceApplication('JJ-20261102-0099', { stage: 'accepted' }));
    const page = await loginAs('jj-staff');
    await page.goto(`${base}/console/work/applications/JJ-20261102-0099`);
    const messages: string[] = [];
    page.once('dialog', (d) => void (messages.push(d.message()), d.dismiss()));
    await page.click('button[value="completed"]');
    await page.waitForTimeout(300);
    assert.equal((await applicationsOf(h.store).get('JJ-20261102-0099'))?.stage, 'accepted', 'declining sends nothing');
    page.once('dialog', (d) => void (messages.push(d.message()), d.accept()));
    await Promise.all([page.waitForURL(/msg=moved/), page.click('button[value="completed"]')]);
    assert.equal((await applicationsOf(h.store).get('JJ-20261102-0099'))?.stage, 'completed');
    assert.match(messages[0] ?? '', /确定将办件改为“已办结”？这是最终结果/);
    assert.equal(messages.length, 2);
    await page.close();
  });
});
