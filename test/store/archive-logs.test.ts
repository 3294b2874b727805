// `onestop store archive-logs`: old months of the logs leave every read by detaching their
// partitions; the current month stays, later months cannot be named, and a second run is a no-op.
import assert from 'node:assert/strict';
import { createStoreCommand } from '../../server/cli/store-command.js';
import { ValidationError } from '../../server/errors.js';
import { archiveLogMonths, monthTable } from '../../server/store/postgres/archive-logs.js';
import { importLogRecords } from '../../server/store/postgres/bulk-import.js';
import { createPostgresStore, type PostgresStore } from '../../server/store/postgres/postgres-store.js';
import { dropSchema, freshSchema, usePostgres } from '../support/postgres.js';

const NOW = new Date('2026-12-02T01:00:00Z');

describe('archiveLogMonths (needs PostgreSQL)', () => {
  let url: string;
  let schema: string;
  let store: PostgresStore;

  before(async function () {
    url = (await usePostgres(this)).url;
  });
  beforeEach(async () => {
    schema = freshSchema();
    store = await createPostgresStore(url, { schema, poolSize: 2 });
    // Records of three old months, each in its own partition, and one of this month.
    const at = (month: string) => `${month}-15T03:00:00.000Z`;
    await importLogRecords(store.pool, 'messages', ['2026-08', '2026-09', '2026-10'].map((m) => ({ at: at(m), m })));
    store.log<{ at: string; m: string }>('messages').append({ at: at('2026-12'), m: '2026-12' });
    await store.log('messages').flush();
  });
  afterEach(async () => {
    await store.close();
    await dropSchema(url, schema);
  });

  const months = async () => (await store.log<{ m: string }>('messages').read()).map((r) => r.m).sort();

  it('detaches the months before the given one, which then leave every log read', async () => {
    const archived = await archiveLogMonths(store.pool, '2026-10', NOW);
    assert.deepEqual(archived, [
      { table: 'log_records_2026_08', rows: 1 },
      { table: 'log_records_2026_09', rows: 1 },
    ]);
    assert.ok((await months()).every((m) => m >= '2026-10'), `left: ${(await months()).join(',')}`);
    // The detached table is kept, as it was, for the operator to export and drop.
    const { rows } = await store.pool.query<{ n: string }>('select count(*) as n from log_records_2026_08');
    assert.equal(rows[0]!.n, '1');
    assert.deepEqual(await archiveLogMonths(store.pool, '2026-10', NOW), [], 'a second run finds nothing left');
  });

  it('archives up to the current month but never the current month itself', async () => {
    await archiveLogMonths(store.pool, '2026-12', NOW);
    assert.deepEqual(await months(), ['2026-12']);
  });

  it('runs as onestop store archive-logs and says what it detached', async () => {
    const lines: string[] = [];
    const scoped = `${url}&options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    await createStoreCommand((line) => lines.push(line)).parseAsync(['archive-logs', '--before', '2026-09', '--url', scoped], { from: 'user' });
    assert.match(lines.join('\n'), /已分离 log_records_2026_08（1 条记录）/);
    assert.match(lines.join('\n'), /共归档 1 个月/);
    assert.ok(!(await months()).includes('2026-08'));
  });

  it('refuses a month after the current one and a malformed month', () => {
    assert.throws(() => monthTable('2027-01', NOW), ValidationError);
    assert.throws(() => monthTable('2026-13', NOW), ValidationError);
    assert.throws(() => monthTable('2026-1; drop table x', NOW), ValidationError);
    assert.equal(monthTable('2026-07', NOW), 'log_records_2026_07');
  });
});
