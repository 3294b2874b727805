// The stand-in's data API over real HTTP with the real client: figures for what it broadcast or
// published, ready after 08:00 the next day, cumulative per statistics date, and WeChat's date errors.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { WechatApiError } from '../../server/errors.js';
import { createAnalyticsStandin } from '../../server/http/wechat-standin/analytics-standin.js';
import { createWechatStandin } from '../../server/http/wechat-standin/wechat-standin.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { Store } from '../../server/store/types.js';
import type { WechatClient } from '../../server/wechat/client-types.js';
import { LOCAL_STANDIN_CREDENTIALS } from '../../server/wechat/standin/standin-state.js';
import { createMemoryTokenStore } from '../../server/wechat/token-store.js';
import { createWechatClient } from '../../server/wechat/wechat-client.js';

/** 2026-11-20 20:00 in the city (UTC+8). */
const SENT_AT = '2026-11-20T12:00:00.000Z';
const cityClock = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+08:00`);

describe('the stand-in’s data API (getarticletotaldetail)', () => {
  let store: Store;
  let server: Server;
  let clock: number;
  let client: WechatClient;

  beforeEach(async () => {
    store = createMemoryStore();
    // What broadcast-standin.ts stores for a mass send of two articles and a publish of one.
    const sends = store.collection<{ id: string } & Record<string, unknown>>('standin-sends');
    await sends.insert({ id: '1500000000', kind: 'mass', at: SENT_AT, msgId: 1500000000, mediaId: 'm1', urls: ['http://mp.weixin.qq.com/s?mid=1500000000&idx=1', 'http://mp.weixin.qq.com/s?mid=1500000000&idx=2'], titles: ['冬季出行提示', '社保卡补办指南'] });
    await sends.insert({ id: 'p2500000000', kind: 'publish', at: '2026-11-19T02:00:00.000Z', publishId: '2500000000', mediaId: 'm2', status: 0, urls: ['http://mp.weixin.qq.com/s/a-1'], titles: ['前一天的发布'] });
    const app = express();
    app.use('/_wechat', createWechatStandin(store, { now: () => clock, routes: [createAnalyticsStandin({ store, now: () => clock })] }));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    client = createWechatClient({ ...LOCAL_STANDIN_CREDENTIALS, apiBase: `http://127.0.0.1:${port}/_wechat`, tokenStore: createMemoryTokenStore(), now: () => clock });
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('says the publish date is delayed before 08:00 the next day, then gives each article of that date', async () => {
    clock = cityClock('2026-11-21', '07:59');
    assert.deepEqual(await client.analytics!.articleTotalDetail('2026-11-20'), { delayed: true, articles: [] });
    clock = cityClock('2026-11-21', '08:00');
    const { delayed, articles } = await client.analytics!.articleTotalDetail('2026-11-20');
    assert.equal(delayed, false);
    // msgid = msg_data_id (what mass/sendall answered: msg_id × 10 + 1) and the article's index.
    assert.deepEqual(articles.map((a) => [a.msgid, a.title, a.days.map((d) => d.statDate)]), [
      ['15000000001_1', '冬季出行提示', ['2026-11-20']],
      ['15000000001_2', '社保卡补办指南', ['2026-11-20']],
    ]);
  });

  it('accumulates the figures per statistics date, for at most seven dates', async () => {
    clock = cityClock('2026-12-01', '09:00');
    const [first] = (await client.analytics!.articleTotalDetail('2026-11-20')).articles;
    assert.equal(first!.days.length, 7);
    assert.equal(first!.days.at(-1)!.statDate, '2026-11-26');
    const reads = first!.days.map((d) => d.readUser);
    assert.ok(reads.every((r, i) => i === 0 || r >= reads[i - 1]!), `cumulative: ${reads.join(' ')}`);
    assert.ok(reads[0]! > 0 && first!.days.every((d) => d.shareUser <= d.readUser));
    const again = (await client.analytics!.articleTotalDetail('2026-11-20')).articles[0]!;
    assert.deepEqual(again, first, 'the same figures on every call');
    assert.deepEqual((await client.analytics!.articleTotalDetail('2026-11-19')).articles.map((a) => a.msgid), ['25000000000_1']);
  });

  it('refuses a span of more than one date, today and later (61501) and a malformed date (61500)', async () => {
    clock = cityClock('2026-11-21', '09:00');
    const code = (p: Promise<unknown>) => p.then(() => 0, (e: unknown) => (e instanceof WechatApiError ? e.errcode : -99));
    assert.equal(await code(client.analytics!.articleTotalDetail('2026-11-21')), 61501);
    assert.equal(await code(client.analytics!.articleTotalDetail('20261120')), 61500);
    const { port } = server.address() as AddressInfo;
    const token = (await (await fetch(`http://127.0.0.1:${port}/_wechat/cgi-bin/token?grant_type=client_credential&appid=${LOCAL_STANDIN_CREDENTIALS.appId}&secret=${LOCAL_STANDIN_CREDENTIALS.secret}`)).json()) as { access_token: string };
    const span = await fetch(`http://127.0.0.1:${port}/_wechat/datacube/getarticletotaldetail?access_token=${token.access_token}`, { method: 'POST', body: JSON.stringify({ begin_date: '2026-11-18', end_date: '2026-11-20' }) });
    assert.equal(((await span.json()) as { errcode: number }).errcode, 61501);
  });
});
