// Inputs from a chat message, the H5 form or the API, checked with the same rules as form fields.
// A date input also takes 今天 / 明天 / 后天 (city time), as citizens write in the chat.
import type { FormField, QueryStep } from '../model/index.js';
import { validateForm, type FormResult } from '../loop/index.js';
import { addDays, cityDate } from '../calendar/index.js';

const RELATIVE_DAYS: Record<string, number> = { 今天: 0, 今日: 0, 明天: 1, 明日: 1, 后天: 2 };

export function prepareInputs(query: QueryStep, raw: Record<string, unknown>, now: Date, cacheKey: string): FormResult {
  const data: Record<string, unknown> = {};
  for (const field of query.inputs) {
    let value = raw[field.name];
    if (typeof value === 'string' && field.type === 'date') {
      const offset = RELATIVE_DAYS[value.trim()];
      if (offset !== undefined) value = addDays(cityDate(now), offset);
    }
    if (value !== undefined) data[field.name] = value;
  }
  return validateForm(query.inputs as FormField[], data, `query:${cacheKey}`);
}

/** Required inputs that have no value yet: the reply asks for them. */
export function missingInputs(query: QueryStep, raw: Record<string, unknown>): FormField[] {
  return query.inputs.filter((f) => f.required && (raw[f.name] === undefined || String(raw[f.name]).trim() === ''));
}

/**
 * A bare follow-up message as the inputs of the citizen's last query: its words, in order, fill the
 * required inputs (or the first input when none is required). Undefined unless they all check out,
 * so an unrelated message still reaches the desk.
 */
export function readFollowUp(query: QueryStep, text: string, now: Date, cacheKey: string): Record<string, string> | undefined {
  const words = text.split(' ').filter(Boolean);
  const required = query.inputs.filter((f) => f.required);
  const fields = required.length > 0 ? required : query.inputs.slice(0, 1);
  if (fields.length === 0 || words.length !== fields.length) return undefined;
  const inputs = Object.fromEntries(fields.map((f, i) => [f.name, words[i]!]));
  return prepareInputs(query, inputs, now, cacheKey).ok ? inputs : undefined;
}
