// A recurring column filled from a department's system: when an issue is opened, the column's
// template source (a connector call with the issue's date) gives the values its {{placeholders}}
// name; a failed call leaves 【待填写】 for the owner and says why.
import assert from 'node:assert/strict';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { type Actor, type BroadcastAccount, type BroadcastDeps, type TemplateValues, createIssue, createMemoryImages, issueGaps } from '../../server/broadcasts/index.js';
import { connectorTemplateValues } from '../../server/http/index.js';
import { readAudit } from '../../server/audit/index.js';
import type { ConnectorCaller } from '../../server/query/index.js';
import { type BroadcastApp, login, startBroadcastApp } from './broadcast-app.js';
import { post } from './chain-steps.js';
import { cityDate } from '../../server/calendar/index.js';

const editor: Actor = { username: 'jj-editor', role: 'dept-admin', departments: ['jiaojing'] };
const SOURCE = { connector: 'jiaojing-tmri', path: '/road-conditions/{date}', map: { weather: '/data/weather', temperature: '/data/temperature' } };
const account: BroadcastAccount = {
  id: 'weather', name: '江城天气', type: 'subscription', verified: true,
  config: {
    columns: [{ id: 'tianqi', name: '出行天气', department: 'jiaojing', template: { title: '{{date}}天气：{{weather}}', digest: '气温{{temperature}}', body: '<p>{{date}}，全市{{weather}}，气温{{temperature}}。</p>', source: SOURCE } }],
    chain: [{ id: 'bianji', name: '编辑审核', users: ['jj-editor'], approvals: 1 }],
  },
};
const depsWith = (templateValues?: TemplateValues): BroadcastDeps => ({ store: createMemoryStore(), accounts: () => [account], images: createMemoryImages(), wechat: () => undefined, templateValues, now: () => new Date('2026-12-03T01:00:00Z') });

describe('a recurring column filled from a department’s system', () => {
  it('fills the template’s placeholders with the values of its source for the issue’s date, escaped in the body', async () => {
    const asked: string[] = [];
    const deps = depsWith(async (source, date) => (asked.push(`${source.connector} ${date}`), { values: { weather: '多云<script>', temperature: '3 到 11 度' } }));
    const issue = await createIssue(deps, editor, { account: 'weather', date: '2026-12-03' });
    assert.deepEqual(asked, ['jiaojing-tmri 2026-12-03']);
    const article = issue.articles.tianqi!;
    assert.equal(article.title, '12月3日天气：多云<script>', 'titles are plain text');
    assert.equal(article.digest, '气温3 到 11 度');
    assert.equal(article.body, '<p>12月3日，全市多云&lt;script&gt;，气温3 到 11 度。</p>');
    assert.equal(article.updatedBy, '（模板，部门系统数据）');
  });

  it('leaves 【待填写】 for the owner when the system does not answer, and says why in the issue’s trail', async () => {
    const deps = depsWith(async () => ({ failed: '接口超时（2 秒）' }));
    const issue = await createIssue(deps, editor, { account: 'weather', date: '2026-12-03' });
    assert.equal(issue.articles.tianqi!.title, '12月3日天气：【待填写】');
    assert.ok(issueGaps(issue, account).some((g) => /出行天气：还有【待填写】未填/.test(g)), 'the blank keeps the issue from going out');
    const created = (await readAudit(deps.store)).find((r) => r.action === 'broadcast.create');
    assert.match(created?.detail ?? '', /出行天气：从部门系统取数失败（接口超时（2 秒）），请手工填写【待填写】处/);
  });

  it('calls the connector with the date in the path and maps its answer, or names a missing record', async () => {
    const calls: Array<{ path: string; map: Record<string, string> }> = [];
    const found: ConnectorCaller = { call: async (r) => (calls.push(r), { kind: 'found', data: { weather: '晴', temperature: '5 到 13 度' } }) };
    assert.deepEqual(await connectorTemplateValues(found)(SOURCE, '2026-12-03'), { values: { weather: '晴', temperature: '5 到 13 度' } });
    assert.equal(calls[0]?.path, '/road-conditions/2026-12-03');
    assert.deepEqual(calls[0]?.map, SOURCE.map);
    const missing: ConnectorCaller = { call: async () => ({ kind: 'not-found', data: {} }) };
    assert.deepEqual(await connectorTemplateValues(missing)(SOURCE, '2026-12-03'), { failed: '部门系统没有这一天的数据' });
  });

  describe('in the sample city', function () {
    this.timeout(120_000);
    let app: BroadcastApp;
    after(() => app?.close());

    it('opens the day’s issue with 出行天气 written from the traffic police system’s road conditions (local stand-in)', async () => {
      app = await startBroadcastApp();
      // The stand-in checks the signature's timestamp against the real clock.
      app.clock.now = new Date();
      const date = cityDate(app.clock.now);
      const plat = await login(app.base, 'plat');
      assert.equal((await post(plat, '/console/broadcasts', { date, sendTime: '17:30' })).status, 303);
      const page = await (await login(app.base, 'jj-writer1')).agent.get(`/console/broadcasts/jiaojing-neibu-${date}/columns/tianqi`).expect(200);
      assert.match(page.text, new RegExp(`${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日出行天气提示`));
      // What the stand-in answers for that date (department-standin.ts: weather by day number, low 2 + day % 6).
      const day = Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
      const weather = ['晴', '多云', '阴', '小雨', '晨雾转多云'][day % 5]!;
      const body = /<div class="article-body">(.*?)<\/div>/s.exec(page.text)?.[1] ?? '';
      assert.match(body, new RegExp(`全市天气${weather}，气温${2 + (day % 6)} 到 ${10 + (day % 6)} 度`));
      assert.doesNotMatch(body, /\{\{|【待填写】/);
    });
  });
});
