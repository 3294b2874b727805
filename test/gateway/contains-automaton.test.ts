import assert from 'node:assert/strict';
import { ContainsAutomaton, NO_KEYWORD } from '../../server/gateway/contains-automaton.js';

/** The simple answer: the lowest rank among the keys that occur in the text. */
function bestByScan(keys: string[], text: string): number {
  let best = NO_KEYWORD;
  keys.forEach((key, rank) => {
    if (text.includes(key) && (best === NO_KEYWORD || rank < best)) best = rank;
  });
  return best;
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  return () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

describe('ContainsAutomaton', () => {
  const cases: Array<[string[], string, number, string]> = [
    [['社保', '社保卡补办', '补办'], '社保卡补办流程', 0, 'the best rank wins wherever it occurs'],
    [['补办', '社保'], '社保卡补办', 0, 'a key later in the text still wins over an earlier one'],
    [['卡补办', '保卡'], '社保卡补', 1, 'a key that is the suffix of a partial match is found (failure link)'],
    [['abcd', 'bc'], 'abce', 1, 'a key inside a longer key that does not complete is found'],
    [['he', 'she', 'his', 'hers'], 'ushers', 0, 'keys ending at one position are all outputs'],
    [['违章'], '天气怎么样', NO_KEYWORD, 'no key, no rank'],
    [['违章'], '', NO_KEYWORD, 'an empty text matches nothing'],
    [['a', 'a'], 'xa', 0, 'a key given twice keeps its better rank'],
    [['😀x'], 'y😀x', 0, 'characters outside the BMP match as their code units'],
  ];
  for (const [keys, text, rank, why] of cases) {
    it(`${why} (“${text}”)`, () => assert.equal(new ContainsAutomaton(keys).bestIn(text), rank));
  }

  it('agrees with scanning every key, on random keys over a small alphabet', () => {
    const next = random(7);
    const alphabet = ['社', '保', '卡', '补', '办', 'a'];
    const word = (max: number) => Array.from({ length: 1 + Math.floor(next() * max) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    for (let round = 0; round < 200; round++) {
      const keys = Array.from({ length: 1 + Math.floor(next() * 40) }, () => word(5));
      const automaton = new ContainsAutomaton(keys);
      for (let i = 0; i < 100; i++) {
        const text = next() < 0.1 ? '' : word(14);
        assert.equal(automaton.bestIn(text), bestByScan(keys, text), `keys ${JSON.stringify(keys)}, text “${text}”`);
      }
    }
  });

  it('keeps 20,000 keys in flat arrays and finds one among them', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `事项${i.toString(36)}号查询`);
    const automaton = new ContainsAutomaton(keys);
    assert.ok(automaton.states < 20_000 * 8, `${automaton.states} states`);
    assert.equal(automaton.bestIn(`请问${keys[12_345]}怎么办`), 12_345);
    assert.equal(automaton.bestIn('请问事项号查询'), NO_KEYWORD);
  });
});
