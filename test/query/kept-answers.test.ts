// Table queries keep their answers per build and city day (the hot path of "限行 3" is one Map
// read): the kept answer must be exactly what a fresh lookup gives, for that day only, and must
// not let anyone past the per-citizen limit or into another citizen's result page.
import assert from 'node:assert/strict';
import { createRateLimiter, createResultPages, runQuery, type QueryDeps, type QueryResult } from '../../server/query/index.js';
import { cityWithRestriction, WEDNESDAY } from './query-fixture.js';

function setup(options: { perMinute?: number; page?: boolean } = {}) {
  const city = cityWithRestriction();
  if (options.perMinute) city.account.queries = { perMinute: options.perMinute };
  if (options.page) city.service('jiaojing/xianxing').steps.query.reply.page = { title: '限行', list: 'rows', fields: [{ key: 'tail', label: '尾号' }] };
  const build = city.build();
  let now = WEDNESDAY;
  const deps: QueryDeps = { limiter: createRateLimiter(), pages: createResultPages(), now: () => now };
  const ask = (inputs: Record<string, unknown>, citizen = 'o-citizen-1') =>
    runQuery(deps, { build, service: 'jiaojing/xianxing', inputs, asker: { key: citizen, openid: citizen } }) as QueryResult;
  return { ask, setNow: (at: Date) => void (now = at), build };
}

describe('kept table answers', () => {
  it('answers the same query again exactly as the first time, and the repeat still counts toward the limit', () => {
    const { ask } = setup({ perMinute: 2 });
    const first = ask({ plateTail: '3' });
    const second = ask({ plateTail: '3' });
    assert.equal(first.outcome, 'found');
    assert.deepEqual({ ...second, latencyMs: 0 }, { ...first, latencyMs: 0 });
    assert.equal(ask({ plateTail: '3' }).outcome, 'limited');
    assert.equal(ask({ plateTail: '3' }, 'o-citizen-2').outcome, 'found');
  });

  it('keeps an answer for its city day only', () => {
    const { ask, setNow } = setup();
    setNow(new Date('2026-11-25T23:59:00+08:00'));
    assert.equal(ask({ plateTail: '3' }).text, '尾号311月25日（周三）限行 7:00—9:00');
    setNow(new Date('2026-11-26T00:01:00+08:00'));
    assert.equal(ask({ plateTail: '3' }).text, '尾号311月26日（周四）不限行');
    assert.equal(ask({}).text, '11月26日（周四）不限行');
  });

  it('reads 今天 and 明天 against the day of each query, not of the kept one', () => {
    const { ask, setNow } = setup();
    assert.match(ask({ date: '明天' }).text, /11月26日/);
    setNow(new Date('2026-11-26T10:00:00+08:00'));
    assert.match(ask({ date: '明天' }).text, /11月27日/);
  });

  it('explains a wrong input again without taking the citizen’s limit', () => {
    const { ask } = setup({ perMinute: 1 });
    assert.equal(ask({ plateTail: 'x' }).outcome, 'invalid');
    const again = ask({ plateTail: 'x' });
    assert.equal(again.outcome, 'invalid');
    assert.equal(again.errors?.[0]?.field, 'plateTail');
    assert.equal(ask({ plateTail: '8' }).outcome, 'found');
  });

  it('does not let one caller change the answer the next one gets', () => {
    const { ask } = setup();
    const first = ask({});
    assert.throws(() => ((first.data as Record<string, unknown>).count = 99), TypeError);
    assert.throws(() => (first.data!.rows as unknown[]).push({ tail: '0' }), TypeError);
    assert.deepEqual(
      (ask({}).data!.rows as { tail: string }[]).map((r) => r.tail),
      ['3', '8'],
    );
  });

  it('gives each citizen their own result page when the table query declares one', () => {
    const { ask } = setup({ page: true });
    const mine = ask({});
    const theirs = ask({}, 'o-citizen-2');
    assert.ok(mine.pageUrl && theirs.pageUrl);
    assert.notEqual(mine.pageUrl, theirs.pageUrl);
  });
});
