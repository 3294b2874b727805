// The amount a submission owes, from the service's declared fee rule and the citizen's answers.
import type { FormField, PaymentStep } from '../../model/index.js';
import { ValidationError } from '../../errors.js';
import type { ApplicationPayment } from '../applications/application-types.js';

function labelOf(fields: FormField[], name: string): string {
  return fields.find((f) => f.name === name)?.label ?? name;
}

/** Fen owed at submission; null when staff assess it later. */
export function computeFeeFen(payment: PaymentStep, data: Record<string, unknown>, fields: FormField[] = []): number | null {
  const fee = payment.fee;
  switch (fee.mode) {
    case 'fixed':
      return fee.amountFen;
    case 'byOption': {
      const answer = String(data[fee.field] ?? '');
      const hit = fee.amounts.find((a) => a.value === answer);
      if (!hit) {
        const label = labelOf(fields, fee.field);
        throw new ValidationError(`请选择“${label}”，费用取决于该项`, [{ field: fee.field, label, message: `请选择“${label}”` }]);
      }
      return hit.amountFen;
    }
    case 'perUnit': {
      const units = Number(data[fee.field]);
      if (!Number.isFinite(units) || units < 0) {
        const label = labelOf(fields, fee.field);
        throw new ValidationError(`“${label}”须为不小于 0 的数字`, [{ field: fee.field, label, message: '请填写数量' }]);
      }
      const amount = Math.round(units * fee.unitFen);
      return fee.maxFen === undefined ? amount : Math.min(amount, fee.maxFen);
    }
    case 'assessed':
      return null;
  }
}

/** The payment part of a new application. Assessed fees are always paid after acceptance. */
export function initialPayment(payment: PaymentStep | undefined, data: Record<string, unknown>, fields: FormField[] = []): ApplicationPayment {
  if (!payment) return { state: 'none', timing: null, amountFen: 0 };
  const amountFen = computeFeeFen(payment, data, fields);
  const base = { timing: payment.timing, amountFen, ...(payment.item ? { item: payment.item } : {}) };
  if (!payment.online) return { ...base, state: amountFen === 0 ? 'none' : 'offline' };
  if (amountFen === null) return { ...base, timing: 'after-acceptance', state: 'awaiting-assessment' };
  return { ...base, state: amountFen === 0 ? 'none' : 'unpaid' };
}
