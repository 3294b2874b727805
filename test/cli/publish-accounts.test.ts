// `onestop publish` in a city of several accounts: every account in turn with its own appid, the
// console's all-or-rollback semantics, `--account <id>` alone, Chinese errors naming the account.
import assert from 'node:assert/strict';
import path from 'node:path';
import nock from 'nock';
import { scopedStore } from '../../server/accounts/index.js';
import { loadConfig, projectRoot } from '../../server/config.js';
import { runPublish, type PublishCommandDeps } from '../../server/cli/publish-command.js';
import type { CityVersion } from '../../server/publish/publisher.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { Store } from '../../server/store/types.js';
import { createMemoryTokenStore } from '../../server/wechat/token-store.js';
import { createWechatClient } from '../../server/wechat/wechat-client.js';
import { serveLocalStandin, wechatClientFor } from '../../server/main.js';
import { readStandinMenu } from '../../server/wechat/standin/standin-state.js';
import { TEST_VAULT_ENV } from '../support/vault-env.js';

const WX = 'https://api.weixin.qq.com';
const SAMPLE = path.join(projectRoot, 'topics');
const APPIDS: Record<string, string> = { jiangcheng: 'wxjiangcheng000001', chuxing: 'wxchuxing000000002', 'jiaojing-neibu': 'wxneibu00000000003' };
const ENV = {
  ...TEST_VAULT_ENV,
  SESSION_SECRET: 'x'.repeat(32),
  PUBLIC_BASE_URL: 'https://city.example',
  WECHAT_APPID: APPIDS.jiangcheng!, WECHAT_SECRET: 'S-main', WECHAT_TOKEN: 't-main',
  WECHAT_CHUXING_APPID: APPIDS.chuxing!, WECHAT_CHUXING_SECRET: 'S-cx', WECHAT_CHUXING_TOKEN: 't-cx',
  WECHAT_JIAOJING_NEIBU_APPID: APPIDS['jiaojing-neibu']!, WECHAT_JIAOJING_NEIBU_SECRET: 'S-nb', WECHAT_JIAOJING_NEIBU_TOKEN: 't-nb',
};

/** Each account's token request answers TOKEN_<appid>; menu/create of that account must carry it. */
function wechatFor(appid: string, answers: Array<Record<string, unknown>>) {
  const scope = nock(WX).get('/cgi-bin/token').optionally().query((q) => q.appid === appid).reply(200, { access_token: `TOKEN_${appid}`, expires_in: 7200 });
  for (const answer of answers) scope.post('/cgi-bin/menu/create').query({ access_token: `TOKEN_${appid}` }).reply(200, answer);
  return scope;
}
const OK = { errcode: 0, errmsg: 'ok' };
const REFUSED = { errcode: 40018, errmsg: 'invalid button name size' };

describe('onestop publish, several accounts', () => {
  let store: Store;
  let lines: { out: string[]; err: string[] };
  const config = loadConfig(ENV);
  const deps = (extra: Partial<PublishCommandDeps> = {}): PublishCommandDeps => ({
    config,
    dir: SAMPLE,
    openStore: async () => store,
    clientFor: (_s, _base, account) => createWechatClient({ appId: account?.credentials.appId ?? config.wechat.appId!, secret: account?.credentials.secret ?? config.wechat.secret!, tokenStore: createMemoryTokenStore() }),
    io: { out: (l) => lines.out.push(l), err: (l) => lines.err.push(l) },
    ...extra,
  });
  const numbers = async (collection: string) => (await store.collection<CityVersion>(collection).list()).map((v) => v.number).sort();

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

  it('publishes every account through its own appid and names each in the output', async () => {
    const scopes = Object.values(APPIDS).map((appid) => wechatFor(appid, [OK]));
    assert.equal(await runPublish(deps()), 0, lines.err.join('\n'));
    for (const s of scopes) assert.ok(s.isDone());
    assert.deepEqual([await numbers('versions'), await numbers('account-chuxing-versions'), await numbers('account-jiaojing-neibu-versions')], [[1], [1], [1]]);
    const out = lines.out.join('\n');
    assert.match(out, /公众号 jiangcheng（江城一网通办）已发布版本 #1/);
    assert.match(out, /公众号 chuxing（江城出行）已发布版本 #1/);
    assert.match(out, /公众号 jiaojing-neibu（江城交警内部通）已发布版本 #1/);
  });

  it('rolls the accounts already switched back when WeChat refuses one, naming the refused account', async () => {
    for (const appid of Object.values(APPIDS)) wechatFor(appid, [OK]);
    assert.equal(await runPublish(deps()), 0, lines.err.join('\n'));
    nock.cleanAll();
    lines = { out: [], err: [] };
    // The primary switches, 江城出行 refuses, the primary goes back to its previous menu (a new version, as every rollback).
    const primary = wechatFor(APPIDS.jiangcheng!, [OK, OK]);
    const chuxing = wechatFor(APPIDS.chuxing!, [REFUSED]);
    assert.equal(await runPublish(deps()), 1);
    assert.ok(primary.isDone() && chuxing.isDone());
    const err = lines.err.join('\n');
    assert.match(err, /公众号“江城出行”的微信拒绝了新菜单/);
    assert.match(err, /已把先切换的“江城一网通办”恢复到原来的菜单/);
    assert.match(err, /各公众号的线上菜单均保持发布前的版本/);
    assert.deepEqual([await numbers('versions'), await numbers('account-chuxing-versions'), await numbers('account-jiaojing-neibu-versions')], [[1, 2, 3], [1], [1]]);
  });

  it('publishes one account alone with --account', async () => {
    const chuxing = wechatFor(APPIDS.chuxing!, [OK]);
    assert.equal(await runPublish(deps({ account: 'chuxing' })), 0, lines.err.join('\n'));
    assert.ok(chuxing.isDone());
    assert.deepEqual([await numbers('versions'), await numbers('account-chuxing-versions')], [[], [1]]);
    assert.match(lines.out.join('\n'), /公众号 chuxing（江城出行）已发布版本 #1/);
  });

  it('refuses an account the city does not have, listing the city’s accounts', async () => {
    assert.equal(await runPublish(deps({ account: 'nope' })), 1);
    assert.equal(lines.err.join('\n'), '没有编号为“nope”的公众号；本市的公众号：jiangcheng、chuxing、jiaojing-neibu。');
  });

  it('names every missing credential of every account before calling WeChat', async () => {
    const partial = loadConfig({ ...ENV, WECHAT_CHUXING_SECRET: '', WECHAT_JIAOJING_NEIBU_TOKEN: '' });
    assert.equal(await runPublish(deps({ config: partial })), 1);
    assert.match(lines.err.join('\n'), /^无法发布：.*缺少：WECHAT_CHUXING_SECRET、WECHAT_JIAOJING_NEIBU_TOKEN/);
    assert.deepEqual(await numbers('versions'), []);
  });

  it('publishes every account to its own local stand-in without credentials', async () => {
    const local = loadConfig({ ...TEST_VAULT_ENV });
    const code = await runPublish(deps({ config: local, clientFor: (s, base, account) => wechatClientFor(local, s, () => base ?? '', account), startStandin: serveLocalStandin }));
    assert.equal(code, 0, lines.err.join('\n'));
    const [primary] = await store.collection<CityVersion>('versions').list();
    const [chuxing] = await store.collection<CityVersion>('account-chuxing-versions').list();
    assert.deepEqual(await readStandinMenu(store), primary?.menu);
    assert.deepEqual(await readStandinMenu(scopedStore(store, 'account-chuxing-')), chuxing?.menu);
    assert.notDeepEqual(primary?.menu, chuxing?.menu);
    assert.match(lines.out.join('\n'), /本地模式：公众号 chuxing（江城出行）已发布版本 #1/);
  });
});
