// Reads and shares per broadcast article: the daily pull from WeChat's data API per account (a fake
// API, then the stand-in over HTTP with the real client), and the dashboard's figures from it.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createAnalyticsStandin } from '../../server/http/wechat-standin/analytics-standin.js';
import { createWechatStandin } from '../../server/http/wechat-standin/wechat-standin.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { articleReadsBetween, computeStats, pullArticleReads, statsTables, type ArticleReads } from '../../server/stats/index.js';
import type { Store } from '../../server/store/types.js';
import type { AnalyticsApi, ArticleTotalDetail } from '../../server/wechat/client-types.js';
import { LOCAL_STANDIN_CREDENTIALS } from '../../server/wechat/standin/standin-state.js';
import { createMemoryTokenStore } from '../../server/wechat/token-store.js';
import { createWechatClient } from '../../server/wechat/wechat-client.js';
import { fixtureBuild } from './stats-fixture.js';

const at = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+08:00`);

/** A data API that serves the given articles by publish date and records what it was asked. */
class FakeAnalytics implements AnalyticsApi {
  asked: string[] = [];
  delayed = new Set<string>();
  failing = false;
  constructor(public byDate: Record<string, ArticleTotalDetail[]>) {}
  async articleTotalDetail(date: string) {
    this.asked.push(date);
    if (this.failing) throw new Error('微信系统繁忙，请稍后再试');
    if (this.delayed.has(date)) return { delayed: true, articles: [] };
    return { delayed: false, articles: this.byDate[date] ?? [] };
  }
}

const article = (msgid: string, refDate: string, reads: number[]): ArticleTotalDetail => ({
  refDate, msgid, title: `文章 ${msgid}`, url: `http://mp.weixin.qq.com/s?mid=${msgid}`,
  days: reads.map((r, i) => ({ statDate: `2026-11-${String(20 + i).padStart(2, '0')}`, readUser: r, shareUser: Math.floor(r / 10), likeUser: 1, zaikanUser: 0, commentCount: 0, collectionUser: 2 })),
});

describe('stats: the daily pull of reads per article', () => {
  let store: Store;
  beforeEach(() => void (store = createMemoryStore()));

  it('waits for 08:05, asks each of the last seven publish dates once a day and keeps each article’s newest figures', async () => {
    const api = new FakeAnalytics({ '2026-11-20': [article('900_1', '2026-11-20', [100, 180]), article('900_2', '2026-11-20', [40])] });
    const deps = { store, accounts: () => [{ id: 'jiangcheng', analytics: api }, { id: 'fake-without-api' }] };
    assert.deepEqual(await pullArticleReads({ ...deps, now: () => at('2026-11-22', '08:04') }), { jiangcheng: 'not-yet' });
    assert.deepEqual(await pullArticleReads({ ...deps, now: () => at('2026-11-22', '08:05') }), { jiangcheng: 'pulled' });
    assert.deepEqual(api.asked, ['2026-11-15', '2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21']);
    assert.deepEqual(await pullArticleReads({ ...deps, now: () => at('2026-11-22', '12:00') }), { jiangcheng: 'done' });
    assert.equal(api.asked.length, 7);
    const rows = await articleReadsBetween(store, { from: '2026-11-01', to: '2026-11-30' });
    assert.deepEqual(rows.map((r) => [r.account, r.msgid, r.reads, r.shares, r.statDate]), [['jiangcheng', '900_1', 180, 18, '2026-11-21'], ['jiangcheng', '900_2', 40, 4, '2026-11-20']]);
    // The next day WeChat's cumulative figure has grown: the stored one follows it.
    api.byDate['2026-11-20'] = [article('900_1', '2026-11-20', [100, 180, 230])];
    assert.deepEqual(await pullArticleReads({ ...deps, now: () => at('2026-11-23', '09:00') }), { jiangcheng: 'pulled' });
    assert.equal((await articleReadsBetween(store, { from: '2026-11-20', to: '2026-11-20', account: 'jiangcheng' }))[0]!.reads, 230);
    assert.deepEqual(await articleReadsBetween(store, { from: '2026-11-20', to: '2026-11-20', account: 'chuxing' }), []);
  });

  it('tries again later when WeChat says a day is delayed or the call fails', async () => {
    const api = new FakeAnalytics({ '2026-11-21': [article('901_1', '2026-11-21', [10])] });
    api.delayed.add('2026-11-21');
    const warnings: string[] = [];
    const deps = { store, accounts: () => [{ id: 'jiangcheng', analytics: api }], now: () => at('2026-11-22', '08:30'), warn: (l: string) => warnings.push(l) };
    assert.deepEqual(await pullArticleReads(deps), { jiangcheng: 'delayed' });
    api.delayed.clear();
    api.failing = true;
    assert.deepEqual(await pullArticleReads(deps), { jiangcheng: 'failed' });
    assert.match(warnings.join('\n'), /jiangcheng 的图文数据拉取失败/);
    api.failing = false;
    assert.deepEqual(await pullArticleReads(deps), { jiangcheng: 'pulled' });
    assert.equal((await articleReadsBetween(store, { from: '2026-11-21', to: '2026-11-21' }))[0]!.reads, 10);
  });

  it('pulls from the stand-in over HTTP with the real client what the stand-in broadcast', async () => {
    const clock = at('2026-11-21', '09:00').getTime();
    await store.collection<{ id: string } & Record<string, unknown>>('standin-sends').insert({ id: '1500000000', kind: 'mass', at: '2026-11-20T12:00:00.000Z', msgId: 1500000000, mediaId: 'm1', urls: ['http://mp.weixin.qq.com/s?mid=1500000000&idx=1'], titles: ['冬季出行提示'] });
    const app = express();
    app.use('/_wechat', createWechatStandin(store, { now: () => clock, routes: [createAnalyticsStandin({ store, now: () => clock })] }));
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const { port } = server.address() as AddressInfo;
      const client = createWechatClient({ ...LOCAL_STANDIN_CREDENTIALS, apiBase: `http://127.0.0.1:${port}/_wechat`, tokenStore: createMemoryTokenStore(), now: () => clock });
      assert.deepEqual(await pullArticleReads({ store, accounts: () => [{ id: 'jiangcheng', analytics: client.analytics! }], now: () => new Date(clock) }), { jiangcheng: 'pulled' });
      const [row] = await articleReadsBetween(store, { from: '2026-11-20', to: '2026-11-20' });
      assert.equal(row!.msgid, '15000000001_1');
      assert.equal(row!.title, '冬季出行提示');
      assert.ok(row!.reads > 0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('stats: reads per broadcast article on the dashboard', () => {
  it('sums its articles’ reads into each broadcast and lists every article with WeChat’s figures', async () => {
    const store = createMemoryStore();
    await store.collection('broadcast-issues').insert({ id: 'city-2026-11-20', account: 'city', date: '2026-11-20', state: 'sent', columns: ['a', 'b'], delivery: { mode: 'sendall', msgDataId: '900', outcome: { ok: true, sentCount: 5000, articleUrls: ['u1', 'u2'] } } } as never);
    const reads = store.collection<ArticleReads>('statsArticleReads');
    const doc = (account: string, msgid: string, n: number): ArticleReads => ({ id: `${account}|${msgid}`, account, msgid, refDate: '2026-11-20', title: `标题${msgid}`, url: 'u', statDate: '2026-11-26', reads: n, shares: n / 10, likes: 3, zaikan: 2, comments: 1, favorites: 4, fetchedAt: '2026-11-27T00:05:00.000Z' });
    await reads.put(doc('jiangcheng', '900_1', 1200));
    await reads.put(doc('jiangcheng', '900_2', 300));
    await reads.put(doc('jiangcheng', '9001_1', 70)); // another send whose id shares the prefix digits
    await reads.put(doc('chuxing', '555_1', 800));
    const build = await fixtureBuild();
    const report = await computeStats({ store, build, now: () => new Date('2026-11-28T04:00:00.000Z') }, { from: '2026-11-01', to: '2026-11-30' });
    assert.deepEqual(report.broadcasts!.map((b) => [b.date, b.reach, b.reads, b.shares]), [['2026-11-20', 5000, 1500, 150]]);
    const table = statsTables(report).find((t) => t.id === 'article-reads')!;
    assert.deepEqual(table.rows.map((r) => [r[1], r[2], r[3], r[4]]), [['chuxing', '标题555_1', 800, 80], ['jiangcheng', '标题900_1', 1200, 120], ['jiangcheng', '标题900_2', 300, 30], ['jiangcheng', '标题9001_1', 70, 7]]);
    const one = await computeStats({ store, build, now: () => new Date('2026-11-28T04:00:00.000Z') }, { from: '2026-11-01', to: '2026-11-30', account: { id: 'chuxing', primary: false } });
    assert.deepEqual(one.articleReads.map((a) => a.msgid), ['555_1']);
  });
});
