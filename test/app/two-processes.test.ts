// Two real `onestop serve` processes on one PostgreSQL database behave as one city: both start
// (one bootstraps version 1, the other loads it), a publish made elsewhere reaches both within
// a second, and a booking for the last seat made through one is seen by the other. With
// BLOB_STORE=postgres and a DATA_DIR each, a photo submitted through one downloads from the other.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCityFromDir, type CityFiles } from '../../server/builder/load-city.js';
import { projectRoot } from '../../server/config.js';
import { createPublisher } from '../../server/publish/index.js';
import { createLiveBuild } from '../../server/live-build.js';
import { buildAccount } from '../../server/builder/build-account.js';
import { createPostgresStore } from '../../server/store/postgres/postgres-store.js';
import { CITIZEN_COOKIE, signCitizenSession } from '../../server/http/identity.js';
import { FakeWechatClient } from '../fakes/fake-wechat-client.js';
import { usePostgres } from '../support/postgres.js';

interface Served {
  child: ChildProcess;
  base: string;
}

async function serve(url: string, dataDir: string): Promise<Served> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin/onestop.js'), 'serve'], {
    env: { ...process.env, STORE_URL: url, BLOB_STORE: 'postgres', PORT: '0', DATA_DIR: dataDir, PUBLIC_BASE_URL: 'http://gov.example.cn', SESSION_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // not yet in the test's list: it would outlive the run
      reject(new Error(`server did not start: ${out}`));
    }, 100_000); // tsx compiles at start: slow on a loaded machine
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

const SECRET = 'two-processes-session-secret-0123456789';
/** JFIF header, a 1×1 frame header and the end marker: what the upload check sniffs. */
const JPG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffc00011080001000103011100021101031101ffd9', 'hex');

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
  afterEach(async () => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    children.length = 0;
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    dirs = [];
  });

  it('serves one city: started together, a publish elsewhere reaches both within a second', async function () {
    this.timeout(240_000);
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

  it('serves a photo submitted through one process from the other (BLOB_STORE=postgres, a DATA_DIR each)', async function () {
    this.timeout(240_000);
    dirs = [await mkdtemp(path.join(tmpdir(), 'onestop-p1-')), await mkdtemp(path.join(tmpdir(), 'onestop-p2-'))];
    const [one, two] = await Promise.all(dirs.map((d) => serve(url, d)));
    children.push(one!.child, two!.child);
    const cookie = `${CITIZEN_COOKIE}=${signCitizenSession('citizen-two-processes', SECRET)}`;
    const form = new FormData();
    form.set('place', '江北区建设大道568号东侧人行道');
    form.set('description', '机动车长期占用人行道停放');
    form.set('mobile', '13800138000');
    form.set('photo', new Blob([JPG], { type: 'image/jpeg' }), 'scene.jpg');
    const submitted = await fetch(`${one!.base}/api/services/chengguan/weizhang-tingche/applications`, { method: 'POST', body: form, headers: { cookie } });
    const app = (await submitted.json()) as { no: string; attachments: Array<{ id: string }> };
    assert.equal(submitted.status, 201, JSON.stringify(app));
    const file = await fetch(`${two!.base}/api/applications/${app.no}/files/${app.attachments[0]!.id}`, { headers: { cookie } });
    assert.equal(file.status, 200);
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), JPG);
    for (const d of dirs) assert.equal(existsSync(path.join(d, 'uploads')), false, 'no process keeps the file in its DATA_DIR');
  });
});
