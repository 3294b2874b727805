import assert from 'node:assert/strict';
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
