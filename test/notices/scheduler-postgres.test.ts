// Two real servers on one PostgreSQL database plan the same reminders and share the sending:
// jobs are claimed with FOR UPDATE SKIP LOCKED, so every bound citizen gets one message.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../server/config.js';
import { createPostgresStore } from '../../server/store/postgres/postgres-store.js';
import { usePostgres } from '../support/postgres.js';
import { cityWithoutQuietHours, countingStandin, type CountingStandin, seedBindingsIn } from './support/city-under-test.js';

const CITIZENS = 120;

function serve(url: string, dataDir: string, topics: string, standin: CountingStandin): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin/onestop.js'), 'serve'], {
    env: { ...process.env, STORE_URL: url, PORT: '0', DATA_DIR: dataDir, TOPICS_DIR: topics, WECHAT_API_BASE: standin.base, NOTICES_RATE_PER_SECOND: '40' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /端口 (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

describe('the notices scheduler on PostgreSQL with two processes (needs PostgreSQL)', () => {
  let url: string;
  let topics: string;
  let standin: CountingStandin;
  const dirs: string[] = [];
  const children: ChildProcess[] = [];

  before(async function () {
    const cluster = await usePostgres(this);
    const admin = await createPostgresStore(cluster.url, { poolSize: 1 });
    await admin.pool.query('create database notices_two_processes');
    await admin.close();
    url = cluster.url.replace('/postgres?', '/notices_two_processes?');
    topics = await cityWithoutQuietHours();
    standin = await countingStandin();
    const store = await createPostgresStore(url, { poolSize: 4 });
    await seedBindingsIn(store, topics, CITIZENS);
    await store.close();
  });
  after(async () => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    await standin?.close();
    await Promise.all([...dirs, topics].filter(Boolean).map((d) => rm(d, { recursive: true, force: true })));
  });

  it('sends each reminder once while both processes plan and send', async function () {
    this.timeout(150_000);
    dirs.push(await mkdtemp(path.join(os.tmpdir(), 'onestop-n1-')), await mkdtemp(path.join(os.tmpdir(), 'onestop-n2-')));
    const [one, two] = await Promise.all(dirs.map((d) => serve(url, d, topics, standin)));
    children.push(one!.child, two!.child);
    standin.eventsTo.url = `http://127.0.0.1:${one!.port}/wechat`;
    const deadline = Date.now() + 120_000;
    while ((await standin.delivered()).length < CITIZENS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));
    const delivered = await standin.delivered();
    const per = new Map<string, number>();
    for (const d of delivered) per.set(d.touser, (per.get(d.touser) ?? 0) + 1);
    assert.equal(per.size, CITIZENS, 'every citizen got a reminder');
    assert.deepEqual([...per.values()].filter((n) => n !== 1), [], 'nobody got two');
    assert.equal(standin.attempts.length, CITIZENS, 'no job was sent by both processes');
  });
});
