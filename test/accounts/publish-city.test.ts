import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { createAccountRegistry } from '../../server/accounts/index.js';
import { createCityPublisher } from '../../server/accounts/publish-city.js';
import { buildCity, type CityFiles } from '../../server/builder/index.js';
import { withFile } from '../../server/builder/load-city.js';
import { WechatApiError } from '../../server/errors.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createPublisher } from '../../server/publish/publisher.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { createWechatClient } from '../../server/wechat/wechat-client.js';
import { createMemoryTokenStore } from '../../server/wechat/token-store.js';
import { sampleCity } from './city-fixture.js';

const WX = 'https://api.weixin.qq.com';
const BASE = 'https://gov.example.cn';
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/wechat/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
const APPIDS: Record<string, string> = { jiangcheng: 'wxjiangcheng000001', chuxing: 'wxchuxing000000002', 'jiaojing-neibu': 'wxneibu00000000003' };

function cityOf(files: CityFiles) {
  const store = createMemoryStore();
  const city = buildCity(files, { publicBaseUrl: BASE });
  const runtimes = city.accounts.map((build, i) => {
    const id = build.account.id!;
    const live = createLiveBuild(build);
    const client = createWechatClient({ appId: APPIDS[id]!, secret: `secret-${id}`, tokenStore: createMemoryTokenStore() });
    const publisher = createPublisher({ store, live, client, publicBaseUrl: BASE, ...(i === 0 ? {} : { account: id }) });
    return { id, live, client, publisher, credentials: { token: `t-${id}` } };
  });
  const accounts = createAccountRegistry(runtimes);
  return { store, accounts, runtimes, publisher: createCityPublisher({ store, accounts, publicBaseUrl: BASE }) };
}

/** WeChat for one account: a token, then menu/create answering with the reply (checking the body when given). */
function wechatFor(scope: nock.Scope, id: string, token: string) {
  return scope.get('/cgi-bin/token').query({ grant_type: 'client_credential', appid: APPIDS[id], secret: `secret-${id}` }).reply(200, { access_token: token, expires_in: 7200 });
}

describe('a city-wide publish, account by account', () => {
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  it('switches every account’s menu in order and stores a version for each', async () => {
    const files = await sampleCity();
    const city = cityOf(files);
    const scope = nock(WX);
    for (const id of ['jiangcheng', 'chuxing', 'jiaojing-neibu']) {
      wechatFor(scope, id, `TOKEN_${id}`);
      scope.post('/cgi-bin/menu/create').query({ access_token: `TOKEN_${id}` }).reply(200, fixture('ok'));
    }
    const version = await city.publisher.publish(files, 'admin', '首次发布');
    assert.equal(version.number, 1);
    for (const r of city.runtimes) assert.equal((await r.publisher.currentVersion())?.number, 1);
    assert.ok(scope.isDone());
  });

  it('rolls the accounts already switched back to their previous menus when WeChat refuses one, and names it', async () => {
    const files = await sampleCity();
    const city = cityOf(files);
    const first = nock(WX);
    for (const id of ['jiangcheng', 'chuxing', 'jiaojing-neibu']) {
      wechatFor(first, id, `TOKEN_${id}`);
      first.post('/cgi-bin/menu/create').query({ access_token: `TOKEN_${id}` }).reply(200, fixture('ok'));
    }
    await city.publisher.publish(files, 'admin', '首次发布');
    assert.ok(first.isDone());
    const before = new Map(city.runtimes.map((r) => [r.id, r.live.current()]));

    // A topic renamed: every account serving 出行 gets a new menu.
    const topic = files.files.find((f) => f.path === 'chuxing.json')!;
    const changed = withFile(files, { path: 'chuxing.json', text: topic.text.replace('"menuName": "出行"', '"menuName": "出行服务"') });
    const oldPrimaryMenu = before.get('jiangcheng')!.menu;
    const second = nock(WX)
      .post('/cgi-bin/menu/create', (body) => JSON.stringify(body).includes('出行服务'))
      .query({ access_token: 'TOKEN_jiangcheng' })
      .reply(200, fixture('ok'))
      .post('/cgi-bin/menu/create')
      .query({ access_token: 'TOKEN_chuxing' })
      .reply(200, fixture('menu-create-40018'))
      .post('/cgi-bin/menu/create', (body) => {
        assert.deepEqual(body, oldPrimaryMenu);
        return true;
      })
      .query({ access_token: 'TOKEN_jiangcheng' })
      .reply(200, fixture('ok'));

    await assert.rejects(city.publisher.publish(changed, 'admin', '改名'), (err: unknown) => {
      assert.ok(err instanceof WechatApiError);
      assert.equal(err.errcode, 40018);
      assert.match(err.message, /公众号“江城出行”的微信拒绝了新菜单/);
      assert.match(err.message, /已把先切换的“江城一网通办”恢复到原来的菜单/);
      return true;
    });
    assert.ok(second.isDone(), 'the internal account was not asked, the primary got its old menu back');
    for (const r of city.runtimes) assert.deepEqual(r.live.current().menu, before.get(r.id)!.menu, `${r.id} is not back on its previous menu`);
    // The primary's history shows the switch and the way back; the refused account stays at #1.
    assert.deepEqual(
      (await city.runtimes[0]!.publisher.listVersions()).map((v) => v.number),
      [3, 2, 1],
    );
    assert.equal((await city.runtimes[1]!.publisher.currentVersion())?.number, 1);
  });

  it('refuses before switching anything when one account would not build', async () => {
    const files = await sampleCity();
    const city = cityOf(files);
    const account = files.files.find((f) => f.path === 'accounts/chuxing.json')!;
    const broken = withFile(files, { path: 'accounts/chuxing.json', text: account.text.replace(/"keywordResolutions": \[[\s\S]*?\n {2}\],\n/, '') });
    await assert.rejects(city.publisher.publish(broken, 'admin', 'x'), /涉及公众号：江城出行/);
    for (const r of city.runtimes) assert.equal(await r.publisher.currentVersion(), undefined);
  });
});
