import assert from 'node:assert/strict';
import { compileFormSchema, type FormField } from '../../../server/loop/forms/compile-form-schema.js';
import { validateForm } from '../../../server/loop/forms/validate-form.js';

const DELIVERY: FormField = {
  name: 'delivery',
  label: '领证方式',
  type: 'select',
  required: true,
  options: [
    { value: 'post', label: '邮政速递' },
    { value: 'express', label: '顺丰快递' },
    { value: 'hall', label: '到大厅领取' },
  ],
};
const ADDRESS: FormField = { name: 'mailAddress', label: '邮寄地址', type: 'text', min: 4, requiredWhen: { field: 'delivery', equals: 'post' } };
const FIELDS = [DELIVERY, ADDRESS];

describe('validateForm with requiredWhen', () => {
  it('requires the field when the other answer matches, naming both fields and the option label', () => {
    const r = validateForm(FIELDS, { delivery: 'post', mailAddress: '  ' });
    assert.equal(r.ok, false);
    assert.deepEqual(r.errors, [{ field: 'mailAddress', label: '邮寄地址', message: '“领证方式”选择“邮政速递”时，“邮寄地址”为必填项' }]);
  });

  it('leaves the field optional when the other answer differs or is missing', () => {
    assert.equal(validateForm(FIELDS, { delivery: 'hall' }).ok, true);
    const r = validateForm(FIELDS, {});
    assert.deepEqual(r.errors.map((e) => [e.field, e.message]), [['delivery', '请选择“领证方式”']]);
  });

  it('accepts the answer when given, and still checks its own rules', () => {
    assert.equal(validateForm(FIELDS, { delivery: 'post', mailAddress: '东湖区八一大道 1 号' }).ok, true);
    const r = validateForm(FIELDS, { delivery: 'post', mailAddress: '东湖' });
    assert.deepEqual(r.errors.map((e) => e.message), ['“邮寄地址”至少 4 个字']);
  });

  it('matches any of several values and names the chosen one', () => {
    const fields = [DELIVERY, { ...ADDRESS, requiredWhen: { field: 'delivery', equals: ['post', 'express'] } }];
    assert.equal(validateForm(fields, { delivery: 'hall' }).ok, true);
    const r = validateForm(fields, { delivery: 'express' });
    assert.deepEqual(r.errors.map((e) => e.message), ['“领证方式”选择“顺丰快递”时，“邮寄地址”为必填项']);
  });

  it('compares number answers as numbers and names a non-select answer as given', () => {
    const fields: FormField[] = [
      { name: 'copies', label: '份数', type: 'number' },
      { name: 'reason', label: '用途说明', type: 'text', requiredWhen: { field: 'copies', equals: ['3'] } },
    ];
    assert.equal(validateForm(fields, { copies: '2' }).ok, true);
    assert.deepEqual(validateForm(fields, { copies: '3' }).errors.map((e) => e.message), ['“份数”为“3”时，“用途说明”为必填项']);
  });

  it('ignores a condition on a field the form does not hold', () => {
    const fields = [{ ...ADDRESS, requiredWhen: { field: 'missing', equals: 'x' } }];
    assert.equal(validateForm(fields, {}).ok, true);
  });
});

describe('compileFormSchema with requiredWhen', () => {
  it('compiles the condition into an if/then', () => {
    const schema = compileFormSchema(FIELDS);
    assert.deepEqual(schema.required, ['delivery']);
    assert.deepEqual(schema.allOf, [
      { if: { type: 'object', properties: { delivery: { enum: ['post'] } }, required: ['delivery'] }, then: { properties: { mailAddress: true }, required: ['mailAddress'] } },
    ]);
  });

  it('adds no allOf to a form without conditions', () => {
    assert.equal('allOf' in compileFormSchema([DELIVERY]), false);
  });
});
