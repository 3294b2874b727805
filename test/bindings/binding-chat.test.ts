// 绑定 / 解绑 through the gateway, and queries run on a bound vehicle: the decisions, the simulator
// (which binds nothing), and a message log that never holds a bound value.
import assert from 'node:assert/strict';
import { findBindingRecipients, listBindings, type BindingRecord } from '../../server/bindings/index.js';
import { createRateLimiter, createResultPages, type QueryDeps } from '../../server/query/index.js';
import { parseMessage } from '../../server/wechat/xml.js';
import { gatewayFor } from '../gateway/gateway-helpers.js';
import { eventXml, textXml } from '../gateway/harness.js';
import { bindingsDeps, cityWithBindings } from './bindings-fixture.js';

function setup(build = cityWithBindings().build()) {
  const bindings = bindingsDeps(build);
  const queries: QueryDeps = { limiter: createRateLimiter(), pages: createResultPages(), connectors: bindings.system };
  const { gateway, store } = gatewayFor(build, { store: bindings.store, live: bindings.live, queries, bindings });
  const say = async (text: string, from = 'o-chat') => {
    const answer = await gateway.handle(parseMessage(textXml(text, from)));
    return { text: answer.reply.kind === 'text' ? answer.reply.content : '', trace: answer.trace };
  };
  return { gateway, store, bindings, say };
}

describe('binding in the chat', () => {
  it('keeps the account a citizen bound through: another account’s gateway records it, the primary’s leaves it out', async () => {
    const primary = cityWithBindings().build();
    const bindings = bindingsDeps(primary);
    const queries: QueryDeps = { limiter: createRateLimiter(), pages: createResultPages(), connectors: bindings.system };
    const sibling = gatewayFor({ ...primary, account: { ...primary.account, id: 'chuxing' } }, { store: bindings.store, queries, bindings });
    const main = gatewayFor(primary, { store: bindings.store, live: bindings.live, queries, bindings });
    await sibling.gateway.handle(parseMessage(textXml('绑定 鄂A12345 4F2A91', 'o-sub')));
    await main.gateway.handle(parseMessage(textXml('绑定 鄂A12345 4F2A91', 'o-main')));
    const records = await bindings.store.collection<BindingRecord>('bindings').list();
    assert.deepEqual(Object.fromEntries(records.map((r) => [r.openid, r.account ?? 'primary'])), { 'o-sub': 'chuxing', 'o-main': 'primary' });
    assert.deepEqual(await findBindingRecipients(bindings, { department: 'jiaojing', kind: 'vehicle', key: '02:鄂A12345' }), [{ openid: 'o-main' }, { openid: 'o-sub', account: 'chuxing' }]);
    assert.equal((await listBindings(bindings, 'o-sub'))[0]!.account, 'chuxing');
  });

  it('binds with a chat pattern and the kind’s defaults, then runs the plate lookup on the bare keyword', async () => {
    const { say, bindings } = setup();
    const bound = await say('绑定 鄂a12345 4f2a91');
    assert.match(bound.text, /^已绑定机动车 小型汽车 鄂A1\*\*\*5。/);
    assert.equal(bound.trace.rule, '绑定');
    assert.equal((await listBindings(bindings, 'o-chat'))[0]?.fields.plateType, '02');
    const lookup = await say('查违法');
    assert.equal(lookup.text, '鄂A12345 有 2 条违法');
    assert.equal(lookup.trace.answeredBy, 'query');
    assert.match(lookup.trace.reason, /市民已绑定 1 项/);
  });

  it('runs the lookup once per bound vehicle in one reply', async () => {
    const { say } = setup();
    await say('绑定 鄂A12345 4F2A91');
    await say('绑定 鄂A0B789 7C3E55');
    assert.equal((await say('查违法')).text, '鄂A12345 有 2 条违法\n\n鄂A0B789 有 0 条违法');
  });

  it('looks up the bound vehicle when a bound citizen taps the query’s menu button', async () => {
    const city = cityWithBindings();
    city.service('jiaojing/weifa').menuAction = 'click';
    city.topic('chuxing').services.push('jiaojing/weifa');
    const build = city.build();
    const key = Object.entries(build.menuKeys).find(([, t]) => t.kind === 'service' && t.service === 'jiaojing/weifa')![0];
    const { say, gateway } = setup(build);
    await say('绑定 鄂A12345 4F2A91', 'o-menu');
    const answer = await gateway.handle(parseMessage(eventXml('CLICK', key, 'o-menu')));
    assert.equal(answer.reply.kind === 'text' && answer.reply.content, '鄂A12345 有 2 条违法');
  });

  it('asks for the inputs as before when the citizen bound nothing', async () => {
    const { say } = setup();
    assert.match((await say('查违法', 'o-unbound')).text, /需要：号牌号码、车辆识别代号后6位/);
  });

  it('keeps no bound value in the message log', async () => {
    const { say, store } = setup();
    await say('绑定 鄂A12345 4F2A91');
    await say('查违法');
    await say('解绑 1');
    const log = JSON.stringify(await store.log('messages').read());
    assert.equal(log.includes('鄂A12345'), false);
    assert.equal(log.includes('4F2A91'), false);
    assert.match(log, /"rule":"绑定"/);
    assert.match(log, /"rule":"解绑"/);
  });

  it('binds nothing from the console’s simulator', async () => {
    const { gateway, bindings } = setup();
    const result = await gateway.simulate(parseMessage(textXml('绑定 鄂A12345 4F2A91', 'o-sim')));
    assert.equal(result.reply.kind === 'text' && result.reply.content, '（模拟）将绑定机动车，需经核验。');
    assert.deepEqual(await listBindings(bindings, 'o-sim'), []);
  });

  it('leaves 绑定 to the keyword rules in a city that declares no bindings', async () => {
    const city = cityWithBindings();
    city.department('jiaojing').bindings = [];
    delete city.department('shebao').bindings;
    delete city.service('jiaojing/weifa').steps.query.binding;
    const { say } = setup(city.build());
    const answer = await say('绑定');
    assert.equal(answer.trace.answeredBy, 'human');
  });
});
