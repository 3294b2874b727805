// What only the PostgreSQL store has to show: migrations at start-up, and that two store
// instances (two pools, as two server processes would have) share locks, documents and logs.
import assert from 'node:assert/strict';
import pg from 'pg';
import { MIGRATIONS, migrate } from '../../server/store/postgres/migrations.js';
import type { LockedRead } from '../../server/store/index.js';
import { countByStatement, findByStatement } from '../../server/store/postgres/postgres-collection.js';
import { importDocuments } from '../../server/store/postgres/bulk-import.js';
import { createPostgresStore, type PostgresStore } from '../../server/store/postgres/postgres-store.js';
import { splitWrites, WRITE_STATEMENT } from '../../server/store/postgres/postgres-once.js';
import { dropSchema, freshSchema, usePostgres } from '../support/postgres.js';

/** How many statements the pg clients send while `run` runs (every pooled client's query counted). */
async function countStatements(run: () => Promise<void>): Promise<number> {
  let statements = 0;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    statements++;
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  try {
    await run();
  } finally {
    pg.Client.prototype.query = query;
  }
  return statements;
}

describe('PostgreSQL store (needs PostgreSQL)', () => {
  let url: string;
  let schema: string;
  const opened: PostgresStore[] = [];
  const open = async (poolSize = 4) => {
    const store = await createPostgresStore(url, { schema, poolSize });
    opened.push(store);
    return store;
  };
  const sql = async <R extends pg.QueryResultRow>(text: string) => {
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      return (await client.query<R>(text)).rows;
    } finally {
      await client.end();
    }
  };

  before(async function () {
    url = (await usePostgres(this)).url;
  });
  beforeEach(() => void (schema = freshSchema()));
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await dropSchema(url, schema);
  });

  it('applies each migration once when two processes start together, and none on a restart', async () => {
    await Promise.all([open(), open()]);
    await open();
    const rows = await sql<{ version: number }>('select version from onestop_migrations');
    assert.deepEqual(rows.map((r) => r.version).sort((a, b) => a - b), MIGRATIONS.map((m) => m.version));
  });

  it('reads after a position without skipping a record a slower transaction commits later', async () => {
    const store = await open();
    const log = store.log<{ n: string }>('events');
    const slow = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await slow.connect();
    try {
      // A writer that took its transaction id first and commits last (a seq cursor would skip it).
      await slow.query('begin');
      await slow.query(`insert into log_records (log, record) values ('events', '{"n":"slow"}')`);
      log.append({ n: 'fast' });
      await log.flush();
      const first = await log.readAfter!(undefined);
      assert.deepEqual(first.records, [], 'nothing past a transaction still open');
      await slow.query('commit');
      const second = await log.readAfter!(first.position);
      assert.deepEqual(second.records, [{ n: 'slow' }, { n: 'fast' }]);
      assert.deepEqual((await log.readAfter!(second.position)).records, []);
      // A second process reading from the same position sees the same records.
      const other = await open();
      assert.deepEqual((await other.log<{ n: string }>('events').readAfter!(first.position)).records, [{ n: 'slow' }, { n: 'fast' }]);
    } finally {
      await slow.end();
    }
  });

  it('reads after a position through the (log, xid) index, not the whole log', async () => {
    await open();
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      // Tables this small are always scanned; the point is that the range can use the index.
      await client.query('set enable_seqscan = off');
      const { rows } = await client.query(`explain (format json) select record from log_records where log = 'events' and xid >= '5'::xid8 and xid < pg_snapshot_xmin(pg_current_snapshot())`);
      const text = JSON.stringify(rows);
      assert.match(text, /log_xid/);
      assert.match(text, /"Index Cond":"[^"]*xid/);
      assert.doesNotMatch(text, /Seq Scan/);
    } finally {
      await client.end();
    }
  });

  it('leaves the schema untouched when a migration fails', async () => {
    await open();
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      const broken = [{ version: 1000, name: 'broken', sql: 'create table half_done (x int); select * from no_such_table;' }];
      await assert.rejects(migrate(client, broken), /no_such_table/);
      assert.deepEqual((await client.query("select to_regclass('half_done') as t")).rows, [{ t: null }]);
      assert.deepEqual((await client.query('select version from onestop_migrations order by version')).rows, MIGRATIONS.map((m) => ({ version: m.version })));
    } finally {
      await client.end();
    }
  });

  it('moves a city stored before migration 5 onto the collection index, and finds its documents there', async () => {
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      await client.query(`create schema ${schema}`);
      await migrate(client, MIGRATIONS.filter((m) => m.version < 5));
      await client.query(`insert into documents (collection, id, doc) values ('appointments', 'a1', '{"id":"a1","slotKey":"s1","status":"booked"}'), ('other', 'o1', '{"id":"o1","slotKey":"s1"}')`);
    } finally {
      await client.end();
    }
    const store = await open();
    assert.deepEqual(await store.collection('appointments').findBy('slotKey', 's1'), [{ id: 'a1', slotKey: 's1', status: 'booked' }]);
    assert.equal(await store.collection('appointments').countBy!('slotKey', 's1', { status: 'booked' }), 1);
    const indexes = await sql<{ indexname: string }>(`select indexname from pg_indexes where schemaname = '${schema}' and tablename = 'documents' order by 1`);
    assert.deepEqual(indexes.map((r) => r.indexname), ['documents_in_collection', 'documents_pkey']);
  });

  it('creates a log partition for the current month', async () => {
    await open();
    const now = new Date();
    const name = `log_records_${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    const rows = await sql<{ n: string }>(`select count(*) as n from pg_class where relname = '${name}' and relnamespace = '${schema}'::regnamespace`);
    assert.equal(rows[0]!.n, '1');
  });

  it('finds and counts the documents of a grown collection through the index, not by reading the collection', async () => {
    const store = await open();
    // Statistics taken while the collection was empty, as autovacuum leaves them on a big table
    // long after a collection has grown: the planner thinks "appointments" holds no rows.
    await importDocuments(store.pool, 'applications', Array.from({ length: 200 }, (_, i) => ({ id: `a${i}`, date: '2026-03-09', hall: 'h1' })));
    await store.pool.query('analyze documents');
    await importDocuments(store.pool, 'appointments', Array.from({ length: 4000 }, (_, i) => ({ id: `p${i}`, slotKey: `s${i % 1000}`, date: '2026-03-09', hall: 'h1', status: 'booked' })));
    const reads: LockedRead[] = [
      { collection: 'appointments', where: { slotKey: 's7', status: 'booked' }, count: true },
      { collection: 'hallClosures', where: { date: '2026-03-09', hall: 'h1' } },
    ];
    const client = await store.pool.connect();
    try {
      const pagesRead = async (statement: pg.QueryConfig) => {
        const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: Record<string, number> }> }>(`explain (analyze, buffers, format json) ${statement.text}`, statement.values);
        const plan = rows[0]!['QUERY PLAN'][0]!.Plan;
        return plan['Shared Hit Blocks']! + plan['Shared Read Blocks']!;
      };
      const wholeCollection = Number((await store.pool.query<{ n: string }>("select pg_relation_size('documents') / 8192 as n")).rows[0]!.n);
      assert.ok(wholeCollection > 40, `the collection fills ${wholeCollection} pages`);
      for (const statement of [findByStatement('appointments', 'slotKey', 's7'), countByStatement('appointments', { slotKey: 's7', status: 'booked' }), findByStatement('hallClosures', 'date', '2026-03-09')]) {
        const pages = await pagesRead(statement);
        assert.ok(pages < 20, `${statement.text} read ${pages} of ${wholeCollection} pages`);
      }
      const call = { text: 'select onestop_lock_and_read($1::text[], $2::jsonb)', values: [[], JSON.stringify(reads)] };
      await pagesRead(call); // the first call in a session plans the function's queries (catalog pages)
      const pages = await pagesRead(call);
      assert.ok(pages < 40, `onestop_lock_and_read read ${pages} of ${wholeCollection} pages`);
    } finally {
      client.release();
    }
    assert.deepEqual(await store.withLocksReading!([], reads, async (found) => found), [4, []]);
  });

  it('makes a withLock holder in one process wait for the holder in another', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const trace: string[] = [];
    const hold = (store: PostgresStore, tag: string, ms: number) =>
      store.withLock('shared-key', async () => {
        trace.push(`${tag}+`);
        await new Promise((r) => setTimeout(r, ms));
        trace.push(`${tag}-`);
      });
    await Promise.all([hold(a, 'a', 100), new Promise((r) => setTimeout(r, 20)).then(() => hold(b, 'b', 1))]);
    assert.deepEqual(trace, ['a+', 'a-', 'b+', 'b-']);
  });

  it('serialises updates of one document sent by two processes', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    await a.collection<{ id: string; n: number }>('items').insert({ id: 'x', n: 0 });
    const bump = (store: PostgresStore) => store.collection<{ id: string; n: number }>('items').update('x', (d) => ({ ...d, n: d.n + 1 }));
    await Promise.all(Array.from({ length: 40 }, (_, i) => bump(i % 2 ? a : b)));
    assert.equal((await b.collection<{ id: string; n: number }>('items').get('x'))!.n, 40);
  });

  it('refuses the second insert of one id whichever process sends it', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const results = await Promise.allSettled([a, b, a, b].map((s) => s.collection('tickets').insert({ id: 'same-push' })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  });

  it('reads one log with the records of both processes in one order', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    a.log<{ n: number }>('events').append({ n: 1 });
    await a.log('events').flush();
    b.log<{ n: number }>('events').append({ n: 2 });
    await b.log('events').flush();
    assert.deepEqual(await a.log('events').read(), [{ n: 1 }, { n: 2 }]);
    assert.deepEqual(await b.log('events').read(), [{ n: 1 }, { n: 2 }]);
  });

  it('writes a flush of many records in one statement and reads each back as it was appended, quotes and backslashes included', async () => {
    const store = await open();
    const log = store.log<{ n: number; text: string; nested: { list: unknown[] } }>('messages');
    const records = Array.from({ length: 50 }, (_, n) => ({ n, text: `问 "年检" \\ {a,b} 第${n}条\n`, nested: { list: [null, true, n, '"}'] } }));
    for (const r of records) log.append(r);
    const statements = await countStatements(() => log.flush());
    assert.equal(statements, 1);
    assert.deepEqual(await log.read(), records);
  });

  it('runs many nested lock holders on a small pool without deadlocking', async () => {
    const store = await open(2);
    const items = store.collection<{ id: string; n: number }>('counters');
    await items.insert({ id: 'c', n: 0 });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        store.withLock(`citizen:${i}`, () => store.withLock('slot', async () => void (await items.update('c', (d) => ({ ...d, n: d.n + 1 }))))),
      ),
    );
    assert.equal((await items.get('c'))!.n, 30);
  });

  it('takes several locks in one step and re-takes none already held inside them', async () => {
    const [a, b] = [await open(2), await open(2)];
    const trace: string[] = [];
    const both = a.withLocks!(['citizen:1', 'slot'], async () => {
      trace.push('both+');
      await a.withLocks!(['slot', 'citizen:1', 'other'], async () => void trace.push('nested'));
      await new Promise((r) => setTimeout(r, 100));
      trace.push('both-');
    });
    await new Promise((r) => setTimeout(r, 30));
    await Promise.all([both, b.withLock('slot', async () => void trace.push('other process'))]);
    assert.deepEqual(trace, ['both+', 'nested', 'both-', 'other process']);
    // The locks go back right after withLocks returns (the unlock is not awaited by the caller).
    const advisory = async () => Number((await sql<{ n: string }>("select count(*) as n from pg_locks where locktype = 'advisory'"))[0]!.n);
    const until = Date.now() + 2000;
    while ((await advisory()) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await advisory(), 0, 'every lock given back');
  });

  it('lets one of two processes claim a key once, shares its outcome, and frees it after the ttl', async () => {
    const [a, b] = [await open(2), await open(2)];
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).once!.claim('push:m:o:1', 60_000)));
    assert.equal(claims.filter(Boolean).length, 1, 'exactly one claimer');
    assert.equal(await b.once!.outcome('push:m:o:1'), undefined, 'no outcome before it is settled');
    await a.once!.settle('push:m:o:1', 'the reply');
    assert.equal(await b.once!.outcome('push:m:o:1'), 'the reply');
    assert.equal(await a.once!.claim('nonce:1', 60_000, 'digest'), true);
    assert.equal(await b.once!.outcome('nonce:1'), 'digest', 'an outcome stored with the claim');
    assert.equal(await a.once!.claim('short', 50), true);
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(await b.once!.outcome('short'), undefined, 'an expired claim has no outcome');
    assert.equal(await b.once!.claim('short', 60_000), true, 'an expired claim can be claimed again');
  });

  it('claims and settles many keys of two processes at once, in few statements, each key to exactly one claimer', async () => {
    const [a, b] = [await open(2), await open(2)];
    const statements = await countStatements(async () => {
      // 30 keys, each claimed by four callers spread over both processes, all at the same moment.
      const keys = Array.from({ length: 120 }, (_, i) => `push:${i % 30}`);
      const won = await Promise.all(keys.map((key, i) => (i % 2 ? a : b).once!.claim(key, 60_000)));
      const winners = keys.filter((_, i) => won[i]);
      assert.deepEqual([...winners].sort(), [...new Set(keys)].sort(), 'every key claimed once');
      await Promise.all(winners.map((key) => a.once!.settle(key, `answer ${key}`)));
    });
    assert.ok(statements <= 12, `${statements} statements for 120 claims and 30 settles`);
    assert.deepEqual(await Promise.all(['push:0', 'push:29'].map((key) => b.once!.outcome(key))), ['answer push:0', 'answer push:29']);
  });

  it('sends the claims, settles and remembers made while one statement is out as one more, each key in the order it was written', async () => {
    const store = await open(2);
    const once = store.once!;
    assert.equal(await once.claim('push:old', 60_000), true);
    await once.remember('conversation:held', 'taken', 60_000);
    let results: unknown[] = [];
    const statements = await countStatements(async () => {
      // The first leaves at the end of this turn of the event loop, alone; the rest are made
      // while it is out and queue behind it. 'push:new' is claimed, claimed again (loses without
      // a statement) and then remembered (after its claim, so in the statement after).
      const first = once.claim('push:first', 60_000);
      await new Promise((r) => setImmediate(r));
      results = await Promise.all([
        first,
        once.settle('push:old', 'old answer'),
        once.claim('push:new', 60_000, 'digest'),
        once.remember('conversation:o1', 'list', 60_000),
        once.claim('push:new', 60_000),
        once.remember('push:new', 'remembered after the claim', 60_000),
        once.claim('conversation:held', 60_000),
      ]);
    });
    assert.deepEqual(results, [true, undefined, true, undefined, false, undefined, false]);
    assert.equal(statements, 3, 'the first claim, the six writes queued behind it, and the second write of push:new');
    assert.deepEqual(
      await Promise.all(['push:old', 'push:new', 'conversation:o1', 'conversation:held'].map((key) => once.outcome(key))),
      ['old answer', 'remembered after the claim', 'list', 'taken'],
    );
  });

  it('sends the writes made in one turn of the event loop as one statement', async () => {
    const store = await open(2);
    const statements = await countStatements(async () => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store.once!.claim(`nonce:${i}`, 60_000, 'digest') : store.once!.remember(`conversation:${i}`, 'state', 60_000))));
      assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => (i % 2 ? true : undefined)));
    });
    assert.equal(statements, 1);
    assert.equal(await store.once!.outcome('conversation:4'), 'state');
  });

  it('shows no outcome for a settle of a key nobody holds, and lets the next claimer have it', async () => {
    const [a, b] = [await open(2), await open(2)];
    await a.once!.settle('push:swept', 'late answer');
    assert.equal(await b.once!.outcome('push:swept'), undefined);
    assert.equal(await b.once!.claim('push:swept', 60_000), true);
    assert.equal(await a.once!.claim('push:swept', 60_000), false);
    assert.equal(await a.once!.outcome('push:swept'), undefined, 'the claim starts without the stray outcome');
  });

  it('finds the rows of claims, settles and remembers through the key, whatever the table has grown to (generic plan)', async () => {
    const store = await open(2);
    const client = await store.pool.connect();
    try {
      await client.query(`insert into once_claims (key, expires, outcome) select 'push:' || i, now() + interval '10 minutes', null from generate_series(1, 30000) as i`);
      await client.query('analyze once_claims');
      // The plan a named statement settles on after its first executions, made for any rows.
      await client.query('set plan_cache_mode = force_generic_plan');
      await client.query(`prepare once_write(text, text, text) as ${WRITE_STATEMENT}`);
      const rows = (kind: string) => `'${JSON.stringify([{ k: `push:${kind}`, t: 1000, v: 'x' }])}'`;
      const { rows: plan } = await client.query<{ 'QUERY PLAN': string }>(`explain execute once_write(${rows('1')}, ${rows('2')}, ${rows('3')})`);
      const text = plan.map((r) => r['QUERY PLAN']).join('\n');
      assert.doesNotMatch(text, /Seq Scan on once_claims|Hash Join|Merge Join/, text);
    } finally {
      await client.query('deallocate all').catch(() => undefined);
      client.release(true);
    }
  });

  it('rejects every caller of a statement that fails, and sends the next writes after it', async () => {
    const store = await open(2);
    const once = store.once!;
    const query = pg.Client.prototype.query;
    let fail = true;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const config = args[0] as { name?: string };
      if (fail && config?.name === 'onestop-once-write') {
        fail = false;
        // pg-pool passes a callback: the statement fails as a lost connection would make it.
        const callback = args.find((a) => typeof a === 'function') as ((err: Error) => void) | undefined;
        setImmediate(() => callback?.(new Error('connection lost')));
        return undefined;
      }
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    try {
      const failing = once.claim('push:a', 60_000);
      await new Promise((r) => setImmediate(r)); // on its way
      const [first, second] = await Promise.allSettled([failing, once.claim('push:b', 60_000)]);
      assert.equal(first.status, 'rejected');
      assert.equal(second.status, 'fulfilled', 'the write queued behind the failed statement goes in the next one');
      assert.equal(await once.claim('push:a', 60_000), true, 'a failed claim left no row behind');
    } finally {
      pg.Client.prototype.query = query;
    }
  });
});

describe('PostgreSQL once: what one statement carries', () => {
  const w = (op: 'claim' | 'settle' | 'remember', key: string) => ({ write: { op, key } });
  it('takes each key once, in order; a second claim of a key loses, any other second write waits', () => {
    const pending = [w('claim', 'a'), w('claim', 'b'), w('claim', 'a'), w('settle', 'b'), w('remember', 'c'), w('claim', 'c'), w('settle', 'd')];
    const { now, lost, later } = splitWrites(pending);
    assert.deepEqual(now, [pending[0], pending[1], pending[4], pending[6]]);
    assert.deepEqual(lost, [pending[2]]);
    assert.deepEqual(later, [pending[3], pending[5]]);
  });
});
