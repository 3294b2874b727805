import assert from 'node:assert/strict';
import { assertTransition, nextStages } from '../../../server/loop/progress/transitions.js';
import type { Stage } from '../../../server/model/generated.js';

const ALL: Stage[] = ['submitted', 'accepted', 'not-accepted', 'supplement', 'suspended', 'in-progress', 'completed', 'denied'];

describe('transitions', () => {
  const allowed: Array<[Stage, boolean, Stage[]]> = [
    ['submitted', false, ['accepted', 'not-accepted', 'supplement']],
    ['supplement', false, ['submitted', 'accepted', 'not-accepted']],
    ['supplement', true, ['submitted', 'accepted', 'in-progress', 'not-accepted', 'denied']],
    ['accepted', true, ['in-progress', 'suspended', 'supplement', 'completed', 'denied']],
    ['in-progress', true, ['completed', 'denied', 'suspended', 'supplement']],
    ['suspended', true, ['in-progress', 'accepted', 'denied']],
    ['completed', true, []],
    ['denied', true, []],
    ['not-accepted', false, []],
  ];
  for (const [from, accepted, to] of allowed) {
    it(`lets ${from}${accepted ? ' (after acceptance)' : ''} move to ${to.join(', ') || 'nothing'}`, () =>
      assert.deepEqual(nextStages(from, ALL, accepted), to));
  }

  it('keeps to the stages the service declares, plus submitted and completed', () => {
    assert.deepEqual(nextStages('accepted', ['submitted', 'accepted'], true), ['completed']);
  });

  it('refuses an illegal move with a Chinese conflict naming both stages', () => {
    assert.throws(() => assertTransition('submitted', 'completed', ALL, false), { code: 'CONFLICT', message: '办件当前为“已收件”，不能变更为“已办结”' });
  });
});
