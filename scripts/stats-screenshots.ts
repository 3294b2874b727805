// Takes the README's screenshots of the evaluation dashboard (/console/stats): a real server on a
// temp data dir seeded with a generated month of the sample city's traffic (bench/support/
// stats-city.ts), signed in as the platform team, in Debian's Chromium. Run: `npm run screenshots:stats`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { seedStatsCity } from '../bench/support/stats-city.js';
import { loadConfig, projectRoot } from '../server/config.js';
import { startServer } from '../server/main.js';

const OUT = path.join(projectRoot, 'docs', 'screenshots');
const user = { username: 'platform', password: 'screenshot-password-1' };
const END = new Date('2026-11-30T15:59:00.000Z'); // 23:59 on 30 November, city time

const dataDir = await mkdtemp(path.join(tmpdir(), 'onestop-stats-shots-'));
await seedStatsCity(path.join(dataDir, 'store'), { messages: 24_000, applications: 2_400, tickets: 400, appointments: 600, cases: 60, pageViews: 9_000, user }, { end: END, days: 30 });
const running = await startServer(loadConfig({ DATA_DIR: dataDir, PORT: '0' }), () => {});
const base = `http://127.0.0.1:${running.port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1500 } });
  await page.goto(`${base}/console/login`);
  await page.fill('#username', user.username);
  await page.fill('#password', user.password);
  await Promise.all([page.waitForURL(`${base}/console/`), page.click('button[type=submit]')]);
  await page.goto(`${base}/console/stats?from=2026-11-01&to=2026-11-30`);
  await page.screenshot({ path: path.join(OUT, 'stats-overview.png') });
  await page.locator('#stats-funnel').screenshot({ path: path.join(OUT, 'stats-funnel.png') });
  await page.locator('#stats-abilities').screenshot({ path: path.join(OUT, 'stats-abilities.png') });
  console.log(`screenshots written to ${path.relative(projectRoot, OUT)}`);
} finally {
  await browser.close();
  await running.close();
  await rm(dataDir, { recursive: true, force: true });
}
