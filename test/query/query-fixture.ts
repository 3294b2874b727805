// The city-min fixture with a plate-tail restriction query (a table) added to 交警: each query
// test starts from it and changes one thing.
import { CityDraft, type Json } from '../builder/city-draft.js';

export const RESTRICTION_CSV = ['day,tail,hours', 'mon,1,7:00—9:00', 'mon,6,7:00—9:00', 'tue,2,7:00—9:00', 'tue,7,7:00—9:00', 'wed,3,7:00—9:00', 'wed,8,7:00—9:00', 'makeup,5,7:00—9:00'].join('\n');

export function restrictionQuery(): Json {
  return {
    inputs: [
      { name: 'plateTail', label: '车牌尾号', type: 'text', pattern: '^[0-9]$', patternMessage: '请发送车牌最后一位数字' },
      { name: 'date', label: '日期', type: 'date' },
    ],
    chat: { patterns: ['^限行 ?(?<plateTail>[0-9])$', '^(?<date>今天|明天)限行'], example: '限行 3' },
    source: {
      table: { file: 'data/jiaojing/xianxing.csv', keys: [{ column: 'day', fromDate: true }, { column: 'tail', input: 'plateTail' }], date: { input: 'date' } },
    },
    reply: {
      found: '{{#if plateTail}}尾号{{plateTail}}{{dateText}}限行 {{row.hours}}{{else}}{{dateText}}限行尾号{{#each rows}} {{tail}}{{/each}}{{/if}}',
      notFound: '{{#if plateTail}}尾号{{plateTail}}{{/if}}{{dateText}}不限行{{#if (eq day "holiday")}}（节假日）{{/if}}',
    },
  };
}

export function cityWithRestriction(): CityDraft {
  const city = CityDraft.fixture();
  city.department('jiaojing').services.push({
    id: 'xianxing',
    name: '尾号限行查询',
    summary: '发送车牌尾号查询限行。',
    keywords: [{ text: '限行' }],
    steps: { query: restrictionQuery() },
  });
  city.setText('data/jiaojing/xianxing.csv', RESTRICTION_CSV);
  return city;
}

/** Wednesday 2026-11-25 10:00 in the city. */
export const WEDNESDAY = new Date('2026-11-25T10:00:00+08:00');
