// What each kind of push is answered with, through the real HTTP router (plain mode).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { DeskTicket } from '../../server/desk/desk-handoff.js';
import type { HallClosure } from '../../server/loop/index.js';
import { parseMessage, parseXmlObject } from '../../server/wechat/xml.js';
import { makeBuild } from './build-fixture.js';
import { gatewayFor } from './gateway-helpers.js';
import { createHarness, eventXml, textXml, type Harness } from './harness.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/messages/${name}.xml`, import.meta.url), 'utf8');
const WEDNESDAY_10 = new Date('2026-11-25T10:00:00+08:00');
const FRIDAY_18 = new Date('2026-11-27T18:00:00+08:00');

async function reply(h: Harness, xml: string) {
  const res = await h.post(xml).expect(200);
  return res.text === 'success' ? undefined : parseXmlObject(res.text);
}
type Articles = { item: Array<{ Title: string; Url: string; Description: string }> | { Title: string; Url: string; Description: string } };
const items = (r: Record<string, unknown> | undefined) => {
  const list = (r?.Articles as Articles | undefined)?.item;
  return Array.isArray(list) ? list : list ? [list] : [];
};

describe('gateway routing', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness({ now: () => WEDNESDAY_10 });
  });

  describe('keywords', () => {
    it('answers a service keyword with one news article linking to the service page', async () => {
      const r = await reply(h, textXml('我想查违章'));
      assert.equal(r?.MsgType, 'news');
      assert.equal(r?.ArticleCount, '1');
      assert.deepEqual(items(r).map((a) => [a.Title, a.Url]), [['交通违章查询', 'https://gov.example.cn/s/jiaojing/weizhang-chaxun']]);
    });

    it('answers full-width, spaced input like its normalised form', async () => {
      const r = await reply(h, textXml('ＥＴＣ　办理'));
      assert.equal(items(r)[0]?.Title, 'ETC 办理');
    });

    it('lets an exact keyword beat a contains keyword', async () => {
      const { gateway } = gatewayFor(makeBuild());
      const result = await gateway.simulate(parseMessage(textXml('违章查询')));
      assert.equal(result.trace.rule, '违章查询');
      assert.match(result.trace.reason, /完全匹配/);
    });

    it('answers a topic keyword with the topic services as links', async () => {
      const r = await reply(h, textXml('社保怎么交'));
      assert.equal(r?.MsgType, 'text');
      assert.match(String(r?.Content), /社保就业（牵头部门：市人社局）/);
      assert.match(String(r?.Content), /<a href="https:\/\/gov\.example\.cn\/s\/renshe\/shebaoka-buban">社保卡补办<\/a>/);
    });

    it('prefers the longer keyword of the same priority', async () => {
      const r = await reply(h, textXml('社保卡补办要带什么'));
      assert.equal(items(r)[0]?.Title, '社保卡补办');
    });

    it('answers a disambiguation keyword with each department’s service', async () => {
      const r = await reply(h, textXml('补办'));
      const content = String(r?.Content);
      assert.match(content, /“补办”涉及多个部门的服务，请点击要办理的事项，或回复序号：\n1\. <a href="https:/);
      assert.match(content, /社保卡补办<\/a>（市人社局）/);
      assert.match(content, /驾驶证换证<\/a>（市公安局交警支队）/);
      assert.equal(items(await reply(h, textXml('2')))[0]?.Title, '驾驶证换证');
    });

    it('answers help words with the topic list', async () => {
      for (const word of ['帮助', '菜单', '?', '？']) {
        assert.match(String((await reply(h, textXml(word)))?.Content), /1\. 出行：违章、驾驶证、ETC\n2\. 社保就业/);
      }
    });

    it('treats recognised voice as text', async () => {
      const voice = fixture('voice').replace('</xml>', '<Recognition><![CDATA[违章查询。]]></Recognition></xml>');
      assert.equal(items(await reply(h, voice))[0]?.Title, '交通违章查询');
    });

    it('escapes department text so it cannot add links or break the reply', async () => {
      const build = makeBuild();
      build.services[0]!.name = '违章<a href="javascript:alert(1)">点我</a>]]>';
      build.topics[0]!.name = '出行 <b>';
      const hx = createHarness({ build, now: () => WEDNESDAY_10 });
      const r = await reply(hx, eventXml('CLICK', 'topic:chuxing'));
      assert.equal(items(r)[0]?.Title, '违章<a href="javascript:alert(1)">点我</a>]]>'); // news: CDATA keeps it inert
      build.topics[0]!.services = Array(9).fill('jiaojing/weizhang-chaxun'); // too many for news: a text list
      const hy = createHarness({ build, now: () => WEDNESDAY_10 });
      const text = String((await reply(hy, eventXml('CLICK', 'topic:chuxing')))?.Content);
      assert.ok(!text.includes('<a href="javascript'), text);
      assert.match(text, /违章＜a href="javascript:alert\(1\)"＞点我＜\/a＞\]\]＞<\/a>/);
      assert.match(text, /出行 ＜b＞/);
    });

    it('percent-encodes quotes in a link and drops non-http links', async () => {
      const build = makeBuild();
      build.services[3]!.url = 'https://gov.example.cn/s/x" onclick="steal()';
      build.services[4]!.url = 'javascript:alert(1)';
      const hx = createHarness({ build, now: () => WEDNESDAY_10 });
      const text = String((await reply(hx, textXml('社保')))?.Content);
      assert.match(text, /<a href="https:\/\/gov\.example\.cn\/s\/x%22%20onclick=%22steal\(\)">社保卡补办<\/a>/);
      assert.match(text, /<a href="#">社保缴费查询<\/a>/);
    });
  });

  describe('menu', () => {
    it('answers a topic click with up to eight news articles', async () => {
      const r = await reply(h, eventXml('CLICK', 'topic:chuxing'));
      assert.equal(r?.ArticleCount, '3');
      assert.deepEqual(items(r).map((a) => a.Title), ['交通违章查询', '驾驶证换证', 'ETC 办理']);
    });

    it('answers a service click with its card and a more click with the remaining services', async () => {
      assert.equal(items(await reply(h, eventXml('CLICK', 'svc:jiaojing/weizhang-chaxun')))[0]?.Title, '交通违章查询');
      assert.deepEqual(items(await reply(h, eventXml('CLICK', 'more:shebao'))).map((a) => a.Title), ['社保缴费查询']);
    });

    it('answers an unknown (stale) key with the topic list and a view click with success', async () => {
      assert.match(String((await reply(h, eventXml('CLICK', 'topic:gone')))?.Content), /可办理的服务主题/);
      assert.equal(await reply(h, eventXml('VIEW', 'https://gov.example.cn/s/x/y')), undefined);
    });

    it('welcomes a new follower with the topic list', async () => {
      assert.match(String((await reply(h, eventXml('subscribe', 'qrscene_hall-1')))?.Content), /^欢迎关注示例市政务服务！\n\n我们可以为您办理：\n1\. 出行/);
    });
  });

  describe('location', () => {
    it('lists the nearest halls first with distance and whether they are open now', async () => {
      const content = String((await reply(h, fixture('location')))?.Content);
      const order = ['天河车管所', '市民服务中心', '白云车管所'].map((n) => content.indexOf(n));
      assert.deepEqual([...order].sort((a, b) => a - b), order);
      assert.ok(order.every((i) => i >= 0));
      assert.match(content, /1\. 天河车管所（市公安局交警支队）\n距离约 (3|4)\d0 米，正在办公/);
      assert.match(content, /2\. 市民服务中心（市人社局）\n距离约 2\.\d 公里，现在不在办公时间/); // closed that day
      assert.match(content, /电话：020-87654321/);
    });

    it('calls a hall closed at short notice today 临时闭厅 with the reason, in the list and when picked by number', async () => {
      await h.store.collection<HallClosure>('hallClosures').put({ id: 'c1', hall: 'jiaojing/tianhe', department: 'jiaojing', date: '2026-11-25', reason: '系统升级', by: 'staff', at: WEDNESDAY_10.toISOString(), affected: [] });
      const content = String((await reply(h, fixture('location')))?.Content);
      assert.match(content, /1\. 天河车管所（市公安局交警支队）\n距离约 (3|4)\d0 米，临时闭厅（全天）：系统升级/);
      assert.doesNotMatch(content, /天河车管所[^\n]*\n[^\n]*正在办公/);
      const picked = String((await reply(h, textXml('1', 'fromUser')))?.Content);
      assert.match(picked, /^天河车管所/);
      assert.match(picked, /今天：[^，]+，临时闭厅（全天）：系统升级/);
    });

    it('stores a LOCATION event silently and uses it for the nearby menu button', async () => {
      assert.equal(await reply(h, fixture('location-event').replace('fromUser', 'o-citizen-1')), undefined);
      const stored = await h.store.collection<{ id: string; lat: number }>('citizenLocations').get('o-citizen-1');
      assert.equal(stored?.lat, 23.137466);
      assert.match(String((await reply(h, eventXml('CLICK', 'loc:nearby')))?.Content), /^离您最近的办事大厅：\n1\. 天河车管所/);
      assert.match(String((await reply(h, eventXml('CLICK', 'loc:nearby', 'o-nowhere')))?.Content), /发送您所在的位置/);
    });

    it('forgets the stored location when the citizen unfollows', async () => {
      await reply(h, fixture('location-event').replace('fromUser', 'o-leaving'));
      await reply(h, eventXml('unsubscribe', undefined, 'o-leaving'));
      assert.equal(await h.store.collection('citizenLocations').get('o-leaving'), undefined);
    });

    it('does not answer twice when a location message follows a location_select at the same place', async () => {
      const loc = '<SendLocationInfo><Location_X><![CDATA[23.134521]]></Location_X><Location_Y><![CDATA[113.358803]]></Location_Y><Scale><![CDATA[15]]></Scale><Label><![CDATA[x]]></Label><Poiname><![CDATA[]]></Poiname></SendLocationInfo>';
      assert.match(String((await reply(h, eventXml('location_select', 'loc:nearby', 'fromUser', loc)))?.Content), /天河车管所/);
      assert.equal(await reply(h, fixture('location')), undefined);
    });
  });

  describe('human desk hand-off', () => {
    it('stores an open ticket with the guessed department and says when a person answers today', async () => {
      const r = await reply(h, textXml('我的驾照扣分了怎么处理', 'o-citizen-9'));
      assert.match(String(r?.Content), /^已转人工客服，工作人员将于今天 12:00 前回复您。\n如有急事，请拨打 12345。$/);
      const tickets = await h.store.collection<DeskTicket>('deskTickets').list();
      assert.equal(tickets.length, 1);
      assert.deepEqual(
        { openid: tickets[0]!.openid, text: tickets[0]!.text, status: tickets[0]!.status, department: tickets[0]!.department, topic: tickets[0]!.topic, createdAt: tickets[0]!.createdAt },
        { openid: 'o-citizen-9', text: '我的驾照扣分了怎么处理', status: 'open', department: undefined, topic: undefined, createdAt: WEDNESDAY_10.toISOString() },
      );
      await reply(h, textXml('驾驶员体检在哪做', 'o-citizen-10'));
      const guessed = (await h.store.collection<DeskTicket>('deskTickets').list()).find((t) => t.text.startsWith('驾驶员'));
      assert.equal(guessed?.department, 'jiaojing');
      assert.equal(guessed?.topic, 'chuxing');
    });

    it('on a Friday evening promises Monday morning', async () => {
      const hf = createHarness({ now: () => FRIDAY_18 });
      assert.match(String((await reply(hf, textXml('路灯坏了')))?.Content), /工作人员将于11月30日（周一）09:00 起回复您/);
    });

    it('hands images, videos and links to the desk too', async () => {
      for (const name of ['image', 'video', 'link']) await reply(h, fixture(name));
      // One sender: one conversation holding all three.
      const texts = (await h.store.collection<DeskTicket>('deskTickets').list()).flatMap((t) => [t.text, ...(t.messages ?? []).map((m) => m.text)]).sort();
      assert.deepEqual(texts, ['[图片] this is a url', '[视频]', '[链接] 公众平台官网链接 url']);
    });
  });
});
