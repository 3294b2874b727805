// Takes the README's screenshots from the sample city exactly as `npm start` serves it: a real
// server on a temp data dir, a platform user, then the console's phone preview and simulator and
// a citizen's service page, in Debian's Chromium. Run: `npm run screenshots`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { loadConfig, projectRoot } from '../server/config.js';
import { addUser } from '../server/console/users.js';
import { openStore, startServer } from '../server/main.js';

const OUT = path.join(projectRoot, 'docs', 'screenshots');
const PASSWORD = 'screenshot-password-1';

const dataDir = await mkdtemp(path.join(tmpdir(), 'onestop-shots-'));
const config = loadConfig({ DATA_DIR: dataDir, PORT: '0' });
const store = await openStore(config);
await addUser(store, { username: 'platform', password: PASSWORD, role: 'platform' });
await store.close();
const running = await startServer(config, () => {});
const base = `http://127.0.0.1:${running.port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${base}/console/login`);
  await page.fill('#username', 'platform');
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${base}/console/`), page.click('button[type=submit]')]);

  await page.goto(`${base}/console/preview`);
  await page.locator('#menubar .mb-btn').nth(2).click();
  await page.screenshot({ path: path.join(OUT, 'preview.png') });

  await page.goto(`${base}/console/simulator`);
  const say = async (text: string, n: number) => {
    await page.fill('#msg', text);
    await page.click('#send');
    await page.locator('.chat .row.them').nth(n).waitFor();
  };
  await say('违章', 0);
  await page.locator('#menubar .mb-btn').nth(2).click();
  await page.locator('#menubar .mb.open .sub-btn').first().click();
  await page.locator('.chat .row.them').nth(1).waitFor();
  await say('我家楼下的路灯坏了好几天了', 2);
  await page.screenshot({ path: path.join(OUT, 'simulator.png') });

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await phone.request.post(`${base}/auth/local`, { data: { openid: 'o-screenshot' } });
  await phone.goto(`${base}/s/churujing/huzhao-banli`);
  await phone.screenshot({ path: path.join(OUT, 'service-page.png') });
  console.log(`screenshots written to ${path.relative(projectRoot, OUT)}`);
} finally {
  await browser.close();
  await running.close();
  await rm(dataDir, { recursive: true, force: true });
}
