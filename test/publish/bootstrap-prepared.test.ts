// Start-up builds the topics directory once (buildCity) and hands each publisher its account's
// build: bootstrap serves that build, not a second build of the same files, when it is what is
// (or becomes) the published version, and builds the stored files when they differ.
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildCity } from '../../server/builder/index.js';
import { type CityFiles, loadCityFromDir } from '../../server/builder/load-city.js';
import { projectRoot } from '../../server/config.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createPublisher } from '../../server/publish/index.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { FakeWechatClient } from '../fakes/fake-wechat-client.js';

const TOPICS = path.join(projectRoot, 'topics');
const BASE = 'https://gov.example.cn';

const renamed = (files: CityFiles, name: string): CityFiles => ({
  files: files.files.map((f) => (f.path === 'account.json' ? { ...f, text: JSON.stringify({ ...JSON.parse(f.text), name }, null, 2) } : f)),
});

describe('publisher.bootstrap with start-up’s build', () => {
  it('publishes the first version from the prepared build, and serves it again at the next start', async () => {
    const store = createMemoryStore();
    const files = await loadCityFromDir(TOPICS);
    const first = buildCity(files, { publicBaseUrl: BASE }).accounts[0]!;
    const live = createLiveBuild(first);
    const client = new FakeWechatClient();
    const boot = await createPublisher({ store, live, client, publicBaseUrl: BASE }).bootstrap(TOPICS, { files, build: first });
    assert.equal(boot.version?.number, 1);
    assert.equal(boot.version?.hash, first.hash);
    assert.equal(live.current(), first, 'the prepared build is served, not a second build of the same files');
    assert.equal(client.menus.length, 1);

    // The next start: the stored version has the same build hash.
    const again = buildCity(files, { publicBaseUrl: BASE }).accounts[0]!;
    const live2 = createLiveBuild(again);
    await createPublisher({ store, live: live2, client, publicBaseUrl: BASE }).bootstrap(TOPICS, { files, build: again });
    assert.equal(live2.current(), again);
  });

  it('builds the stored version when the directory has changed since it was published', async () => {
    const store = createMemoryStore();
    const files = await loadCityFromDir(TOPICS);
    const client = new FakeWechatClient();
    const published = buildCity(files, { publicBaseUrl: BASE }).accounts[0]!;
    await createPublisher({ store, live: createLiveBuild(published), client, publicBaseUrl: BASE }).bootstrap(TOPICS, { files, build: published });

    const edited = renamed(files, '改名后的账号');
    const fromDir = buildCity(edited, { publicBaseUrl: BASE }).accounts[0]!;
    const live = createLiveBuild(fromDir);
    await createPublisher({ store, live, client, publicBaseUrl: BASE }).bootstrap(TOPICS, { files: edited, build: fromDir });
    assert.notEqual(live.current(), fromDir);
    assert.equal(live.current().hash, published.hash, 'the published version is served, not the edited directory');
    assert.equal(live.current().account.name, published.account.name);
  });
});
