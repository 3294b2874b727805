// Queries in the chat: patterns carry inputs, a bare follow-up continues the last query, a keyword
// for a query service asks for what is missing, the per-citizen limit, and no result in any log.
import assert from 'node:assert/strict';
import type { MessageLogRecord } from '../../server/gateway/gateway.js';
import { createRateLimiter, createResultPages, type QueryDeps } from '../../server/query/index.js';
import { parseMessage } from '../../server/wechat/xml.js';
import { gatewayFor } from '../gateway/gateway-helpers.js';
import { textXml } from '../gateway/harness.js';
import { cityWithRestriction, WEDNESDAY } from './query-fixture.js';

function setup(perMinute?: number, patterns?: string[]) {
  const city = cityWithRestriction();
  if (patterns) city.service('jiaojing/xianxing').steps.query.chat.patterns = patterns;
  if (perMinute) city.account.queries = { perMinute };
  const queries: QueryDeps = { limiter: createRateLimiter(), pages: createResultPages(), now: () => WEDNESDAY };
  const warnings: string[] = [];
  const { gateway, store } = gatewayFor(city.build(), { queries, now: () => WEDNESDAY, warn: (l) => void warnings.push(l) });
  const send = async (text: string, from = 'o-citizen-1') => {
    const answer = await gateway.handle(parseMessage(textXml(text, from)));
    return { text: answer.reply.kind === 'text' ? answer.reply.content : '', trace: answer.trace };
  };
  return { send, store, warnings };
}

describe('queries in the chat', () => {
  it('reads the inputs from a message that fits a chat pattern', async () => {
    const { send } = setup();
    const r = await send('限行 3');
    assert.equal(r.text, '尾号311月25日（周三）限行 7:00—9:00');
    assert.deepEqual([r.trace.answeredBy, r.trace.outcome, r.trace.source], ['query', 'found', 'table:data/jiaojing/xianxing.csv']);
  });

  it('folds full-width digits before matching', async () => {
    const { send } = setup();
    assert.match((await send('限行　３')).text, /^尾号3/);
  });

  it('answers a tail that is not restricted with the not-found reply', async () => {
    const { send } = setup();
    const r = await send('限行 4');
    assert.equal(r.text, '尾号411月25日（周三）不限行');
    assert.equal(r.trace.outcome, 'not-found');
  });

  it('passes a relative day from the message as the date input', async () => {
    const { send } = setup();
    assert.equal((await send('明天限行吗')).text, '11月26日（周四）不限行');
  });

  it('answers the keyword with today’s list, and a bare tail right after it continues the query', async () => {
    const { send } = setup();
    assert.equal((await send('限行')).text, '11月25日（周三）限行尾号 3 8');
    const follow = await send('8');
    assert.equal(follow.text, '尾号811月25日（周三）限行 7:00—9:00');
    assert.match(follow.trace.reason, /补充/);
  });

  it('sends a bare number with no query before it to the desk', async () => {
    const { send } = setup();
    assert.equal((await send('8')).trace.answeredBy, 'human');
  });

  it('explains a wrong input with the department’s message, the example and the H5 form', async () => {
    const { send } = setup(undefined, ['^限行 ?(?<plateTail>\\w)$']);
    const r = await send('限行 x');
    assert.equal(r.trace.outcome, 'invalid');
    assert.equal(r.text, '请发送车牌最后一位数字。示例：限行 3。也可<a href="https://gov.example.cn/s/jiaojing/xianxing/query">在线填写查询</a>。');
  });

  it('does not take an unrelated message after a query as its input', async () => {
    const { send } = setup();
    await send('限行');
    assert.equal((await send('x')).trace.answeredBy, 'human');
  });

  it('limits each citizen to the configured queries per minute, others unaffected', async () => {
    const { send } = setup(2);
    await send('限行 1');
    await send('限行 2');
    const third = await send('限行 3');
    assert.equal(third.trace.outcome, 'limited');
    assert.match(third.text, /每人每分钟最多 2 次/);
    assert.equal((await send('限行 3', 'o-citizen-2')).trace.outcome, 'found');
  });

  it('keeps the query, outcome and latency in the message log, never the inputs or the result', async () => {
    const { send, store, warnings } = setup();
    await send('限行 3');
    const records = await store.log<MessageLogRecord>('messages').read();
    assert.equal(records.length, 1);
    const record = records[0]!;
    assert.deepEqual([record.answeredBy, record.rule, record.outcome, record.source], ['query', 'jiaojing/xianxing', 'found', 'table:data/jiaojing/xianxing.csv']);
    assert.equal(typeof record.latencyMs, 'number');
    const logged = JSON.stringify(records) + warnings.join('\n');
    for (const secret of ['7:00', '限行 3', '尾号3', 'o-citizen-1']) assert.ok(!logged.includes(secret), `log holds ${secret}`);
  });
});
