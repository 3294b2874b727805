import assert from 'node:assert/strict';
import { CityDraft, positionOf, withCode } from './city-draft.js';

const FILE = 'departments/jiaojing.json';

describe('form field patterns (FIELD_PATTERN_INVALID)', () => {
  let city: CityDraft;
  beforeEach(() => {
    city = CityDraft.fixture();
  });

  function withPattern(pattern: string): void {
    city.department('jiaojing').services[0].steps.processing.fields[0].pattern = pattern;
  }

  it('accepts a pattern the linear-time engine compiles', () => {
    withPattern('^[\\u4e00-\\u9fa5][A-Z][A-Z0-9]{5}$');
    assert.deepEqual(withCode(city.build(), 'FIELD_PATTERN_INVALID'), []);
  });

  it('reports an unclosed group as an error at the pattern, line:column and all', () => {
    withPattern('(');
    const [d, ...more] = withCode(city.build(), 'FIELD_PATTERN_INVALID');
    assert.deepEqual(more, []);
    assert.equal(d?.severity, 'error');
    assert.equal(d?.file, FILE);
    assert.equal(d?.pointer, '/services/0/steps/processing/fields/0/pattern');
    const text = city.textOf(FILE);
    assert.deepEqual({ line: d?.line, column: d?.column }, positionOf(text, '"("', text.indexOf('"pattern"')));
    assert.match(d!.message, /^字段“plate”的正则表达式无法使用：括号不配对/);
  });

  for (const pattern of ['(a)\\1', '(?=a)a', '(?<!x)y']) {
    it(`refuses ${pattern}, which needs a backtracking engine`, () => {
      withPattern(pattern);
      assert.equal(withCode(city.build(), 'FIELD_PATTERN_INVALID').length, 1);
    });
  }
});
