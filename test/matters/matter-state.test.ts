import assert from 'node:assert/strict';
import type { Stage } from '../../server/loop/index.js';
import { allPartsFinal, deriveMatterState, type MatterState } from '../../server/matters/index.js';

const cases: Array<[Stage[], 'continue' | 'stop', MatterState, boolean]> = [
  // parts' stages                                  onRefusal   state               all final
  [['submitted', 'submitted', 'submitted'], 'continue', 'submitted', false],
  [['accepted', 'submitted', 'submitted'], 'continue', 'in-progress', false],
  [['in-progress', 'suspended', 'accepted'], 'continue', 'in-progress', false],
  [['accepted', 'supplement', 'submitted'], 'continue', 'supplement', false],
  [['completed', 'supplement', 'completed'], 'continue', 'supplement', false],
  [['completed', 'in-progress', 'completed'], 'continue', 'in-progress', false],
  [['completed', 'completed', 'completed'], 'continue', 'completed', true],
  [['completed', 'completed'], 'continue', 'completed', true],
  [['completed', 'denied', 'completed'], 'continue', 'partly-completed', true],
  [['not-accepted', 'completed'], 'continue', 'partly-completed', true],
  [['not-accepted', 'denied'], 'continue', 'refused', true],
  [['denied', 'in-progress', 'accepted'], 'continue', 'in-progress', false],
  [['denied', 'supplement'], 'continue', 'supplement', false],
  [['denied', 'in-progress', 'accepted'], 'stop', 'stopped', false],
  [['completed', 'not-accepted', 'completed'], 'stop', 'stopped', true],
  [['completed', 'completed', 'completed'], 'stop', 'completed', true],
  [['supplement', 'submitted'], 'stop', 'supplement', false],
  [['denied', 'terminated', 'terminated'], 'stop', 'stopped', true],
  [['completed', 'not-accepted', 'terminated'], 'stop', 'stopped', true],
  // The matter's rule changed to continue after it stopped: its terminated parts still say so.
  [['not-accepted', 'terminated'], 'continue', 'stopped', true],
];

describe('deriveMatterState', () => {
  for (const [stages, onRefusal, state, final] of cases) {
    it(`is ${state} for ${stages.join(' + ')} (${onRefusal})`, () => {
      assert.equal(deriveMatterState(stages, onRefusal), state);
      assert.equal(allPartsFinal(stages), final);
    });
  }
});
