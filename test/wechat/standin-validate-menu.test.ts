import assert from 'node:assert/strict';
import { validateStandinMenu } from '../../server/wechat/standin/validate-menu.js';

const click = (name: string, key = 'k') => ({ type: 'click', name, key });
const sub = (...subs: unknown[]) => ({ button: [{ name: '服务', sub_button: subs }] });

describe('validateStandinMenu', () => {
  it('accepts WeChat’s official sample menu', () => {
    const sample = {
      button: [
        click('今日歌曲', 'V1001_TODAY_MUSIC'),
        click('歌手简介', 'V1001_TODAY_SINGER'),
        { name: '菜单', sub_button: [{ type: 'view', name: '搜索', url: 'http://www.soso.com/' }, click('赞一下我们', 'V1001_GOOD')] },
      ],
    };
    assert.equal(validateStandinMenu(sample), null);
  });

  it('accepts a 16-byte top-level name and a 60-byte sub name', () => {
    assert.equal(validateStandinMenu({ button: [click('一二三四五a')] }), null); // 15 + 1 bytes
    assert.equal(validateStandinMenu(sub(click('一'.repeat(20)))), null); // 60 bytes
  });

  const refused: Array<[string, unknown, number]> = [
    ['no buttons', { button: [] }, 40016],
    ['four buttons', { button: [click('a'), click('b'), click('c'), click('d')] }, 40016],
    ['no button array', { menu: [] }, 47001],
    ['a 17-byte top-level name', { button: [click('一二三四五ab')] }, 40018],
    ['an empty name', { button: [click('')] }, 40018],
    ['a missing type', { button: [{ name: '出行', key: 'k' }] }, 40017],
    ['an unknown type', { button: [{ type: 'phone', name: '出行', key: 'k' }] }, 40017],
    ['a click without key', { button: [{ type: 'click', name: '出行' }] }, 40017],
    ['a 129-byte key', { button: [click('出行', 'k'.repeat(129))] }, 40019],
    ['a 1025-byte url', { button: [{ type: 'view', name: '出行', url: `https://a.cn/${'x'.repeat(1012)}` }] }, 40020],
    ['a url without scheme', { button: [{ type: 'view', name: '出行', url: 'city.example/x' }] }, 40055],
    ['six sub-buttons', sub(...Array.from({ length: 6 }, (_, i) => click(`s${i}`))), 40023],
    ['an empty sub-button list', { button: [{ name: '服务', sub_button: [] }] }, 40023],
    ['a 61-byte sub name', sub(click(`${'一'.repeat(20)}a`)), 40025],
    ['a sub-button without type', sub({ name: '办事', key: 'k' }), 40024],
    ['a 129-byte sub key', sub(click('办事', 'k'.repeat(129))), 40026],
    ['a 1025-byte sub url', sub({ type: 'view', name: '办事', url: `https://a.cn/${'x'.repeat(1012)}` }), 40027],
    ['a third menu level', sub({ name: '办事', sub_button: [click('x')] }), 40022],
  ];
  for (const [what, body, errcode] of refused) {
    it(`refuses ${what} with ${errcode}`, () => {
      assert.equal(validateStandinMenu(body)?.errcode, errcode);
    });
  }
});
