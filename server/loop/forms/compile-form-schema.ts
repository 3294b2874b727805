// Turns a service's declared form fields into a JSON Schema, so a department declares a field
// once and both the H5 form and the server check follow from it.
import type { FormField } from '../../model/generated.js';

export type { FormField };

/** Upload ids as the processing step's upload module issues them (32 hex characters). */
export const UPLOAD_ID_PATTERN = '^[0-9a-f]{32}$';

export interface FormSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required: string[];
  additionalProperties: false;
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

export function compileFormSchema(fields: FormField[]): FormSchema {
  const properties: FormSchema['properties'] = {};
  for (const field of fields) properties[field.name] = fieldSchema(field);
  return {
    type: 'object',
    properties,
    required: fields.filter((f) => f.required).map((f) => f.name),
    additionalProperties: false,
  };
}
