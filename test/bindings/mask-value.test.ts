// What staff see of a bound value, table-driven.
import assert from 'node:assert/strict';
import { maskValue } from '../../server/bindings/index.js';

describe('maskValue', () => {
  const cases: [Parameters<typeof maskValue>[0], string, string][] = [
    [{ type: 'idcard' }, '420102199003071232', '420102********1232'],
    [{ type: 'text' }, '鄂A12345', '鄂A1***5'],
    [{ type: 'text' }, '鄂AD23456', '鄂AD****6'],
    [{ type: 'text' }, '4F2A91', '4F**91'],
    [{ type: 'text' }, '张三', '张*'],
    [{ type: 'text' }, '欧阳娜娜', '欧**娜'],
    [{ type: 'phone' }, '13800138000', '138****8000'],
    [{ type: 'text' }, 'X', '*'],
    [{ type: 'select', options: [{ value: '02', label: '小型汽车' }] }, '02', '小型汽车'],
  ];
  for (const [field, value, masked] of cases) {
    it(`shows ${value} as ${masked}`, () => assert.equal(maskValue(field, value), masked));
  }
});
