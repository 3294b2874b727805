// What citizens type instead of tapping: the number of an item of the list just sent, the name of
// a menu button; and the location answers that must not mislead (far away) or stay silent (button).
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import type { AccountBuild } from '../../server/builder/types.js';
import { projectRoot } from '../../server/config.js';
import { parseXmlObject } from '../../server/wechat/xml.js';
import { createHarness, eventXml, textXml, type Harness } from './harness.js';

const WEDNESDAY_10 = new Date('2026-11-25T10:00:00+08:00');

async function reply(h: Harness, xml: string) {
  const res = await h.post(xml).expect(200);
  return res.text === 'success' ? undefined : parseXmlObject(res.text);
}
const content = async (h: Harness, xml: string) => String((await reply(h, xml))?.Content ?? '');
const firstTitle = async (h: Harness, xml: string) => {
  const item = ((await reply(h, xml))?.Articles as { item: { Title: string } | Array<{ Title: string }> } | undefined)?.item;
  return Array.isArray(item) ? item[0]?.Title : item?.Title;
};
const locationXml = (from: string, lat: number, lng: number, msgId: string) =>
  `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[location]]></MsgType><Location_X>${lat}</Location_X><Location_Y>${lng}</Location_Y><Scale>15</Scale><Label><![CDATA[x]]></Label><MsgId>${msgId}</MsgId></xml>`;
const selectXml = (from: string, lat: number, lng: number) =>
  eventXml('location_select', 'loc:nearby', from, `<SendLocationInfo><Location_X><![CDATA[${lat}]]></Location_X><Location_Y><![CDATA[${lng}]]></Location_Y><Scale><![CDATA[15]]></Scale><Label><![CDATA[x]]></Label><Poiname><![CDATA[]]></Poiname></SendLocationInfo>`);

describe('chat shortcuts', () => {
  let h: Harness;
  beforeEach(() => (h = createHarness({ now: () => WEDNESDAY_10 })));

  describe('replying with a number', () => {
    it('picks the topic of that number after the topic list', async () => {
      assert.match(await content(h, textXml('帮助', 'o-num')), /2\. 社保就业/);
      assert.match(await content(h, textXml('2', 'o-num')), /^社保就业（牵头部门：市人社局）\n1\. <a href="https:\/\/gov\.example\.cn\/s\/renshe\/shebaoka-buban">/);
      // The topic's own list is now the last one: "1" is its first service.
      assert.equal(await firstTitle(h, textXml('1', 'o-num')), '社保卡补办');
    });

    it('accepts a full-width number and answers a number past the end of the list with its range', async () => {
      await content(h, textXml('帮助', 'o-wide'));
      assert.match(await content(h, textXml('１', 'o-wide')), /^出行/);
      assert.equal(await content(h, textXml('9', 'o-wide')), '请回复 1～3 之间的序号。');
    });

    it('picks a hall after the nearby list', async () => {
      await content(h, locationXml('o-hall', 23.134521, 113.358803, '9100000000000001'));
      const text = await content(h, textXml('1', 'o-hall'));
      assert.match(text, /^天河车管所（市公安局交警支队）\n地址：/);
      assert.match(text, /今天：/);
    });

    it('leaves a number sent without a list to the human desk', async () => {
      assert.match(await content(h, textXml('2', 'o-nolist')), /人工客服/);
    });
  });

  describe('a menu name sent as text (sample city)', () => {
    let build: AccountBuild;
    before(async function () {
      this.timeout(30_000);
      build = buildAccount(await loadCityFromDir(path.join(projectRoot, 'topics')), { publicBaseUrl: 'https://gov.example.cn' });
    });

    it('lists a menu group’s buttons, and a number then answers like tapping one', async () => {
      const s = createHarness({ build, now: () => WEDNESDAY_10 });
      const group = await content(s, textXml('综合服务', 'o-menu'));
      assert.match(group, /^“综合服务”菜单包括：\n1\. 证照办理\n2\. 住房\n3\. 办税\n4\. 城市管理\n5\. 附近大厅/);
      assert.match(await content(s, textXml('1', 'o-menu')), /^证照办理/);
    });

    it('answers a view button’s name with its service and the nearby button’s name by asking for the location', async () => {
      const s = createHarness({ build, now: () => WEDNESDAY_10 });
      assert.equal(await firstTitle(s, textXml('违法查询', 'o-menu2')), build.services.find((x) => x.ref === 'jiaojing/weifa-chaxun')!.name);
      assert.match(await content(s, textXml('附近大厅', 'o-menu2')), /发送您所在的位置/);
    });
  });

  describe('locations', () => {
    it('says a location far outside the city is outside it instead of listing halls', async () => {
      const text = await content(h, locationXml('o-far', 39.9042, 116.4074, '9100000000000002')); // Beijing, ~1,900 km away
      assert.match(text, /不在本市范围内/);
      assert.match(text, /约 1\d{3}\.\d 公里/);
      assert.doesNotMatch(text, /离您最近的办事大厅/);
    });

    it('answers the 附近大厅 button even when the same location was sent moments earlier', async () => {
      assert.match(await content(h, locationXml('o-twice', 23.134521, 113.358803, '9100000000000003')), /天河车管所/);
      assert.match(await content(h, selectXml('o-twice', 23.134521, 113.358803)), /天河车管所/);
      // WeChat's own echo of the button, the location message at the same point, stays silent.
      assert.equal(await reply(h, locationXml('o-twice', 23.134521, 113.358803, '9100000000000004')), undefined);
    });
  });
});
