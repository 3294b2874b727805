// The whole review chain in headless Chromium, as its people use the console: the platform team
// opens the day's issue, two drafters write and approve, the editor and the leader approve, three
// previewers get WeChat's preview and confirm, the issue is scheduled and goes out at its time, and
// WeChat's completion event shows on the page. Screenshots of the editor and the chain go to a temp
// folder (BROADCAST_SCREENSHOTS=docs/screenshots writes the README's).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../browser/launch-chromium.js';
import { signInToConsole } from '../browser/browser-rig.js';
import { BROADCAST_ACCOUNT, type BroadcastApp, makePng, PASSWORD, startBroadcastApp } from './broadcast-app.js';
import { sendDueIssues } from '../../server/broadcasts/index.js';
import { readStandinOutbox } from '../../server/wechat/index.js';
import { waitFor } from './chain-steps.js';

const SHOTS = process.env.BROADCAST_SCREENSHOTS ?? path.join(tmpdir(), 'onestop-screenshots');
const ISSUE_URL = '/console/broadcasts/jiaojing-neibu-2026-12-03';

describe('broadcasts in a browser', function () {
  this.timeout(180_000);
  let app: BroadcastApp;
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
    app = await startBroadcastApp();
    // 14:00 in the city: console sessions (8 h) outlive the jump to the 17:30 send time.
    app.clock.now = new Date('2026-12-03T06:00:00Z');
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Signed in, with the header's switcher on the internal account (the broadcast pages follow it). */
  async function as(username: string, { switchAccount = true } = {}): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
    await signInToConsole(page, app.base, username, PASSWORD);
    if (switchAccount) {
      await page.selectOption('#account', BROADCAST_ACCOUNT);
      await Promise.all([page.waitForURL(`${app.base}/console/`), page.click('#account-go')]);
    }
    return page;
  }

  async function write(page: Page, column: string, fields: { title: string; digest: string; body: string }) {
    await page.goto(`${app.base}${ISSUE_URL}/columns/${column}`);
    await page.fill('#title', fields.title);
    await page.fill('#author', '江城交警');
    await page.fill('#digest', fields.digest);
    await page.fill('#body', fields.body);
    await Promise.all([page.waitForURL(/msg=saved/), page.click('#article-form button[type=submit]')]);
    await page.setInputFiles('#cover', { name: 'cover.png', mimeType: 'image/png', buffer: makePng(900, 383) });
    await Promise.all([page.waitForURL(/msg=cover/), page.click('#cover-form button[type=submit]')]);
  }

  async function approve(page: Page, step: string) {
    await page.goto(`${app.base}${ISSUE_URL}`);
    await Promise.all([page.waitForURL(/msg=approved/), page.click(`li.step[data-step="${step}"] button[name=approve]`)]);
  }

  it('takes an issue through two drafters, editor, leader and three previewers to a scheduled send', async () => {
    const plat = await as('plat', { switchAccount: false });
    await plat.goto(`${app.base}/console/broadcasts`);
    // The primary account (the switcher's default) has no broadcasts: one click to the account that does.
    assert.match(await plat.innerText('#no-broadcasts'), /“江城一网通办”没有您参与的群发/);
    await Promise.all([plat.waitForURL(`${app.base}/console/broadcasts`), plat.click(`button[data-switch="${BROADCAST_ACCOUNT}"]`)]);
    assert.match(await plat.innerText('h1'), /群发 · 江城交警内部通/);
    assert.match(await plat.innerText('.suggestion'), /建议发送时间/);
    await plat.fill('#new-issue input[name=date]', '2026-12-03');
    await plat.fill('#new-issue input[name=sendTime]', '17:30');
    await Promise.all([plat.waitForURL(/msg=created/), plat.click('#new-issue button[type=submit]')]);
    assert.match(await plat.innerText('#gaps'), /警情：缺稿/, 'the editor sees what is missing');

    const writer1 = await as('jj-writer1');
    const writer2 = await as('jj-writer2');
    await write(writer1, 'jingqing', { title: '今日警情通报', digest: '全市道路交通总体平稳。', body: '<p>全市道路交通总体平稳，共处理警情 12 起。</p><p onclick="alert(1)">夜间请注意<script>alert(2)</script>安全。</p>' });
    // A punctuation fix after the cover: the editor page shows it character by character.
    await writer1.fill('#body', '<p>全市道路交通总体平稳，共处理警情 12 起；</p><p onclick="alert(1)">夜间请注意<script>alert(2)</script>安全。</p>');
    await Promise.all([writer1.waitForURL(/msg=saved/), writer1.click('#article-form button[type=submit]')]);
    assert.match(await writer1.innerText('.diff-body'), /起。\s*;?|起；/);
    assert.equal(await writer1.locator('.diff-body del').first().innerText(), '。');
    const preview = await writer1.innerText('.article-body');
    assert.match(preview, /夜间请注意安全/);
    assert.equal(await writer1.locator('.article-body script, .article-body [onclick]').count(), 0, 'the stored body carries no script');
    await writer1.screenshot({ path: path.join(SHOTS, 'broadcast-editor.png'), fullPage: true });
    await write(writer2, 'yuqing', { title: '舆情动态：市民点赞文明礼让', digest: '本周网民关注的交通话题。', body: '<p>市民点赞礼让斑马线。</p>' });
    await write(writer1, 'tianqi', { title: '12月3日出行天气提示', digest: '今日多云，请注意行车安全。', body: '<p>全市多云，气温 3 到 11 度。</p>' });
    await writer1.goto(`${app.base}${ISSUE_URL}`);
    assert.equal(await writer1.locator('#gaps').count(), 0, 'nothing is missing any more');

    await approve(writer1, 'chugao');
    await approve(writer2, 'chugao');
    await approve(await as('jj-editor'), 'bianji');
    await approve(await as('jj-leader'), 'lingdao');

    const p1 = await as('jj-preview1');
    await p1.goto(`${app.base}${ISSUE_URL}`);
    await Promise.all([p1.waitForURL(/msg=previewed/), p1.click('button[name=preview]')]);
    assert.equal((await readStandinOutbox(app.standinStore, 'sim-jj-preview1')).filter((r) => r.kind === 'preview').length, 1, 'the preview reached the previewer’s WeChat');
    await approve(p1, 'yulan');
    await approve(await as('jj-preview2'), 'yulan');
    await approve(await as('jj-preview3'), 'yulan');

    await plat.goto(`${app.base}${ISSUE_URL}`);
    assert.match(await plat.innerText('#chain h2'), /已全部通过/);
    await Promise.all([plat.waitForURL(/msg=scheduled/), plat.click('button[name=schedule]')]);
    assert.equal(await plat.innerText('#issue-state'), '已安排定时发送');

    app.clock.now = new Date('2026-12-03T09:30:00Z'); // 17:30 in the city: the timer's tick
    const [sent] = await sendDueIssues(app.broadcasts);
    assert.equal(sent?.state, 'sent', sent?.delivery.attempts.at(-1)?.error);
    await waitFor(async () => {
      await plat.reload();
      return (await plat.locator('#outcome').count()) ? true : undefined;
    }, 30_000);
    assert.equal(await plat.innerText('#issue-state'), '已群发');
    assert.match(await plat.innerText('#outcome'), /发送成功/);
    await plat.screenshot({ path: path.join(SHOTS, 'broadcast-chain.png'), fullPage: true });
  });
});
