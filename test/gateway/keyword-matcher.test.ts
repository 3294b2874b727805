import assert from 'node:assert/strict';
import path from 'node:path';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import { normalizeKeyword } from '../../server/builder/normalize.js';
import type { CompiledKeyword } from '../../server/builder/types.js';
import { projectRoot } from '../../server/config.js';
import { createKeywordMatcher, MAX_MATCHED_LENGTH } from '../../server/gateway/keyword-matcher.js';
import { keyword } from './build-fixture.js';

const svc = (service: string) => ({ kind: 'service' as const, service });

describe('createKeywordMatcher', () => {
  const rules = [
    keyword('社保', 'renshe', svc('renshe/a')),
    keyword('社保卡补办', 'renshe', svc('renshe/b')),
    keyword('补办', 'gongan', svc('gongan/c'), { priority: 5 }),
    keyword('社保卡', 'yibao', svc('yibao/d'), { match: 'exact' }),
    keyword('违章', 'jiaojing', svc('jiaojing/e')),
    keyword('违章', 'chengguan', svc('chengguan/f')),
    keyword('ETC', 'jiaojing', svc('jiaojing/g')),
  ];
  const matcher = createKeywordMatcher(rules);
  const cases: Array<[string, string | undefined, 'exact' | 'contains' | undefined, string]> = [
    ['社保卡', 'yibao/d', 'exact', 'an exact rule beats contains rules on the same text'],
    ['怎么查社保', 'renshe/a', 'contains', 'a contains rule matches inside the message'],
    ['社保卡补办流程', 'gongan/c', 'contains', 'higher priority beats a longer keyword'],
    ['社保卡在哪领', 'renshe/a', 'contains', 'an exact rule does not match inside a longer message'],
    ['违章了', 'jiaojing/e', 'contains', 'declaration order breaks a full tie'],
    ['ｅｔｃ　办理', 'jiaojing/g', 'contains', 'full-width letters and spaces are normalised'],
    ['社　保　卡', 'yibao/d', 'exact', 'spaces inside the message are ignored'],
    ['天气怎么样', undefined, undefined, 'nothing matches unrelated text'],
    ['', undefined, undefined, 'an empty message matches nothing'],
  ];
  for (const [text, service, match, why] of cases) {
    it(`${why} (“${text}”)`, () => {
      const hit = matcher.match(text);
      assert.equal(hit?.rule.target.kind === 'service' ? hit.rule.target.service : undefined, service);
      assert.equal(hit?.match, match);
    });
  }

  it('prefers the longer of two equal-priority contains keywords', () => {
    const m = createKeywordMatcher([keyword('社保', 'a', svc('a/1')), keyword('社保卡补办', 'b', svc('b/2'))]);
    assert.equal(m.match('我要社保卡补办')?.rule.owner, 'b');
  });

  it('ignores keywords placed past the length cap', () => {
    const m = createKeywordMatcher([keyword('违章', 'a', svc('a/1'))]);
    assert.equal(m.match(`${'字'.repeat(MAX_MATCHED_LENGTH)}违章`), undefined);
    assert.ok(m.match(`${'字'.repeat(MAX_MATCHED_LENGTH - 2)}违章`));
  });

  it('answers from 20,000 rules as it does from a handful', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => keyword(`事项${i}号`, `d${i % 50}`, svc(`d/${i}`)));
    const m = createKeywordMatcher(many);
    assert.equal(m.match('请问事项12345号怎么办')?.rule.owner, 'd45');
    const started = performance.now();
    for (let i = 0; i < 2000; i++) m.match(`请问事项${i}号怎么办理才好`);
    assert.ok(performance.now() - started < 1000, 'matching must not scan the rules');
  });

  it('guesses the department whose keywords share the most words with unmatched text', () => {
    assert.equal(matcher.guessOwner('我的违法停车罚单'), undefined);
    assert.equal(matcher.guessOwner('社会保险卡怎么补'), undefined);
    assert.equal(matcher.guessOwner('卡补了吗'), 'renshe');
  });
});

// The rules written the simple way (every rule looked at for every message), as the reference the
// matcher's index must agree with: exact on the whole normalised message first; else, among the
// contains rules occurring in it, higher priority, then the longer keyword, then the earlier one.
function matchByScan(rules: CompiledKeyword[], text: string) {
  const message = normalizeKeyword(text).slice(0, MAX_MATCHED_LENGTH);
  if (!message) return undefined;
  const keyOf = (r: CompiledKeyword) => r.normalized || normalizeKeyword(r.text);
  const rank = (a: [CompiledKeyword, number], b: [CompiledKeyword, number]) => b[0].priority - a[0].priority || keyOf(b[0]).length - keyOf(a[0]).length || a[1] - b[1];
  const indexed = rules.map((r, i): [CompiledKeyword, number] => [r, i]).filter(([r]) => keyOf(r) !== '');
  const [exact] = indexed.filter(([r]) => r.match === 'exact' && keyOf(r) === message).sort(rank);
  if (exact) return { owner: exact[0].owner, match: 'exact' };
  const [contains] = indexed.filter(([r]) => r.match === 'contains' && message.includes(keyOf(r))).sort(rank);
  return contains && { owner: contains[0].owner, match: 'contains' };
}

describe('createKeywordMatcher against the rules read one by one', () => {
  const seeded = (seed: number) => () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const next = seeded(2026);
  // Few characters, so keywords overlap, repeat and contain each other; full-width and spaces normalise away.
  const alphabet = ['社', '保', '卡', '补', 'E', 'ｅ', 'e', ' ', '　'];
  const word = (max: number) => Array.from({ length: Math.floor(next() * (max + 1)) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');

  it('picks the same rule for random rule sets and messages (exact before contains, priority, length, order)', () => {
    for (let round = 0; round < 300; round++) {
      const rules = Array.from({ length: 1 + Math.floor(next() * 30) }, (_, i) =>
        keyword(word(4) || '社', `d${i}`, svc(`d${i}/s`), { match: next() < 0.3 ? 'exact' : 'contains', priority: Math.floor(next() * 3), ...(next() < 0.1 ? { normalized: '' } : {}) }),
      );
      const matcher = createKeywordMatcher(rules);
      for (let i = 0; i < 60; i++) {
        const text = word(10);
        const hit = matcher.match(text);
        assert.deepEqual(hit && { owner: hit.rule.owner, match: hit.match }, matchByScan(rules, text), `rules ${JSON.stringify(rules.map((r) => [r.text, r.match, r.priority]))}, message “${text}”`);
      }
    }
  });

  it('picks the same rule as the simple reading for every keyword of the sample city', async function () {
    this.timeout(30_000);
    const build = buildAccount(await loadCityFromDir(path.join(projectRoot, 'topics')), { publicBaseUrl: 'https://gov.example.cn' });
    const matcher = createKeywordMatcher(build.keywords);
    for (const k of build.keywords) {
      for (const text of [k.text, `我想问${k.text}`, `${k.text}怎么办`]) {
        const hit = matcher.match(text);
        assert.deepEqual(hit && { owner: hit.rule.owner, match: hit.match }, matchByScan(build.keywords, text), text);
      }
    }
  });

  it('guesses the owner the simple count of shared pieces gives', () => {
    const pieces = (text: string) => new Set(Array.from({ length: Math.max(0, text.length - 1) }, (_, i) => text.slice(i, i + 2)));
    const guessByScan = (rules: CompiledKeyword[], text: string) => {
      const mine = pieces(normalizeKeyword(text).slice(0, MAX_MATCHED_LENGTH));
      let best: { owner: string; count: number; share: number; priority: number; order: number } | undefined;
      rules.forEach((r, order) => {
        const theirs = pieces(r.normalized || normalizeKeyword(r.text));
        const count = [...theirs].filter((p) => mine.has(p)).length;
        if (count === 0) return;
        const guess = { owner: r.owner, count, share: count / theirs.size, priority: r.priority, order };
        if (!best || (guess.count - best.count || guess.share - best.share || guess.priority - best.priority || best.order - guess.order) > 0) best = guess;
      });
      return best?.owner;
    };
    for (let round = 0; round < 200; round++) {
      const rules = Array.from({ length: 1 + Math.floor(next() * 20) }, (_, i) => keyword(word(5) || '社保', `d${i}`, svc(`d${i}/s`), { priority: Math.floor(next() * 2) }));
      const matcher = createKeywordMatcher(rules);
      for (let i = 0; i < 30; i++) {
        const text = word(12);
        assert.equal(matcher.guessOwner(text), guessByScan(rules, text), `rules ${JSON.stringify(rules.map((r) => r.text))}, message “${text}”`);
      }
    }
  });
});
