// Checks submitted form data against the declared fields and explains each problem in Chinese,
// next to the field it concerns. Validators are compiled once per distinct field list.
import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { compileFormSchema, type FormField } from './compile-form-schema.js';
import { isValidIdCard } from './idcard.js';
import { compilePattern, PatternError, type CompiledPattern } from '../../patterns/index.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = (addFormatsModule as unknown as { default: typeof addFormatsModule.default }).default;

export interface FieldError {
  field: string;
  label: string;
  message: string;
}

export interface FormResult {
  ok: boolean;
  errors: FieldError[];
  /** The cleaned answers: trimmed, numbers parsed, empty and undeclared keys dropped. */
  value: Record<string, string | number>;
}

/** Mobile 1[3-9]xxxxxxxxx, or a landline with area code (010-12345678, 0571 8888888, 02112345678). */
const PHONE = /^(1[3-9]\d{9}|0\d{2,3}[- ]?\d{7,8})$/;

/** Every `pattern` runs on the linear-time engine: a department's regex can never stall the server. */
const linearRegExp = Object.assign(
  (source: string): CompiledPattern => {
    const compiled = compilePattern(source);
    if (compiled instanceof PatternError) throw new Error(compiled.message);
    return compiled;
  },
  { code: 'compilePattern' },
);

const ajv = new Ajv({ allErrors: true, strict: true, code: { regExp: linearRegExp } });
addFormats(ajv, ['date']);
ajv.addFormat('idcard', { type: 'string', validate: isValidIdCard });
ajv.addFormat('cn-phone', { type: 'string', validate: (s: string) => PHONE.test(s) });

/** A compiled form, or the fields whose pattern the engine refuses (a build from before the check). */
type FormValidator = { validate: ValidateFunction } | { broken: FieldError[] };

const cache = new Map<string, FormValidator>();
const CACHE_LIMIT = 500; // distinct forms across publishes; cleared wholesale past this

// The same field list (a build's own array) finds its validator without hashing it again.
const byFields = new WeakMap<FormField[], Map<string, FormValidator>>();

function validatorFor(fields: FormField[], cacheKey: string): FormValidator {
  const known = byFields.get(fields)?.get(cacheKey);
  if (known) return known;
  const validator = hashedValidatorFor(fields, cacheKey);
  let forFields = byFields.get(fields);
  if (!forFields) byFields.set(fields, (forFields = new Map()));
  forFields.set(cacheKey, validator);
  return validator;
}

function hashedValidatorFor(fields: FormField[], cacheKey: string): FormValidator {
  const key = `${cacheKey}#${createHash('sha1').update(JSON.stringify(fields)).digest('hex')}`;
  let validator = cache.get(key);
  if (!validator) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    const broken = fields
      .filter((f) => f.pattern !== undefined && compilePattern(f.pattern) instanceof PatternError)
      .map((f) => ({ field: f.name, label: f.label, message: `“${f.label}”的格式规则有误，暂时无法提交，请联系办理部门` }));
    validator = broken.length > 0 ? { broken } : { validate: ajv.compile(compileFormSchema(fields)) };
    cache.set(key, validator);
  }
  return validator;
}

function clean(fields: FormField[], data: unknown): Record<string, unknown> {
  const input = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    let v = Object.prototype.hasOwnProperty.call(input, field.name) ? input[field.name] : undefined;
    if (typeof v === 'string') v = v.trim();
    if (v === '' || v === null || v === undefined) continue;
    if (field.type === 'number' && typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) v = Number(v);
    if ((field.type === 'idcard' || field.upperCase) && typeof v === 'string') v = v.toUpperCase();
    // Plates and VINs: a pattern written for capitals (鄂A12345) also takes what a phone types (鄂a12345).
    if (field.type === 'text' && field.pattern && typeof v === 'string' && v !== v.toUpperCase() && upperOnly(field.pattern, v)) v = v.toUpperCase();
    out[field.name] = v;
  }
  return out;
}

function messageOf(field: FormField, error: ErrorObject): string {
  const q = `“${field.label}”`;
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return field.type === 'file' ? `请上传${q}` : field.type === 'select' ? `请选择${q}` : `请填写${q}`;
    case 'type':
      return field.type === 'number' ? `${q}必须是数字` : `${q}格式不正确`;
    case 'minLength':
      return `${q}至少 ${String(p.limit)} 个字`;
    case 'maxLength':
      return `${q}最多 ${String(p.limit)} 个字`;
    case 'minimum':
      return `${q}不能小于 ${String(p.limit)}`;
    case 'maximum':
      return `${q}不能大于 ${String(p.limit)}`;
    case 'enum':
      return `请从给出的选项中选择${q}`;
    case 'pattern':
      if (field.type === 'file') return `${q}不是有效的上传文件，请重新上传`;
      return field.patternMessage ?? `${q}格式不正确`;
    case 'format':
      if (field.type === 'date') return `${q}不是有效日期（格式：年-月-日，如 2025-03-01）`;
      if (field.type === 'phone') return `${q}不是有效的手机号或固定电话（固话请带区号）`;
      return `${q}格式不正确`;
    default:
      return `${q}填写有误`;
  }
}

/** 「“领证方式”选择“邮政速递”时，“邮寄地址”为必填项」: names the answer that made the field required. */
function conditionalMessage(field: FormField, fields: FormField[], value: Record<string, unknown>): string {
  const other = fields.find((f) => f.name === field.requiredWhen?.field);
  if (!other) return `请填写“${field.label}”`;
  const answer = String(value[other.name]);
  const option = other.options?.find((o) => o.value === answer);
  const when = other.type === 'select' ? `“${other.label}”选择“${option?.label ?? answer}”时` : `“${other.label}”为“${answer}”时`;
  return `${when}，“${field.label}”为必填项`;
}

/** Validates data against fields; cacheKey (e.g. the service ref) only scopes the validator cache. */
export function validateForm(fields: FormField[], data: unknown, cacheKey = ''): FormResult {
  const value = clean(fields, data);
  const validator = validatorFor(fields, cacheKey);
  if ('broken' in validator) return { ok: false, errors: validator.broken, value: value as FormResult['value'] };
  const { validate } = validator;
  if (validate(value)) return { ok: true, errors: [], value: value as FormResult['value'] };
  const errors: FieldError[] = [];
  for (const e of validate.errors ?? []) {
    const name = e.keyword === 'required' ? String((e.params as { missingProperty: string }).missingProperty) : e.instancePath.slice(1).split('/')[0]!;
    const field = fields.find((f) => f.name === name);
    if (!field || errors.some((x) => x.field === name)) continue; // one message per field is enough
    const conditional = e.keyword === 'required' && e.schemaPath.includes('/then/');
    errors.push({ field: name, label: field.label, message: conditional ? conditionalMessage(field, fields, value) : messageOf(field, e) });
  }
  // Keep the form's order so messages read top to bottom like the page.
  errors.sort((a, b) => fields.findIndex((f) => f.name === a.field) - fields.findIndex((f) => f.name === b.field));
  return { ok: false, errors, value: value as FormResult['value'] };
}

/** Whether the value fails the pattern as typed but passes it in capitals. */
function upperOnly(pattern: string, value: string): boolean {
  const re = compilePattern(pattern);
  return !(re instanceof PatternError) && !re.test(value) && re.test(value.toUpperCase());
}
