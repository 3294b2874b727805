import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { loadConfig } from '../../server/config.js';
import type { CityVersion } from '../../server/publish/publisher.js';
import { runPublish } from '../../server/cli/publish-command.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { Store } from '../../server/store/types.js';
import { createMemoryTokenStore } from '../../server/wechat/token-store.js';
import { createWechatClient } from '../../server/wechat/wechat-client.js';
import { serveLocalStandin, wechatClientFor } from '../../server/main.js';
import { readStandinMenu } from '../../server/wechat/standin/standin-state.js';
import { TEST_VAULT_ENV } from '../support/vault-env.js';

const WX = 'https://api.weixin.qq.com';
const fixture = async (name: string) => JSON.parse(await readFile(new URL(`../fixtures/wechat/${name}.json`, import.meta.url), 'utf8'));
const cityDir = new URL('../fixtures/city-min', import.meta.url).pathname;

describe('onestop publish', () => {
  let store: Store;
  let lines: { out: string[]; err: string[] };
  const io = () => ({ out: (l: string) => lines.out.push(l), err: (l: string) => lines.err.push(l) });
  const config = loadConfig({ WECHAT_APPID: 'wx1234567890abcdef', WECHAT_SECRET: 'SECRET', SESSION_SECRET: 'x'.repeat(32), WECHAT_TOKEN: 'publish-test-token', PUBLIC_BASE_URL: 'https://city.example', ...TEST_VAULT_ENV });
  const deps = (dir = cityDir) => ({
    config,
    dir,
    openStore: async () => store,
    clientFor: () => createWechatClient({ appId: 'wx1234567890abcdef', secret: 'SECRET', tokenStore: createMemoryTokenStore() }),
    io: io(),
  });
  const versions = () => store.collection<CityVersion>('versions').list();

  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  beforeEach(() => {
    store = createMemoryStore();
    lines = { out: [], err: [] };
  });
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  it('publishes to the local stand-in without credentials (local mode) and says so', async () => {
    const local = loadConfig({});
    const code = await runPublish({ ...deps(), config: local, clientFor: (s, base) => wechatClientFor(local, s, () => base ?? ''), startStandin: serveLocalStandin });
    assert.equal(code, 0, lines.err.join('\n'));
    assert.match(lines.out.join('\n'), /本地模式：已发布版本 #1.*到本地替身/);
    const [version] = await versions();
    assert.equal(version?.number, 1);
    assert.deepEqual(await readStandinMenu(store), version?.menu);
  });

  it('builds, sends the menu to menu/create and records version 1', async () => {
    let sentMenu: unknown;
    const scope = nock(WX)
      .get('/cgi-bin/token').query(true).reply(200, await fixture('token'))
      .post('/cgi-bin/menu/create', (body) => ((sentMenu = body), true)).query({ access_token: 'ACCESS_TOKEN_1' }).reply(200, await fixture('ok'));
    const code = await runPublish(deps());
    assert.equal(code, 0, lines.err.join('\n'));
    assert.ok(scope.isDone());
    const [version] = await versions();
    assert.equal(version?.number, 1);
    assert.deepEqual(sentMenu, version?.menu);
    assert.ok(Array.isArray((sentMenu as { button: unknown[] }).button));
    assert.match(lines.out.join('\n'), /已发布版本 #1/);
  });

  it('reports a 40018 refusal in Chinese and stores no version', async () => {
    const scope = nock(WX)
      .get('/cgi-bin/token').query(true).reply(200, await fixture('token'))
      .post('/cgi-bin/menu/create').query(true).reply(200, await fixture('menu-create-40018'));
    const code = await runPublish(deps());
    assert.equal(code, 1);
    assert.ok(scope.isDone());
    assert.match(lines.err.join('\n'), /发布失败：.*菜单名称长度/);
    assert.deepEqual(await versions(), []);
  });

  it('refreshes an expired token (42001) once and publishes', async () => {
    const scope = nock(WX)
      .get('/cgi-bin/token').query(true).reply(200, await fixture('token'))
      .post('/cgi-bin/menu/create').query({ access_token: 'ACCESS_TOKEN_1' }).reply(200, await fixture('token-expired-42001'))
      .get('/cgi-bin/token').query(true).reply(200, await fixture('token-refreshed'))
      .post('/cgi-bin/menu/create').query((q) => q.access_token !== 'ACCESS_TOKEN_1').reply(200, await fixture('ok'));
    const code = await runPublish(deps());
    assert.equal(code, 0, lines.err.join('\n'));
    assert.ok(scope.isDone());
    assert.equal((await versions()).length, 1);
  });

  it('refuses a city with build errors before calling WeChat, listing each diagnostic', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'onestop-publish-'));
    try {
      await cp(cityDir, dir, { recursive: true });
      const account = JSON.parse(await readFile(path.join(dir, 'account.json'), 'utf8'));
      account.menu.buttons.push(...account.menu.buttons, ...account.menu.buttons);
      await writeFile(path.join(dir, 'account.json'), JSON.stringify(account, null, 2));
      const code = await runPublish(deps(dir));
      assert.equal(code, 1);
      assert.match(lines.err.join('\n'), /account\.json \d+:\d+ \/menu\/buttons\/3 MENU_TOO_MANY_BUTTONS 错误: 菜单最多 3 个一级按钮/);
      assert.deepEqual(await versions(), []);
      assert.equal(nock.pendingMocks().length, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
