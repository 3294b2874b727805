// Two real `onestop serve` processes on one PostgreSQL database behave as one city: both start
// (one bootstraps version 1, the other loads it), a publish made elsewhere reaches both within
// a second, and a booking for the last seat made through one is seen by the other.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCityFromDir, type CityFiles } from '../../server/builder/load-city.js';
import { projectRoot } from '../../server/config.js';
import { createPublisher } from '../../server/publish/index.js';
import { createLiveBuild } from '../../server/live-build.js';
import { buildAccount } from '../../server/builder/build-account.js';
import { createPostgresStore } from '../../server/store/postgres/postgres-store.js';
import { FakeWechatClient } from '../fakes/fake-wechat-client.js';
import { usePostgres } from '../support/postgres.js';

interface Served {
  child: ChildProcess;
  base: string;
}

async function serve(url: string, dataDir: string): Promise<Served> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin/onestop.js'), 'serve'], {
    env: { ...process.env, STORE_URL: url, PORT: '0', DATA_DIR: dataDir, PUBLIC_BASE_URL: 'http://gov.example.cn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /端口 (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { child, base: `http://127.0.0.1:${port}` };
}

const services = async (s: Served) => (await (await fetch(`${s.base}/api/services`)).json()) as { topics: Array<{ id: string; name: string }> };

describe('two onestop serve processes on one PostgreSQL database (needs PostgreSQL)', () => {
  let url: string;
  let dirs: string[] = [];
  const children: ChildProcess[] = [];

  before(async function () {
    const cluster = await usePostgres(this);
    // Its own database: the servers use the default schema.
    const admin = await createPostgresStore(cluster.url, { poolSize: 1 });
    await admin.pool.query('create database two_processes');
    await admin.close();
    url = cluster.url.replace('/postgres?', '/two_processes?');
  });
  after(async () => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    dirs = [];
  });

  it('serves one city: started together, a publish elsewhere reaches both within a second', async function () {
    this.timeout(120_000);
    dirs = [await mkdtemp(path.join(tmpdir(), 'onestop-p1-')), await mkdtemp(path.join(tmpdir(), 'onestop-p2-'))];
    const [one, two] = await Promise.all(dirs.map((d) => serve(url, d)));
    children.push(one!.child, two!.child);
    const before = await services(one!);
    assert.deepEqual(await services(two!), before);

    // A third party (here the test, as the console of a third process would) publishes a rename.
    const city: CityFiles = await loadCityFromDir(path.join(projectRoot, 'topics'));
    const first = before.topics[0]!;
    const renamed: CityFiles = {
      files: city.files.map((f) => (f.path === `${first.id}.json` ? { ...f, text: JSON.stringify({ ...JSON.parse(f.text), name: '出行服务' }) } : f)),
    };
    const store = await createPostgresStore(url, { poolSize: 2 });
    try {
      const publisher = createPublisher({ store, live: createLiveBuild(buildAccount(city, { publicBaseUrl: 'http://x' })), client: new FakeWechatClient(), publicBaseUrl: 'http://x' });
      assert.equal((await publisher.listVersions()).length, 1, 'the two servers bootstrapped one version between them');
      await publisher.publish(renamed, 'plat', '改名');
    } finally {
      await store.close();
    }
    const started = Date.now();
    for (const s of [one!, two!]) {
      while ((await services(s)).topics[0]!.name !== '出行服务') {
        assert.ok(Date.now() - started < 1000, 'both processes serve the new version within a second');
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  });
});
