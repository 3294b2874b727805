// The client's data-API section (datacube, over fetch) against nock with WeChat's real reply
// shapes: getarticletotaldetail for one publish date, a day whose figures are delayed, and 61501.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { WechatApiError } from '../../server/errors.js';
import { createWechatClient } from '../../server/wechat/wechat-client.js';
import { createMemoryTokenStore } from '../../server/wechat/token-store.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/wechat/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
const WX = 'https://api.weixin.qq.com';
const creds = { appId: 'wx1234567890abcdef', secret: 'SECRET' };

describe('createWechatClient: data APIs (datacube)', () => {
  const client = () => createWechatClient({ ...creds, tokenStore: createMemoryTokenStore() });
  const withToken = () => nock(WX).post('/cgi-bin/stable_token').reply(200, fixture('stable-token'));

  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  it('asks getarticletotaldetail for one publish date and reads each article with its cumulative days', async () => {
    const scope = withToken()
      .post('/datacube/getarticletotaldetail', { begin_date: '2026-11-20', end_date: '2026-11-20' })
      .query({ access_token: 'STABLE_TOKEN_1' })
      .reply(200, fixture('datacube-articletotaldetail'));
    const { delayed, articles } = await client().analytics!.articleTotalDetail('2026-11-20');
    assert.equal(delayed, false);
    assert.deepEqual(articles.map((a) => [a.msgid, a.title, a.refDate, a.days.length]), [
      ['2247483651_1', '江城冬季出行提示', '2026-11-20', 2],
      ['2247483651_2', '社保卡补办指南', '2026-11-20', 1],
    ]);
    assert.deepEqual(articles[0]!.days[1], { statDate: '2026-11-21', readUser: 1204, shareUser: 58, likeUser: 41, zaikanUser: 19, commentCount: 5, collectionUser: 15 });
    assert.match(articles[0]!.url, /mid=2247483651&idx=1/);
    assert.ok(scope.isDone());
  });

  it('reports a day WeChat has not finished (is_delay) as delayed', async () => {
    const scope = withToken().post('/datacube/getarticletotaldetail').query(true).reply(200, fixture('datacube-delayed'));
    assert.deepEqual(await client().analytics!.articleTotalDetail('2026-11-21'), { delayed: true, articles: [] });
    assert.ok(scope.isDone());
  });

  it('turns 61501 into a WechatApiError with a Chinese explanation and no token in it', async () => {
    const scope = withToken().post('/datacube/getarticletotaldetail').query(true).reply(200, fixture('datacube-61501'));
    await assert.rejects(client().analytics!.articleTotalDetail('2026-12-02'), (err: unknown) => {
      assert.ok(err instanceof WechatApiError);
      assert.equal(err.errcode, 61501);
      assert.match(err.message, /日期范围错误/);
      assert.doesNotMatch(err.message, /STABLE_TOKEN_1/);
      return true;
    });
    assert.ok(scope.isDone());
  });
});
