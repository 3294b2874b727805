import assert from 'node:assert/strict';
import { CityDraft, codesOf, positionOf, withCode, type Json } from './city-draft.js';
import { offsetOfPointer } from '../../server/builder/locate-pointer.js';

const FILE = 'departments/jiaojing.json';

describe('the work one file may cost (FILE_TOO_COMPLEX, FILE_TOO_DEEP)', () => {
  let city: CityDraft;
  beforeEach(() => {
    city = CityDraft.fixture();
  });
  const jiaojing = (): Json => city.department('jiaojing');

  it('refuses 20,000 copies of one hall with one error at /halls instead of checking each', () => {
    const hall = jiaojing().halls[0];
    jiaojing().halls = Array.from({ length: 20_000 }, () => hall);
    const build = city.build();
    assert.deepEqual(
      withCode(build, 'FILE_TOO_COMPLEX').map((d) => [d.file, d.pointer, d.message]),
      [[FILE, '/halls', '服务大厅最多 300 项，这里有 20000 项：请精简后再提交']],
    );
    assert.deepEqual(withCode(build, 'DUPLICATE_HALL_ID'), [], 'the expensive checks never ran');
    const text = city.textOf(FILE);
    const [d] = withCode(build, 'FILE_TOO_COMPLEX');
    assert.deepEqual({ line: d?.line, column: d?.column }, positionOf(text, '[', text.indexOf('"halls"')));
  });

  it('accepts 300 halls', () => {
    const hall = jiaojing().halls[0];
    jiaojing().halls = [...jiaojing().halls, ...Array.from({ length: 300 - jiaojing().halls.length }, (_, i) => ({ ...hall, id: `extra-${i}` }))];
    assert.deepEqual(withCode(city.build(), 'FILE_TOO_COMPLEX'), []);
  });

  it('refuses the same keyword an eleventh time in one file, pointing at it', () => {
    const services = jiaojing().services;
    const extra = Array.from({ length: 11 }, (_, i) => ({ ...services[0], id: `copy-${i}`, keywords: [{ text: i % 2 ? 'ZZ 测试' : 'zz测试', match: 'contains' }] }));
    jiaojing().services = [...services, ...extra];
    const [d, ...more] = withCode(city.build(), 'FILE_TOO_COMPLEX');
    assert.deepEqual(more, []);
    assert.equal(d?.pointer, `/services/${services.length + 10}/keywords/0/text`);
    assert.match(d!.message, /关键词“zz测试”在本文件中出现超过 10 次/);
  });

  it('refuses a service with 21 keywords', () => {
    jiaojing().services[0].keywords = Array.from({ length: 21 }, (_, i) => ({ text: `关键词${i}` }));
    assert.deepEqual(withCode(city.build(), 'FILE_TOO_COMPLEX').map((d) => d.pointer), ['/services/0/keywords']);
  });

  it('reports nesting 10,000 deep as an error naming the file and the place, and builds the rest', () => {
    const text = `{"id":"jiaojing","name":"x","halls":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    city.setText(FILE, text);
    const build = city.build();
    const [d] = withCode(build, 'FILE_TOO_DEEP');
    assert.deepEqual([d?.file, d?.line, d?.column], [FILE, 1, positionOf(text, '[').column + 31], 'the bracket that opens level 33');
    assert.match(d!.message, /嵌套层数超过 32 层/);
    assert.ok(!codesOf(build).includes('UNKNOWN_DEPARTMENT'), 'a file that could not be read is not "missing"');
  });

  it('ignores brackets inside strings when measuring depth', () => {
    jiaojing().services[0].summary = '['.repeat(100);
    assert.deepEqual(withCode(city.build(), 'FILE_TOO_DEEP'), []);
  });
});

describe('offsetOfPointer', () => {
  const text = '{"a": {"x]": "}\\"", "b": [1, {"c": [true, null]}]}, "a": {"b": [0, [], {"c": "here"}]}}';
  const cases: Array<[string, string[], string]> = [
    ['the root', [], '{"a"'],
    ['the last of a duplicated key, as JSON.parse reads it', ['a'], '{"b": [0'],
    ['an array element past nested values', ['a', 'b', '2', 'c'], '"here"'],
    ['the deepest existing parent of a missing pointer', ['a', 'b', '9'], '[0, []'],
  ];
  for (const [what, segments, expected] of cases) {
    it(`finds ${what}`, () => {
      assert.equal(text.slice(offsetOfPointer(text, segments)).slice(0, expected.length), expected);
    });
  }
});
