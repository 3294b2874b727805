// What staff see of a bound value: enough to recognise it on a call, not enough to use it.
import type { FormField } from '../model/index.js';

/**
 * 420102199003071232 -> 420102********1232; 鄂A12345 -> 鄂A1***5; 张三 -> 张*; 欧阳娜娜 -> 欧**娜; 4F2A91 -> 4F**91;
 * select answers show their option label (not personal). Anything short is fully starred.
 */
export function maskValue(field: Pick<FormField, 'type' | 'options'> | undefined, value: string): string {
  if (field?.type === 'select') return field.options?.find((o) => o.value === value)?.label ?? value;
  const chars = [...value];
  const n = chars.length;
  if (field?.type === 'idcard' || n >= 15) return n < 10 ? '*'.repeat(n) : `${chars.slice(0, 6).join('')}${'*'.repeat(n - 10)}${chars.slice(-4).join('')}`;
  if (field?.type === 'phone' && n >= 7) return `${chars.slice(0, 3).join('')}${'*'.repeat(n - 7)}${chars.slice(-4).join('')}`;
  if (n <= 1) return '*';
  if (n <= 3) return `${chars[0]}${'*'.repeat(n - 1)}`;
  // Always at least two characters hidden: 欧**娜, 4F**91, 鄂A1***5.
  const head = n >= 7 ? 3 : n >= 5 ? 2 : 1;
  const tail = n >= 7 ? 1 : n >= 5 ? 2 : 1;
  return `${chars.slice(0, head).join('')}${'*'.repeat(n - head - tail)}${chars.slice(-tail).join('')}`;
}
