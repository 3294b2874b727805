// The one form validator lives in server/loop/forms; this applies it to a submission's non-file
// answers and turns its errors into a ValidationError.
import type { FormField } from '../../model/index.js';
import { ValidationError } from '../../errors.js';
import { validateForm } from '../forms/validate-form.js';
import type { FieldError } from './check-attachments.js';

export function answerFields(fields: FormField[] | undefined): FormField[] {
  return (fields ?? []).filter((f) => f.type !== 'file');
}

/**
 * The cleaned answers (trimmed, numbers parsed, undeclared keys dropped) and their errors.
 * Only these answers are ever stored.
 */
export function checkAnswers(fields: FormField[], body: Record<string, unknown>): { data: Record<string, unknown>; errors: FieldError[] } {
  const result = validateForm(fields, body);
  return { data: result.value, errors: result.ok ? [] : result.errors.map((e) => ({ field: e.field, label: e.label, message: e.message })) };
}

export function throwFieldErrors(errors: FieldError[]): void {
  if (errors.length > 0) throw new ValidationError(errors.length === 1 ? errors[0]!.message : `有 ${errors.length} 处填写有误：${errors[0]!.message}`, errors);
}
