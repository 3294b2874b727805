import assert from 'node:assert/strict';
import { CityDraft, withCode, type Json } from './city-draft.js';
import { PLATFORM_OWNER } from '../../server/builder/compile-keywords.js';
import { capturersOf, indexClaims } from '../../server/builder/find-keyword-conflicts.js';
import type { KeywordClaim } from '../../server/builder/keyword-claims.js';

// Two services of different departments (A: 社保中心, B: 就业中心) and one more of A's department.
const A = 'shebao/yanglao-chaxun';
const B = 'jiuye/shiye-dengji';
const A2 = 'shebao/shebaoka-buban';
const A_FILE = 'departments/shebao.json';
const B_FILE = 'departments/jiuye.json';

interface Case {
  name: string;
  a: Json[];
  b?: Json[];
  a2?: Json[];
  resolutions?: Json[];
  errors: number;
  /** Code of the errors (KEYWORD_CONFLICT unless said). */
  code?: string;
  warnings?: string[];
}

describe('keyword conflicts', () => {
  let city: CityDraft;
  beforeEach(() => {
    city = CityDraft.fixture();
  });

  function run(c: Omit<Case, 'name' | 'errors'>) {
    city.service(A).keywords = c.a;
    city.service(B).keywords = c.b ?? [];
    city.service(A2).keywords = c.a2 ?? [];
    // The fixture's topic keyword 社保就业 would join every 社保 case; these cases are about services.
    city.topic('shebao-jiuye').keywords = [];
    if (c.resolutions) city.account.keywordResolutions = c.resolutions;
    return city.build();
  }

  const cases: Case[] = [
    { name: 'the same exact keyword in two departments', a: [{ text: '社保' }], b: [{ text: '社保' }], errors: 2 },
    { name: 'the same contains keyword in two departments', a: [{ text: '社保', match: 'contains' }], b: [{ text: '社保', match: 'contains' }], errors: 2 },
    { name: 'an exact keyword captured by a contains keyword', a: [{ text: '社保', match: 'contains' }], b: [{ text: '社保卡补办' }], errors: 2 },
    { name: 'a contains keyword shadowing a longer one', a: [{ text: '社保', match: 'contains' }], b: [{ text: '社保卡', match: 'contains' }], errors: 2 },
    { name: 'two different exact keywords', a: [{ text: '社保' }], b: [{ text: '社保卡' }], errors: 0 },
    { name: 'a longer contains keyword against a shorter exact one', a: [{ text: '社保' }], b: [{ text: '社保卡', match: 'contains' }], errors: 0 },
    {
      name: 'different priorities across departments, approved by the platform, the specific keyword winning',
      a: [{ text: '社保', match: 'contains' }],
      b: [{ text: '社保卡补办', priority: 10 }],
      resolutions: [{ keyword: '社保卡补办', strategy: 'priority' }],
      errors: 0,
    },
    {
      name: 'different priorities across departments, approved, the capturing keyword winning',
      a: [{ text: '社保', match: 'contains', priority: 10 }],
      b: [{ text: '社保卡补办' }],
      resolutions: [{ keyword: '社保', strategy: 'priority' }],
      errors: 0,
      warnings: ['KEYWORD_UNREACHABLE'],
    },
    {
      name: 'a priority that takes another department\'s keyword without the platform\'s approval',
      a: [{ text: '社保', match: 'contains' }],
      b: [{ text: '社保卡补办', priority: 99 }],
      errors: 1,
      code: 'KEYWORD_PRIORITY_UNAPPROVED',
    },
    {
      name: 'an approval for the losing side, not the winner',
      a: [{ text: '社保', match: 'contains' }],
      b: [{ text: '社保卡补办', priority: 99 }],
      resolutions: [{ keyword: '社保', strategy: 'priority' }],
      errors: 1,
      code: 'KEYWORD_PRIORITY_UNAPPROVED',
      warnings: ['KEYWORD_RESOLUTION_UNUSED'],
    },
    { name: 'different priorities inside one department', a: [{ text: '社保', match: 'contains' }], a2: [{ text: '社保卡补办', priority: 10 }], errors: 0 },
    { name: 'a disambiguate resolution', a: [{ text: '社保' }], b: [{ text: '社保' }], resolutions: [{ keyword: '社保', strategy: 'disambiguate' }], errors: 0 },
    { name: 'a prefer resolution', a: [{ text: '社保' }], b: [{ text: '社保' }], resolutions: [{ keyword: '社保', strategy: 'prefer', prefer: B }], errors: 0 },
    { name: 'the same keyword twice in one department', a: [{ text: '社保' }], a2: [{ text: '社保' }], errors: 0, warnings: ['KEYWORD_DUPLICATE'] },
    { name: 'a contains keyword capturing one of its own department', a: [{ text: '社保', match: 'contains' }], a2: [{ text: '社保卡' }], errors: 0, warnings: ['KEYWORD_DUPLICATE'] },
    { name: 'the same keyword twice in one service', a: [{ text: '社保' }, { text: '社 保' }], errors: 0, warnings: ['KEYWORD_DUPLICATE'] },
    { name: 'full-width and half-width letters', a: [{ text: 'ＥＴＣ办理' }], b: [{ text: 'etc办理' }], errors: 2 },
    { name: 'upper and lower case', a: [{ text: 'ETC', match: 'contains' }], b: [{ text: 'etc卡' }], errors: 2 },
    { name: 'spaces and ideographic spaces', a: [{ text: '社　保 卡' }], b: [{ text: '社保卡' }], errors: 2 },
    { name: 'a resolution no conflict needs', a: [{ text: '社保' }], resolutions: [{ keyword: '社保', strategy: 'disambiguate' }], errors: 0, warnings: ['KEYWORD_RESOLUTION_UNUSED'] },
  ];

  for (const c of cases) {
    it(`${c.errors > 0 ? 'rejects' : 'accepts'} ${c.name}`, () => {
      const build = run(c);
      assert.equal(withCode(build, c.code ?? 'KEYWORD_CONFLICT').length, c.errors, JSON.stringify(build.diagnostics, null, 1));
      assert.deepEqual(
        build.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.code),
        c.warnings ?? [],
      );
      assert.equal(build.diagnostics.filter((d) => d.severity === 'error').length, c.errors);
    });
  }

  it('names both sides of a capture, each in its own file', () => {
    const build = run({ a: [{ text: '社保', match: 'contains' }], b: [{ text: '社保卡补办' }] });
    const [inB, inA] = [...withCode(build, 'KEYWORD_CONFLICT')].sort((x, y) => (x.file < y.file ? -1 : 1));
    assert.equal(inA!.file, A_FILE);
    assert.equal(inA!.pointer, '/services/1/keywords/0');
    assert.ok(
      inA!.message.startsWith('关键词“社保”（contains）会截获 departments/jiuye.json（市就业服务中心）服务“失业登记”的关键词“社保卡补办”（exact）'),
      inA!.message,
    );
    assert.deepEqual(inA!.related && { file: inA!.related.file, pointer: inA!.related.pointer }, { file: B_FILE, pointer: '/services/0/keywords/0' });
    assert.equal(inB!.file, B_FILE);
    assert.ok(inB!.message.startsWith('关键词“社保卡补办”（exact）会被 departments/shebao.json（市社会保险事业管理中心）服务“养老保险缴费查询”的关键词“社保”（contains）截获'));
  });

  it('marks both rules of a priority-resolved conflict and what the approved winner beats', () => {
    const build = run({ a: [{ text: '社保', match: 'contains' }], b: [{ text: '社保卡补办', priority: 10 }], resolutions: [{ keyword: '社保卡补办', strategy: 'priority' }] });
    const rules = build.keywords.filter((k) => k.normalized.startsWith('社保'));
    assert.deepEqual(rules.map((k) => [k.text, k.priority, k.resolution, k.beats]), [
      ['社保', 0, 'priority', undefined],
      ['社保卡补办', 10, 'priority', ['shebao']],
    ]);
  });

  it('tells the department which approval the platform must add', () => {
    const build = run({ a: [{ text: '社保', match: 'contains' }], b: [{ text: '社保卡补办', priority: 99 }] });
    const [d] = withCode(build, 'KEYWORD_PRIORITY_UNAPPROVED');
    assert.equal(d!.file, B_FILE);
    assert.equal(d!.related?.file, A_FILE);
    assert.match(d!.message, /跨部门的优先级须经平台批准/);
    assert.match(d!.message, /"strategy": "priority"/);
  });

  it('compiles a disambiguation rule naming every claimant', () => {
    const build = run({
      a: [{ text: '社保' }],
      b: [{ text: '社保', match: 'contains' }],
      resolutions: [{ keyword: '社 保', strategy: 'disambiguate' }],
    });
    const rules = build.keywords.filter((k) => k.normalized === '社保');
    assert.deepEqual(rules, [
      {
        text: '社 保',
        normalized: '社保',
        match: 'contains',
        priority: 0,
        owner: PLATFORM_OWNER,
        target: { kind: 'disambiguation', services: [B, A] },
        source: { file: 'account.json', pointer: '/keywordResolutions/0' },
        resolution: 'disambiguate',
      },
    ]);
  });

  it('compiles only the preferred service for a prefer resolution', () => {
    const build = run({ a: [{ text: '社保' }], b: [{ text: '社保' }], resolutions: [{ keyword: '社保', strategy: 'prefer', prefer: A }] });
    const rules = build.keywords.filter((k) => k.normalized === '社保');
    assert.equal(rules.length, 1);
    assert.deepEqual([rules[0]!.target, rules[0]!.owner, rules[0]!.resolution], [{ kind: 'service', service: A }, 'shebao', 'prefer']);
  });

  it('resolves a capture by ruling on the captured keyword and keeps the capturing rule', () => {
    const build = run({
      a: [{ text: '社保', match: 'contains' }],
      b: [{ text: '社保卡补办' }],
      resolutions: [{ keyword: '社保卡补办', strategy: 'disambiguate' }],
    });
    assert.deepEqual(build.diagnostics, []);
    const rules = build.keywords.filter((k) => k.normalized.startsWith('社保'));
    assert.deepEqual(rules.map((k) => [k.text, k.match, k.target]), [
      ['社保', 'contains', { kind: 'service', service: A }],
      ['社保卡补办', 'exact', { kind: 'disambiguation', services: [B, A] }],
    ]);
  });

  it('owns topic keywords by the lead department', () => {
    city.service(B).keywords = [{ text: '出行' }];
    const conflict = withCode(city.build(), 'KEYWORD_CONFLICT');
    assert.equal(conflict.length, 2);
    assert.ok(conflict.some((d) => d.file === 'chuxing.json' && d.message.includes('departments/jiuye.json')));
    city.service(B).keywords = [];
    city.service('jiaojing/weizhang-chaxun').keywords.push({ text: '出行' });
    assert.deepEqual(city.build().diagnostics.map((d) => d.code), ['KEYWORD_DUPLICATE']);
  });

  it('lists topic claimants of a disambiguated keyword apart from services', () => {
    city.service(B).keywords = [{ text: '出行' }];
    city.account.keywordResolutions = [{ keyword: '出行', strategy: 'disambiguate' }];
    const build = city.build();
    assert.deepEqual(build.diagnostics, []);
    assert.deepEqual(build.keywords.find((k) => k.normalized === '出行')!.target, { kind: 'disambiguation', services: [B], topics: ['chuxing'] });
  });

  it('rejects a prefer resolution without a service', () => {
    const build = run({ a: [{ text: '社保' }], b: [{ text: '社保' }], resolutions: [{ keyword: '社保', strategy: 'prefer' }] });
    assert.equal(withCode(build, 'KEYWORD_RESOLUTION_INVALID').length, 1);
    assert.equal(withCode(build, 'KEYWORD_CONFLICT').length, 2);
  });

  it('rejects preferring a service that does not claim the keyword', () => {
    const build = run({ a: [{ text: '社保' }], b: [{ text: '社保' }], resolutions: [{ keyword: '社保', strategy: 'prefer', prefer: A2 }] });
    const [d] = withCode(build, 'KEYWORD_RESOLUTION_INVALID');
    assert.equal(d!.pointer, '/keywordResolutions/0/prefer');
  });

  it('rejects two resolutions of one normalised keyword', () => {
    const build = run({
      a: [{ text: 'ETC' }],
      b: [{ text: 'etc' }],
      resolutions: [
        { keyword: 'ETC', strategy: 'disambiguate' },
        { keyword: 'ｅｔｃ', strategy: 'prefer', prefer: A },
      ],
    });
    assert.deepEqual(build.diagnostics.map((d) => [d.code, d.pointer]), [['KEYWORD_RESOLUTION_DUPLICATE', '/keywordResolutions/1']]);
  });

  it('reports a three-way conflict pair by pair', () => {
    city.service(A2).keywords = [];
    city.service('jiaojing/weizhang-chaxun').keywords = [{ text: '办事' }];
    const build = run({ a: [{ text: '办事' }], b: [{ text: '办事' }] });
    assert.equal(withCode(build, 'KEYWORD_CONFLICT').length, 6);
  });

  it('finds capturing keywords by substring lookup, not by comparing every pair', () => {
    const claim = (text: string, match: 'exact' | 'contains') => ({ normalized: text, match }) as KeywordClaim;
    const index = indexClaims([claim('社保', 'contains'), claim('卡补', 'contains'), claim('补办', 'exact'), claim('社保卡补办', 'contains')]);
    assert.deepEqual(capturersOf(index, '社保卡补办').map((c) => c.normalized), ['社保', '卡补']);
  });

  it('sorts compiled keywords by normalised text, then owner', () => {
    const keys = city.build().keywords.map((k) => `${k.normalized}|${k.owner}`);
    assert.deepEqual(keys, [...keys].sort());
    assert.ok(keys.length > 5);
  });
});
