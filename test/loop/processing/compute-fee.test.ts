import assert from 'node:assert/strict';
import type { PaymentStep } from '../../../server/model/generated.js';
import { computeFeeFen, initialPayment } from '../../../server/loop/processing/compute-fee.js';

const step = (fee: PaymentStep['fee'], timing: PaymentStep['timing'] = 'before-acceptance', online = true): PaymentStep => ({ online, timing, fee });

describe('computeFeeFen', () => {
  const cases: Array<[string, PaymentStep['fee'], Record<string, unknown>, number | null]> = [
    ['a fixed fee', { mode: 'fixed', amountFen: 1000 }, {}, 1000],
    ['the chosen option', { mode: 'byOption', field: 'k', amounts: [{ value: 'a', amountFen: 100 }, { value: 'b', amountFen: 300 }] }, { k: 'b' }, 300],
    ['units times the unit price', { mode: 'perUnit', field: 'n', unitFen: 50 }, { n: 3 }, 150],
    ['the cap of a per-unit fee', { mode: 'perUnit', field: 'n', unitFen: 50, maxFen: 120 }, { n: 3 }, 120],
    ['nothing yet for an assessed fee', { mode: 'assessed', maxFen: 5000 }, {}, null],
  ];
  for (const [what, fee, data, expected] of cases) {
    it(`computes ${what}`, () => assert.equal(computeFeeFen(step(fee), data), expected));
  }

  it('names the select field when the option has no amount', () => {
    const fee: PaymentStep['fee'] = { mode: 'byOption', field: 'k', amounts: [{ value: 'a', amountFen: 1 }] };
    assert.throws(() => computeFeeFen(step(fee), { k: 'zzz' }, [{ name: 'k', label: '卡片类型', type: 'select' }]), /卡片类型/);
  });
});

describe('initialPayment', () => {
  it('owes nothing without a payment step or with a zero amount', () => {
    assert.equal(initialPayment(undefined, {}).state, 'none');
    assert.equal(initialPayment(step({ mode: 'fixed', amountFen: 0 }), {}).state, 'none');
  });

  it('sends offline payments to the hall', () => {
    assert.equal(initialPayment(step({ mode: 'fixed', amountFen: 100 }, 'before-acceptance', false), {}).state, 'offline');
  });

  it('waits for assessment and always pays an assessed fee after acceptance', () => {
    const p = initialPayment(step({ mode: 'assessed', maxFen: 100 }, 'before-acceptance'), {});
    assert.deepEqual([p.state, p.timing, p.amountFen], ['awaiting-assessment', 'after-acceptance', null]);
  });
});
