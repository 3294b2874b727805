// A publish or rollback in one process switches every process's live build (LISTEN/NOTIFY), and
// a process started later serves the live version. Processes are modelled as publishers over
// two PostgreSQL store instances with their own pools.
import assert from 'node:assert/strict';
import path from 'node:path';
import { type CityFiles, loadCityFromDir } from '../../server/builder/load-city.js';
import { buildAccount } from '../../server/builder/build-account.js';
import { projectRoot } from '../../server/config.js';
import { createPublisher, followLiveVersion, type Publisher } from '../../server/publish/index.js';
import { createLiveBuild, type LiveBuild } from '../../server/live-build.js';
import { createPostgresStore, type PostgresStore } from '../../server/store/postgres/postgres-store.js';
import { FakeWechatClient } from '../fakes/fake-wechat-client.js';
import { dropSchema, freshSchema, usePostgres } from '../support/postgres.js';

const TOPICS = path.join(projectRoot, 'topics');
const BASE = 'https://gov.example.cn';

interface Process {
  store: PostgresStore;
  live: LiveBuild;
  publisher: Publisher;
  stop(): void;
}

/** Waits until check() holds, polling; fails after ms. */
async function within(ms: number, check: () => boolean, what: string) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) assert.fail(`${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function renamed(files: CityFiles, name: string): CityFiles {
  return {
    files: files.files.map((f) => (f.path === 'account.json' ? { ...f, text: JSON.stringify({ ...JSON.parse(f.text), name }, null, 2) } : f)),
  };
}

describe('following the live version across processes (needs PostgreSQL)', () => {
  let url: string;
  let schema: string;
  let city: CityFiles;
  const processes: Process[] = [];

  async function start(): Promise<Process> {
    const store = await createPostgresStore(url, { schema, poolSize: 3 });
    const live = createLiveBuild(buildAccount(city, { publicBaseUrl: BASE }));
    const publisher = createPublisher({ store, live, client: new FakeWechatClient(), publicBaseUrl: BASE });
    const stop = await followLiveVersion(store, publisher);
    await publisher.bootstrap(TOPICS);
    const p = { store, live, publisher, stop };
    processes.push(p);
    return p;
  }

  before(async function () {
    url = (await usePostgres(this)).url;
    city = await loadCityFromDir(TOPICS);
  });
  beforeEach(() => void (schema = freshSchema()));
  afterEach(async () => {
    for (const p of processes.splice(0)) {
      p.stop();
      await p.store.close();
    }
    await dropSchema(url, schema);
  });

  it('switches the other process within a second of a publish, and of a rollback', async function () {
    this.timeout(30_000);
    const [one, two] = [await start(), await start()];
    const original = one.live.current().account.name;
    const v2 = await one.publisher.publish(renamed(city, '江城一网通办（新版）'), 'plat', '改名');
    await within(1000, () => two.live.current().hash === v2.hash, 'the second process serving the publish');
    assert.equal(two.live.current().account.name, '江城一网通办（新版）');

    const v1 = (await two.publisher.listVersions()).find((v) => v.number === 1)!;
    const v3 = await two.publisher.rollback(v1.id, 'plat');
    await within(1000, () => one.live.current().hash === v3.hash, 'the first process serving the rollback');
    assert.equal(one.live.current().account.name, original);
  });

  it('serves the live version in a process started after the publish', async () => {
    const one = await start();
    const v2 = await one.publisher.publish(renamed(city, '后来的进程'), 'plat', '改名');
    const later = await start();
    assert.equal(later.live.current().hash, v2.hash);
    assert.equal((await later.publisher.listVersions()).length, 2, 'starting did not publish again');
  });
});
