// Behind a proxy, WeChat's retry of a push and a replayed callback URL may reach another process
// than the first attempt. Two WeChat routers on two PostgreSQL store instances (two processes)
// share one city: a retry is answered once, with one desk ticket and one log record, and a nonce
// seen by one process cannot be replayed with another body through the other.
import assert from 'node:assert/strict';
import request from 'supertest';
import type { DeskTicket } from '../../server/desk/desk-handoff.js';
import { OnceCache } from '../../server/gateway/dedup.js';
import { createPostgresStore, type PostgresStore } from '../../server/store/postgres/postgres-store.js';
import { parseXmlObject } from '../../server/wechat/xml.js';
import { dropSchema, freshSchema, usePostgres } from '../support/postgres.js';
import { createHarness, type Harness, signedRequest, textXml } from './harness.js';

describe('WeChat retries and replays across two processes (needs PostgreSQL)', () => {
  let url: string;
  let schema: string;
  let stores: PostgresStore[];
  let one: Harness;
  let two: Harness;

  before(async function () {
    url = (await usePostgres(this)).url;
  });
  beforeEach(async () => {
    schema = freshSchema();
    stores = [await createPostgresStore(url, { schema, poolSize: 3 }), await createPostgresStore(url, { schema, poolSize: 3 })];
    [one, two] = stores.map((store) => createHarness({ store })) as [Harness, Harness];
  });
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await dropSchema(url, schema);
  });

  const send = (h: Harness, signed: { query: Record<string, string>; body: string }) => request(h.app).post('/wechat').query(signed.query).type('text/xml').send(signed.body);

  it('answers a retry reaching the other process with the first answer, one desk ticket and one log record', async () => {
    const signed = signedRequest(textXml('小区路灯坏了三天了', 'o-retry', '6100000000000000001'), 'plain');
    const first = await send(one, signed).expect(200);
    const retry = await send(two, signed).expect(200);
    assert.equal(parseXmlObject(retry.text).Content, parseXmlObject(first.text).Content);
    assert.equal((await stores[1]!.collection<DeskTicket>('deskTickets').list()).length, 1);
    await Promise.all(stores.map((s) => s.log('messages').flush()));
    assert.equal((await stores[0]!.log('messages').read()).length, 1, 'the retry is not logged as a second message');
  });

  it('answers retries that arrive at both processes at once with one answer', async () => {
    const signed = signedRequest(textXml('井盖丢了', 'o-both', '6100000000000000002'), 'plain');
    const answers = await Promise.all([send(one, signed), send(two, signed), send(one, signed), send(two, signed)]);
    assert.ok(answers.every((a) => a.status === 200));
    assert.equal(new Set(answers.map((a) => parseXmlObject(a.text).Content)).size, 1);
    assert.equal((await stores[0]!.collection<DeskTicket>('deskTickets').list()).length, 1);
  });

  it('picks from the numbered list another process sent, and from the newest list after that', async () => {
    const text = async (h: Harness, content: string) => {
      const res = await send(h, signedRequest(textXml(content, 'o-follow'), 'plain')).expect(200);
      const reply = parseXmlObject(res.text);
      const item = (reply.Articles as { item: { Title: string } | Array<{ Title: string }> } | undefined)?.item;
      return String(reply.Content ?? (Array.isArray(item) ? item[0]?.Title : item?.Title));
    };
    assert.match(await text(one, '帮助'), /2\. 社保就业/);
    await new Promise((r) => setTimeout(r, 50)); // the list is published behind the reply
    assert.match(await text(two, '2'), /^社保就业（牵头部门：市人社局）/);
    await new Promise((r) => setTimeout(r, 50));
    // The topic's own list, sent by the second process, is now the last one, also for the first.
    assert.equal(await text(one, '1'), '社保卡补办');
  });

  it('refuses a nonce another process saw with a different body, and lets WeChat retry it unchanged', async () => {
    const signed = signedRequest(textXml('你好', 'o-nonce', '6100000000000000003'), 'plain');
    await send(one, signed).expect(200);
    await send(two, signed).expect(200); // WeChat's retry: same URL, same body
    const forged = await send(two, { query: signed.query, body: textXml('你好', 'o-victim', '6100000000000000004') }).expect(401);
    assert.equal(forged.text, 'Replayed nonce');
  });
});

describe('OnceCache', () => {
  it('forgets the oldest pushes past its bound however short a time has passed', () => {
    const cache = new OnceCache<number>(60_000, 3);
    for (const key of ['a', 'b', 'c', 'd']) cache.get(key, 1000, () => 1);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('a', 1000, () => 2).first, true, 'the oldest was dropped to make room');
    assert.equal(cache.get('d', 1000, () => 2).first, false);
  });
});
