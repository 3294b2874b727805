// The dashboard in a city of several accounts: the account filter lists every account of the
// registry, and messages and desk tickets count for the account whose callback received them.
import assert from 'node:assert/strict';
import { sampleCity } from '../accounts/city-fixture.js';
import { createCityApp, type CityApp } from '../accounts/harness.js';
import { addTestUsers, login } from '../console/harness.js';
import { textXml } from '../gateway/harness.js';

const totalOf = (html: string) => Number(/id="total-messages">(\d+)</.exec(html)?.[1]);
const ticketsOf = (csv: string) => Number(/工单总数,(\d+)/.exec(csv)?.[1]);

describe('console /console/stats in a city of several accounts', () => {
  let city: CityApp;
  before(async () => {
    city = createCityApp(await sampleCity(), { config: { publicBaseUrl: 'http://localhost:3000' } });
    await addTestUsers(city.store);
    await city.push('/wechat', 'jiangcheng', textXml('社保卡补办', 'o-a')).expect(200);
    await city.push('/wechat/jiangcheng', 'jiangcheng', textXml('社保卡补办', 'o-b')).expect(200);
    await city.push('/wechat/chuxing', 'chuxing', textXml('违章', 'o-c')).expect(200);
    // Nothing matches this: a desk ticket of the 出行 account.
    await city.push('/wechat/chuxing', 'chuxing', textXml('请问夜里施工太吵找谁', 'o-d')).expect(200);
    await city.push('/wechat/jiaojing-neibu', 'jiaojing-neibu', textXml('出行提示', 'o-e')).expect(200);
    await city.store.log('messages').flush();
  });

  it('offers every account of the registry, the primary first', async () => {
    const { agent } = await login(city.app, 'plat');
    const res = await agent.get('/console/stats').expect(200);
    const options = [...res.text.matchAll(/<option value="([^"]+)"[^>]*>[^<]*<\/option>/g)].map((m) => m[1]);
    const accounts = city.accounts.list().map((a) => a.id);
    assert.deepEqual(accounts.slice(0, 1), ['jiangcheng']);
    for (const id of accounts) assert.ok(options.includes(id), `option ${id}`);
    assert.equal(totalOf(res.text), 5);
  });

  it('counts messages and tickets for the account whose callback received them', async () => {
    const { agent } = await login(city.app, 'plat');
    const primary = await agent.get('/console/stats?account=jiangcheng').expect(200);
    assert.match(primary.text, /<option value="jiangcheng" selected>/);
    assert.equal(totalOf(primary.text), 2);
    assert.equal(totalOf((await agent.get('/console/stats?account=chuxing').expect(200)).text), 2);
    assert.equal(totalOf((await agent.get('/console/stats?account=jiaojing-neibu').expect(200)).text), 1);
    assert.equal(ticketsOf((await agent.get('/console/stats/export/tickets.csv?account=chuxing').expect(200)).text), 1);
    assert.equal(ticketsOf((await agent.get('/console/stats/export/tickets.csv?account=jiangcheng').expect(200)).text), 0);
    await agent.get('/console/stats?account=nope').expect(404);
  });

  it('stores the account on a desk ticket', async () => {
    const tickets = await city.store.collection<{ id: string; account?: string; text: string }>('deskTickets').list();
    assert.deepEqual(tickets.map((t) => [t.text, t.account]), [['请问夜里施工太吵找谁', 'chuxing']]);
  });
});
