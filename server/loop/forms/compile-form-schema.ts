// Turns a service's declared form fields into a JSON Schema, so a department declares a field
// once and both the H5 form and the server check follow from it.
import type { FormField, RequiredWhen } from '../../model/index.js';

export type { FormField, RequiredWhen };

/** Upload ids as the processing step's upload module issues them (32 hex characters). */
export const UPLOAD_ID_PATTERN = '^[0-9a-f]{32}$';

export interface FormSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required: string[];
  additionalProperties: false;
  /** One if/then per conditionally required field (requiredWhen). */
  allOf?: ConditionalRequirement[];
}

export interface ConditionalRequirement {
  if: { type: 'object'; properties: Record<string, { enum: Array<string | number> }>; required: [string] };
  // `properties` repeats the name only to satisfy Ajv's strictRequired; the top level checks the value.
  then: { properties: Record<string, true>; required: [string] };
}

/** The answers that make a field required, as a list. */
export function conditionValues(when: RequiredWhen): string[] {
  return typeof when.equals === 'string' ? [when.equals] : when.equals;
}

function fieldSchema(field: FormField): Record<string, unknown> {
  switch (field.type) {
    case 'text':
      return {
        type: 'string',
        ...(field.min !== undefined && { minLength: field.min }),
        ...(field.max !== undefined && { maxLength: field.max }),
        ...(field.pattern !== undefined && { pattern: field.pattern }),
      };
    case 'number':
      return {
        type: 'number',
        ...(field.min !== undefined && { minimum: field.min }),
        ...(field.max !== undefined && { maximum: field.max }),
      };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'select':
      return { type: 'string', enum: (field.options ?? []).map((o) => o.value) };
    case 'idcard':
      return { type: 'string', format: 'idcard' };
    case 'phone':
      return { type: 'string', format: 'cn-phone' };
    case 'file':
      return { type: 'string', pattern: UPLOAD_ID_PATTERN };
  }
}

/**
 * "Required when another answer is one of these". A condition naming a field outside this list
 * (e.g. a file field the caller checks elsewhere) never holds; the builder reports it.
 */
function conditionalRequirement(field: FormField, fields: FormField[]): ConditionalRequirement | null {
  const when = field.requiredWhen;
  const other = when && fields.find((f) => f.name === when.field && f !== field);
  if (!when || !other) return null;
  // Number answers are parsed before validation, so compare them as numbers.
  const values = conditionValues(when).map((v) => (other.type === 'number' && Number.isFinite(Number(v)) ? Number(v) : v));
  return {
    if: { type: 'object', properties: { [other.name]: { enum: values } }, required: [other.name] },
    then: { properties: { [field.name]: true }, required: [field.name] },
  };
}

export function compileFormSchema(fields: FormField[]): FormSchema {
  const properties: FormSchema['properties'] = {};
  for (const field of fields) properties[field.name] = fieldSchema(field);
  const conditions = fields.filter((f) => !f.required).map((f) => conditionalRequirement(f, fields)).filter((c) => c !== null);
  return {
    type: 'object',
    properties,
    required: fields.filter((f) => f.required).map((f) => f.name),
    additionalProperties: false,
    ...(conditions.length > 0 && { allOf: conditions }),
  };
}
