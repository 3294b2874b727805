import assert from 'node:assert/strict';
import { CityDraft, withCode, type Json } from './city-draft.js';

const REF = 'jiaojing/jiashizheng-huanzheng';
const FORM = '/services/2/steps/processing/fields';

/** Adds an optional 备注 field to the licence form, required under `when`. */
function addConditional(city: CityDraft, when: Json): void {
  city.service(REF).steps.processing.fields.push({ name: 'note', label: '备注', type: 'text', requiredWhen: when });
}

function conditionDiagnostics(city: CityDraft) {
  return withCode(city.build(), 'FIELD_CONDITION_UNKNOWN').map((d) => ({ pointer: d.pointer, message: d.message, related: d.related?.pointer }));
}

describe('requiredWhen rules (FIELD_CONDITION_UNKNOWN)', () => {
  let city: CityDraft;
  beforeEach(() => {
    city = CityDraft.fixture();
  });

  it('accepts a condition on an option of a select field in the same form', () => {
    addConditional(city, { field: 'licenceClass', equals: ['A1', 'C1'] });
    assert.deepEqual(city.build().diagnostics, []);
  });

  it('reports a condition naming a field the form lacks', () => {
    addConditional(city, { field: 'idNumber', equals: 'x' });
    assert.deepEqual(conditionDiagnostics(city), [
      { pointer: `${FORM}/2/requiredWhen/field`, message: '字段“note”的必填条件引用了“idNumber”，本表单中没有这个字段', related: undefined },
    ]);
  });

  it('reports a field conditioned on itself', () => {
    addConditional(city, { field: 'note', equals: 'x' });
    assert.deepEqual(conditionDiagnostics(city).map((d) => d.message), ['字段“note”的必填条件引用了“note”，不能以字段自身为条件']);
  });

  it('reports a value that is not an option of the select field, pointing at the value', () => {
    addConditional(city, { field: 'licenceClass', equals: ['C1', 'B2'] });
    assert.deepEqual(conditionDiagnostics(city), [
      {
        pointer: `${FORM}/2/requiredWhen/equals/1`,
        message: '字段“note”的必填条件值“B2”不是字段“licenceClass”的选项（可选：C1、A1）',
        related: `${FORM}/0`,
      },
    ]);
  });

  it('reports a single-value condition at equals itself', () => {
    addConditional(city, { field: 'licenceClass', equals: 'B2' });
    assert.deepEqual(conditionDiagnostics(city).map((d) => d.pointer), [`${FORM}/2/requiredWhen/equals`]);
  });

  it('reports a condition on an upload field', () => {
    city.service(REF).steps.processing.fields.push({ name: 'scan', label: '扫描件', type: 'file' });
    addConditional(city, { field: 'scan', equals: 'x' });
    assert.deepEqual(conditionDiagnostics(city).map((d) => d.message), ['字段“note”的必填条件不能引用上传字段“scan”，请改用下拉选择等填写字段']);
  });

  it('checks appointment forms too', () => {
    city.service(REF).steps.appointment.fields.push({ name: 'note', label: '备注', type: 'text', requiredWhen: { field: 'licenceClass', equals: 'C1' } });
    assert.deepEqual(conditionDiagnostics(city).map((d) => d.pointer), ['/services/2/steps/appointment/fields/1/requiredWhen/field']);
  });

  it('reports a malformed requiredWhen through the schema', () => {
    addConditional(city, { field: 'licenceClass', equals: [] });
    assert.ok(city.build().diagnostics.some((d) => d.severity === 'error' && d.pointer.startsWith(`${FORM}/2/requiredWhen`)));
  });
});
