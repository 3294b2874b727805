// Rules inside one department file that JSON Schema cannot express: hall hours, hall references,
// form field names and conditions, fees bound to form fields, progress stages.
import type { CityModel, DepartmentEntry, ServiceEntry } from './city-model.js';
import type { DiagnosticSink } from './diagnostics.js';
import type { FormField, WeeklyHours } from '../model/index.js';
import { compilePattern, PatternError } from '../patterns/index.js';

export function checkDepartments(model: CityModel, sink: DiagnosticSink): void {
  for (const entry of model.departments.values()) {
    for (const hall of entry.halls.values()) checkWeeklyHours(hall.hall.hours, entry.file, `${hall.pointer}/hours`, sink);
    for (const service of entry.services) checkService(model, entry, service, sink);
  }
}

/** Each period must open before it closes ("24:00" sorts after every HH:MM, as it should). */
export function checkWeeklyHours(hours: WeeklyHours, file: string, pointer: string, sink: DiagnosticSink): void {
  for (const [day, periods] of Object.entries(hours)) {
    for (const [i, period] of (periods ?? []).entries()) {
      if (period.open >= period.close) {
        const at = { file, pointer: `${pointer}/${day}/${i}/close` };
        sink.error('HOURS_ORDER', at, `结束时间 ${period.close} 必须晚于开始时间 ${period.open}`);
      }
    }
  }
}

function checkService(model: CityModel, entry: DepartmentEntry, s: ServiceEntry, sink: DiagnosticSink): void {
  const { steps } = s.service;
  const file = entry.file;
  const stepPointer = `${s.pointer}/steps`;
  for (const [i, hallId] of (steps.location?.halls ?? []).entries()) {
    if (!entry.halls.has(hallId) && !entry.brokenHalls.has(hallId)) {
      const at = { file, pointer: `${stepPointer}/location/halls/${i}` };
      sink.error('UNKNOWN_HALL', at, `本部门没有编号为“${hallId}”的大厅（halls 中未定义）`);
    }
  }
  const reviewer = steps.rating?.badReviewDepartment;
  if (reviewer && !model.departments.has(reviewer) && !model.broken.departments.has(reviewer)) {
    const at = { file, pointer: `${stepPointer}/rating/badReviewDepartment` };
    sink.error('UNKNOWN_DEPARTMENT', at, `差评整改部门“${reviewer}”不存在（departments/ 下没有这个部门）`);
  }
  checkFieldNames(steps.appointment?.fields ?? [], [], file, `${stepPointer}/appointment`, sink);
  checkFieldNames(steps.processing?.fields ?? [], steps.processing?.attachments ?? [], file, `${stepPointer}/processing`, sink);
  for (const [name, fields] of [
    ['appointment', steps.appointment?.fields],
    ['processing', steps.processing?.fields],
  ] as const) {
    for (const [i, field] of (fields ?? []).entries()) {
      if (field.type === 'select' && !field.options) {
        sink.error('FIELD_OPTIONS_MISSING', { file, pointer: `${stepPointer}/${name}/fields/${i}` }, `下拉选择字段“${field.name}”缺少 options`);
      }
      const pattern = field.pattern === undefined ? undefined : compilePattern(field.pattern);
      if (pattern instanceof PatternError) {
        sink.error('FIELD_PATTERN_INVALID', { file, pointer: `${stepPointer}/${name}/fields/${i}/pattern` }, `字段“${field.name}”的${pattern.message}`);
      }
    }
    checkFieldConditions(fields ?? [], file, `${stepPointer}/${name}/fields`, sink);
  }
  checkFee(s, file, sink);
  const stages = steps.progress?.stages;
  if (stages) {
    const missing = (['submitted', 'completed'] as const).filter((stage) => !stages.includes(stage));
    if (missing.length > 0) {
      const at = { file, pointer: `${stepPointer}/progress/stages` };
      sink.error('PROGRESS_STAGES_INCOMPLETE', at, `进度阶段必须包含 ${missing.join('、')}（收件和办结是每个办件都有的阶段）`);
    }
  }
}

/** Submitted data is keyed by field and attachment name, so they share one namespace per form. */
function checkFieldNames(fields: FormField[], attachments: { name: string }[], file: string, form: string, sink: DiagnosticSink): void {
  const seen = new Map<string, string>();
  const items = [
    ...fields.map((f, i) => ({ name: f.name, pointer: `${form}/fields/${i}/name` })),
    ...attachments.map((a, i) => ({ name: a.name, pointer: `${form}/attachments/${i}/name` })),
  ];
  for (const item of items) {
    const earlier = seen.get(item.name);
    if (earlier) {
      sink.error('DUPLICATE_FIELD_NAME', { file, pointer: item.pointer }, `表单中字段名“${item.name}”重复`, { file, pointer: earlier });
    } else seen.set(item.name, item.pointer);
  }
}

/**
 * requiredWhen names another field of the same form; for a select the values must be its options,
 * or the condition could never hold. Uploads are not answers the condition can compare.
 */
function checkFieldConditions(fields: FormField[], file: string, pointer: string, sink: DiagnosticSink): void {
  for (const [i, field] of fields.entries()) {
    const when = field.requiredWhen;
    if (!when) continue;
    const at = `${pointer}/${i}/requiredWhen`;
    const otherIndex = fields.findIndex((f) => f.name === when.field);
    const other = fields[otherIndex];
    if (!other || other === field) {
      const why = other ? '不能以字段自身为条件' : '本表单中没有这个字段';
      sink.error('FIELD_CONDITION_UNKNOWN', { file, pointer: `${at}/field` }, `字段“${field.name}”的必填条件引用了“${when.field}”，${why}`);
      continue;
    }
    const related = { file, pointer: `${pointer}/${otherIndex}` };
    if (other.type === 'file') {
      const message = `字段“${field.name}”的必填条件不能引用上传字段“${other.name}”，请改用下拉选择等填写字段`;
      sink.error('FIELD_CONDITION_UNKNOWN', { file, pointer: `${at}/field` }, message, related);
      continue;
    }
    if (other.type !== 'select' || !other.options) continue;
    const options = new Set(other.options.map((o) => o.value));
    const values = typeof when.equals === 'string' ? [{ value: when.equals, pointer: `${at}/equals` }] : when.equals.map((value, j) => ({ value, pointer: `${at}/equals/${j}` }));
    for (const v of values) {
      if (options.has(v.value)) continue;
      const known = other.options.map((o) => o.value).join('、');
      const message = `字段“${field.name}”的必填条件值“${v.value}”不是字段“${other.name}”的选项（可选：${known}）`;
      sink.error('FIELD_CONDITION_UNKNOWN', { file, pointer: v.pointer }, message, related);
    }
  }
}

function checkFee(s: ServiceEntry, file: string, sink: DiagnosticSink): void {
  const fee = s.service.steps.payment?.fee;
  if (!fee || (fee.mode !== 'byOption' && fee.mode !== 'perUnit')) return;
  const feePointer = `${s.pointer}/steps/payment/fee`;
  const fields = s.service.steps.processing?.fields ?? [];
  const fieldIndex = fields.findIndex((f) => f.name === fee.field);
  const field = fields[fieldIndex];
  const wanted = fee.mode === 'byOption' ? 'select' : 'number';
  const wantedLabel = wanted === 'select' ? '下拉选择（select）' : '数字（number）';
  if (!field) {
    const message = `收费依据的字段“${fee.field}”不在办理表单（steps.processing.fields）中`;
    sink.error('FEE_FIELD_MISSING', { file, pointer: `${feePointer}/field` }, message);
    return;
  }
  const fieldPointer = `${s.pointer}/steps/processing/fields/${fieldIndex}`;
  if (field.type !== wanted) {
    const message = `收费依据的字段“${fee.field}”必须是${wantedLabel}类型，当前是 ${field.type}`;
    sink.error('FEE_FIELD_TYPE', { file, pointer: `${feePointer}/field` }, message, { file, pointer: fieldPointer });
    return;
  }
  if (fee.mode !== 'byOption') return;
  const options = new Set((field.options ?? []).map((o) => o.value));
  const priced = new Set(fee.amounts.map((a) => a.value));
  for (const [i, amount] of fee.amounts.entries()) {
    if (!options.has(amount.value)) {
      const message = `金额对应的选项“${amount.value}”不是字段“${fee.field}”的选项`;
      sink.error('FEE_OPTION_UNKNOWN', { file, pointer: `${feePointer}/amounts/${i}/value` }, message, { file, pointer: fieldPointer });
    }
  }
  for (const [i, option] of (field.options ?? []).entries()) {
    if (!priced.has(option.value)) {
      const message = `字段“${fee.field}”的选项“${option.value}”没有对应的金额（fee.amounts）`;
      sink.error('FEE_OPTION_UNPRICED', { file, pointer: `${fieldPointer}/options/${i}/value` }, message, { file, pointer: feePointer });
    }
  }
}
