import assert from 'node:assert/strict';
import { shareStrings } from '../../server/builder/share-strings.js';

describe('shareStrings', () => {
  it('leaves every text and the shape of the build as they were', () => {
    const n = String(Math.random());
    const build = {
      keywords: [{ text: `事项${n}号查询`, normalized: `事项${n}号查询`, source: { file: 'departments/a.json', pointer: `/services/${n}/keywords/0` } }],
      count: 3,
      none: null,
      flags: [true, 'x'],
    };
    const before = structuredClone(build);
    assert.equal(shareStrings(build), build);
    assert.deepEqual(build, before);
  });

  it('visits an object shared by two parts once, and leaves frozen objects alone', () => {
    const target = { kind: 'service', service: `a/${Math.random()}` };
    const frozen = Object.freeze({ name: `冻结${Math.random()}` });
    const build = { one: { target }, two: { target }, frozen, cycle: {} as Record<string, unknown> };
    build.cycle.self = build.cycle;
    shareStrings(build);
    assert.equal(build.one.target, build.two.target);
    assert.equal(build.frozen, frozen);
  });

  it('keeps a text that Unicode normalisation would change', () => {
    const decomposed = 'e\u0301';
    const build = { text: decomposed };
    shareStrings(build);
    assert.equal(build.text, decomposed);
    assert.notEqual(build.text, decomposed.normalize());
  });
});
