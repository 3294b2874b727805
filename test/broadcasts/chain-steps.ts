// Driving an issue through the console as its people would: write, approve, preview, schedule.
import assert from 'node:assert/strict';
import { type BroadcastApp, login, PNG, type Session } from './broadcast-app.js';

export const ISSUE = 'jiaojing-neibu-2026-12-03';
export const ARTICLE = { title: '今日警情通报', author: '指挥中心', digest: '全市道路交通总体平稳。', body: '<p>全市道路交通总体平稳，共处理警情 12 起。</p>', sourceUrl: 'https://jj.example.cn/a/1' };

export async function sessions(app: BroadcastApp) {
  const names = ['plat', 'jj-writer1', 'jj-writer2', 'jj-editor', 'jj-leader', 'jj-preview1', 'jj-preview2', 'jj-preview3'] as const;
  const out = {} as Record<(typeof names)[number], Session>;
  for (const n of names) out[n] = await login(app.base, n);
  return out;
}

export async function post(s: Session, path: string, form: Record<string, string> = {}) {
  return s.agent.post(path).type('form').send({ _csrf: s.csrf, ...form });
}

export async function writeArticle(s: Session, column: string, fields: Partial<typeof ARTICLE> = {}, issue = ISSUE) {
  const res = await post(s, `/console/broadcasts/${issue}/columns/${column}`, { ...ARTICLE, ...fields });
  assert.equal(res.status, 303, res.text.slice(0, 300));
}

export async function uploadCover(s: Session, column: string, issue = ISSUE, bytes = PNG, name = 'cover.png') {
  return s.agent.post(`/console/broadcasts/${issue}/columns/${column}/cover`).field('_csrf', s.csrf).attach('image', bytes, name);
}

/** Every column of the 2026-12-03 issue written with a cover: 警情, 舆情动态 and the filled-in weather. */
export async function writeIssue(s: Record<string, Session>, issue = ISSUE) {
  await writeArticle(s['jj-writer1']!, 'jingqing', {}, issue);
  await writeArticle(s['jj-writer2']!, 'yuqing', { title: '舆情动态：市民点赞文明礼让' }, issue);
  await writeArticle(s['jj-writer1']!, 'tianqi', { title: '12月3日出行天气提示', digest: '今日多云，请注意行车安全。', body: '<p>全市多云，气温 3 到 11 度。</p>' }, issue);
  for (const c of ['jingqing', 'yuqing', 'tianqi']) assert.equal((await uploadCover(s['jj-writer1']!, c, issue)).status, 303);
}

export async function approve(s: Session, step: string, issue = ISSUE) {
  const page = await s.agent.get(`/console/broadcasts/${issue}`).expect(200);
  const revision = /name="revision" value="(\d+)"/.exec(page.text)?.[1] ?? '';
  return post(s, `/console/broadcasts/${issue}/approve`, { step, revision });
}

export async function approveThrough(s: Record<string, Session>, steps: Array<[string, string]>, issue = ISSUE) {
  for (const [user, step] of steps) {
    const res = await approve(s[user]!, step, issue);
    assert.equal(res.status, 303, `${user} approving ${step}: ${/class="flash error"[^>]*>([^<]+)/.exec(res.text)?.[1] ?? res.status}`);
  }
}

export const REVIEW_STEPS: Array<[string, string]> = [
  ['jj-writer1', 'chugao'],
  ['jj-writer2', 'chugao'],
  ['jj-editor', 'bianji'],
  ['jj-leader', 'lingdao'],
];
export const PREVIEW_STEPS: Array<[string, string]> = [
  ['jj-preview1', 'yulan'],
  ['jj-preview2', 'yulan'],
  ['jj-preview3', 'yulan'],
];

export async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
