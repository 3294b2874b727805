// Canned replies (固定答复) and menu extras: built with WeChat's limits and the platform's link
// hosts, matched with the same keyword rules as services, answered by the gateway.
import assert from 'node:assert/strict';
import { parseMessage } from '../../server/wechat/xml.js';
import { CityDraft, withCode, type Json } from '../builder/city-draft.js';
import { gatewayFor } from '../gateway/gateway-helpers.js';
import { eventXml, textXml } from '../gateway/harness.js';

const PHONE = { id: 'fenju-dianhua', name: '社保分局电话', keywords: [{ text: '社保分局电话', match: 'contains' }], text: '您好，社保分局电话是83106399' };

describe('canned answers', () => {
  let city: CityDraft;
  beforeEach(() => {
    city = CityDraft.fixture();
    city.department('shebao').answers = [structuredClone(PHONE)];
  });

  it('answers a keyword with the department text, tracing whose answer it was', async () => {
    const { gateway } = gatewayFor(city.build());
    const result = await gateway.simulate(parseMessage(textXml('社保分局电话多少？')));
    assert.deepEqual(result.reply, { kind: 'text', content: '您好，社保分局电话是83106399' });
    assert.equal(result.trace.department, 'shebao');
    assert.match(result.trace.reason, /固定答复“社保分局电话”/);
  });

  it('reports a keyword conflict between an answer and another department’s service', () => {
    city.department('shebao').answers[0].keywords = [{ text: '违章', match: 'contains' }];
    const conflicts = withCode(city.build(), 'KEYWORD_CONFLICT');
    assert.ok(conflicts.some((d) => d.file === 'departments/shebao.json' && d.pointer === '/answers/0/keywords/0'));
    assert.ok(conflicts.some((d) => d.file === 'departments/jiaojing.json' && /固定答复“社保分局电话”/.test(d.message)));
  });

  it('lists a canned answer beside the services when the platform disambiguates a shared keyword, and answers its number', async () => {
    city.department('shebao').answers[0].keywords = [{ text: '违章', match: 'exact' }];
    city.account.keywordResolutions = [{ keyword: '违章', strategy: 'disambiguate' }];
    const build = city.build();
    assert.deepEqual(withCode(build, 'KEYWORD_CONFLICT'), []);
    const { gateway } = gatewayFor(build);
    const list = await gateway.handle(parseMessage(textXml('违章', 'o-citizen-9')));
    assert.equal(list.reply.kind, 'text');
    const content = list.reply.kind === 'text' ? list.reply.content : '';
    const line = content.split('\n').find((l) => l.includes('社保分局电话'));
    assert.ok(line, content);
    assert.doesNotMatch(line, /<a /); // an answer has no page to link to
    const n = line.split('.')[0]!;
    const picked = await gateway.handle(parseMessage(textXml(n, 'o-citizen-9')));
    assert.deepEqual(picked.reply, { kind: 'text', content: '您好，社保分局电话是83106399' });
    assert.match(picked.trace.reason, /固定答复“社保分局电话”/);
  });

  it('refuses a text reply over WeChat’s 2048 bytes', () => {
    city.department('shebao').answers[0].text = '电'.repeat(683);
    const [d] = withCode(city.build(), 'ANSWER_TEXT_TOO_LONG');
    assert.equal(d?.pointer, '/answers/0/text');
    assert.match(d!.message, /2049 字节/);
  });

  it('needs exactly one of text and news', () => {
    city.department('shebao').answers[0].news = { title: '电话', description: '社保分局电话' };
    assert.equal(withCode(city.build(), 'ANSWER_REPLY_INVALID').length, 1);
  });

  it('refuses a news link to a host the platform has not allowed, and accepts an allowed one', () => {
    const answer: Json = city.department('shebao').answers[0];
    delete answer.text;
    answer.news = { title: '社保分局', description: '地址和电话', url: 'https://evil.example.com/x' };
    assert.match(withCode(city.build(), 'LINK_HOST_NOT_ALLOWED')[0]!.message, /evil\.example\.com/);
    city.account.linkHosts = ['evil.example.com'];
    const build = city.build();
    assert.deepEqual(withCode(build, 'LINK_HOST_NOT_ALLOWED'), []);
    assert.equal(build.answers?.[0]?.reply.kind, 'news');
  });

  it('resolves a news path on the account’s own site under the public base URL', () => {
    const answer: Json = city.department('shebao').answers[0];
    delete answer.text;
    answer.news = { title: '社保分局', description: '地址和电话', url: '/s/shebao/shebaoka-buban' };
    const reply = city.build().answers?.[0]?.reply;
    assert.equal(reply?.kind === 'news' && reply.url, 'https://gov.example.cn/s/shebao/shebaoka-buban');
  });

  it('reports two answers with one id', () => {
    city.department('shebao').answers.push(structuredClone(PHONE));
    assert.equal(withCode(city.build(), 'DUPLICATE_ANSWER_ID')[0]?.pointer, '/answers/1/id');
  });
});

describe('menu extras', () => {
  let city: CityDraft;
  beforeEach(() => {
    city = CityDraft.fixture();
    city.department('shebao').answers = [structuredClone(PHONE)];
    city.account.linkHosts = ['www.12306.cn'];
    city.account.menu.buttons[1].extras = [
      { name: '分局电话', answer: 'shebao/fenju-dianhua' },
      { name: '火车票', url: 'https://www.12306.cn/' },
    ];
  });

  it('adds a click button for an answer and a view button for an allowed link to the slot', () => {
    const build = city.build();
    assert.deepEqual(withCode(build, 'LINK_HOST_NOT_ALLOWED'), []);
    const subs = (build.menu.button[1] as { sub_button: Json[] }).sub_button;
    assert.deepEqual(subs.slice(-2), [
      { type: 'click', name: '分局电话', key: 'ans:shebao/fenju-dianhua' },
      { type: 'view', name: '火车票', url: 'https://www.12306.cn/' },
    ]);
    assert.deepEqual(build.menuKeys['ans:shebao/fenju-dianhua'], { kind: 'answer', answer: 'shebao/fenju-dianhua' });
  });

  it('answers the click with the canned reply', async () => {
    const { gateway } = gatewayFor(city.build());
    const result = await gateway.simulate(parseMessage(eventXml('CLICK', 'ans:shebao/fenju-dianhua')));
    assert.deepEqual(result.reply, { kind: 'text', content: PHONE.text });
    assert.equal(result.trace.answeredBy, 'menu');
  });

  it('refuses a link whose host is not in linkHosts', () => {
    city.account.menu.buttons[1].extras[1].url = 'https://kyfw.12306.cn.evil.cn/';
    const [d] = withCode(city.build(), 'LINK_HOST_NOT_ALLOWED');
    assert.deepEqual([d?.file, d?.pointer], ['account.json', '/menu/buttons/1/extras/1/url']);
  });

  it('reports an extra naming an unknown answer', () => {
    city.account.menu.buttons[1].extras[0].answer = 'shebao/nope';
    assert.equal(withCode(city.build(), 'UNKNOWN_ANSWER')[0]?.pointer, '/menu/buttons/1/extras/0/answer');
  });

  it('counts extras toward WeChat’s five sub-buttons', () => {
    city.account.menu.buttons[1].extras.push(...Array.from({ length: 3 }, (_, i) => ({ name: `链接${i}`, url: 'https://www.12306.cn/' })));
    assert.equal(withCode(city.build(), 'MENU_TOO_MANY_SUB_BUTTONS').length, 1);
  });
});
