import assert from 'node:assert/strict';
import { compilePattern, PatternError, type CompiledPattern } from '../../server/patterns/index.js';

function compiled(source: string): CompiledPattern {
  const p = compilePattern(source);
  if (p instanceof PatternError) throw new Error(`expected ${source} to compile: ${p.message}`);
  return p;
}

describe('compilePattern', () => {
  it('answers the catastrophic-backtracking pattern ^(\\w+\\s?)*$ on a 40-character input correctly', () => {
    const p = compiled('^(\\w+\\s?)*$');
    assert.equal(p.test(`${'a'.repeat(40)}!`), false);
    assert.equal(p.test('ab cd ef'), true);
  });

  it('takes JavaScript syntax: \\d, \\u escapes and character classes', () => {
    assert.equal(compiled('^[\\u4e00-\\u9fa5]{2,4}$').test('张三'), true);
    assert.equal(compiled('^[\\u4e00-\\u9fa5]{2,4}$').test('Zhang'), false);
    assert.equal(compiled('^粤[A-Z][A-Z0-9]{5}$').test('粤B12345'), true);
  });

  it('returns named groups from exec, undefined for a group that did not take part', () => {
    const m = compiled('(?<year>\\d{4})-(?<month>\\d{2})(?<rest>-x)?').exec('于 2026-05 办理');
    assert.deepEqual(m, { index: 2, text: '2026-05', groups: { year: '2026', month: '05', rest: undefined } });
    assert.equal(compiled('(?<n>\\d+)').exec('无数字'), null);
  });

  const refused: Array<[string, string, RegExp]> = [
    ['an unclosed group', '(', /括号不配对/],
    ['a backreference', '(a)\\1', /不支持反向引用/],
    ['a lookahead', '(?=a)a', /不支持前瞻\/后顾断言/],
    ['a lookbehind', '(?<!a)b', /不支持前瞻\/后顾断言/],
    ['an unclosed class', '[a', /方括号不配对/],
    ['a repeat count over 1000', 'a{1001}', /重复次数/],
    ['a pattern of 1001 characters', 'a'.repeat(1001), /过长/],
  ];
  for (const [what, source, message] of refused) {
    it(`refuses ${what} with a Chinese reason`, () => {
      const p = compilePattern(source);
      assert.ok(p instanceof PatternError);
      assert.match(p.message, message);
      assert.equal(p.code, 'PATTERN_INVALID');
    });
  }
});
