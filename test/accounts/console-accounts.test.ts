import assert from 'node:assert/strict';
import request from 'supertest';
import { addUser } from '../../server/console/users.js';
import { sampleCity } from './city-fixture.js';
import { createCityApp, type CityApp } from './harness.js';

const PASSWORD = 'correct-horse-battery';

async function signIn(city: CityApp) {
  await addUser(city.store, { username: 'plat', role: 'platform', departments: [], password: PASSWORD });
  const agent = request.agent(city.app);
  const login = await agent.get('/console/login').expect(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
  await agent.post('/console/login').type('form').send({ username: 'plat', password: PASSWORD, _csrf: csrf }).expect(303);
  const home = await agent.get('/console/').expect(200);
  return { agent, csrf: /name="_csrf" value="([^"]+)"/.exec(home.text)![1]! };
}

describe('the console for several accounts', () => {
  let city: CityApp;
  let agent: ReturnType<typeof request.agent>;
  let csrf: string;
  before(async () => {
    city = createCityApp(await sampleCity(), { config: { publicBaseUrl: 'http://localhost:3000' } });
    // Version 1 of every account, as start-up publishes it.
    for (const r of city.accounts.runtimes()) await r.publisher.publish(await sampleCity(), 'system', '初始版本');
    ({ agent, csrf } = await signIn(city));
  });

  it('offers an account switcher naming every account and its type', async () => {
    const page = await agent.get('/console/').expect(200);
    assert.match(page.text, /<option value="jiangcheng" selected>江城一网通办（服务号）<\/option>/);
    assert.match(page.text, /<option value="chuxing">江城出行（订阅号）<\/option>/);
    assert.match(page.text, /<option value="jiaojing-neibu">江城交警内部通（订阅号）<\/option>/);
  });

  it('shows the chosen account’s preview, simulator and versions', async () => {
    await agent.post('/console/account').type('form').send({ account: 'chuxing', _csrf: csrf }).set('Referer', 'http://127.0.0.1/console/preview').expect(303);
    const preview = await agent.get('/console/preview').expect(200);
    assert.match(preview.text, /合并预览 · 江城出行/);
    assert.match(preview.text, /出行资讯/, 'the 出行 account’s own menu');
    const simulator = await agent.get('/console/simulator').expect(200);
    assert.match(simulator.text, /公众号模拟器 · 江城出行/);
    const versions = await agent.get('/console/versions').expect(200);
    assert.match(versions.text, /版本与回滚 · 江城出行/);
    await agent.post('/console/account').type('form').send({ account: 'jiangcheng', _csrf: csrf }).expect(303);
    assert.match((await agent.get('/console/preview').expect(200)).text, /合并预览 · 江城一网通办/);
  });

  it('ignores an account the city does not have', async () => {
    await agent.post('/console/account').type('form').send({ account: 'nope', _csrf: csrf }).expect(303);
    assert.match((await agent.get('/console/preview').expect(200)).text, /合并预览 · 江城一网通办/);
  });

  it('rolls back one account alone and keeps its audit entries to it', async () => {
    const chuxing = city.accounts.get('chuxing');
    const files = await sampleCity();
    const text = files.files.find((f) => f.path === 'accounts/chuxing.json')!.text.replace('出行资讯', '出行信息');
    await chuxing.publisher.publish({ files: files.files.map((f) => (f.path === 'accounts/chuxing.json' ? { ...f, text } : f)) }, 'admin', '二');
    const primaryBefore = (await city.accounts.get('jiangcheng').publisher.listVersions()).length;
    const first = (await chuxing.publisher.listVersions()).find((v) => v.number === 1)!;
    await agent.post('/console/account').type('form').send({ account: 'chuxing', _csrf: csrf }).expect(303);
    await agent.post(`/console/versions/${first.id}/rollback`).type('form').send({ _csrf: csrf }).expect(303);
    assert.equal((await chuxing.publisher.currentVersion())?.number, 3);
    assert.match(JSON.stringify(city.clients.get('chuxing')!.menus.at(-1)), /出行资讯/, 'WeChat got the 出行 account’s old menu back');
    assert.equal((await city.accounts.get('jiangcheng').publisher.listVersions()).length, primaryBefore, 'the primary account is untouched');
    const audit = await agent.get('/console/audit').expect(200);
    assert.match(audit.text, /公众号 chuxing 版本 #3/);
    await agent.post('/console/account').type('form').send({ account: 'jiangcheng', _csrf: csrf }).expect(303);
    assert.doesNotMatch((await agent.get('/console/audit').expect(200)).text, /公众号 chuxing/);
  });
});
