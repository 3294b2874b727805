import assert from 'node:assert/strict';
import { compileFormSchema } from '../../../server/loop/forms/compile-form-schema.js';
import { isValidIdCard } from '../../../server/loop/forms/idcard.js';
import { validateForm } from '../../../server/loop/forms/validate-form.js';
import type { FormField } from '../../../server/model/generated.js';

const FIELDS: FormField[] = [
  { name: 'name', label: '姓名', type: 'text', required: true, min: 2, max: 4 },
  { name: 'idcard', label: '身份证号', type: 'idcard', required: true },
  { name: 'phone', label: '联系电话', type: 'phone' },
  { name: 'count', label: '补办张数', type: 'number', min: 1, max: 3 },
  { name: 'day', label: '出生日期', type: 'date' },
  { name: 'reason', label: '补办原因', type: 'select', options: [{ value: 'lost', label: '遗失' }] },
  { name: 'plate', label: '车牌号', type: 'text', pattern: '^粤[A-Z][A-Z0-9]{5}$', patternMessage: '车牌号应形如 粤A12345' },
  { name: 'photo', label: '照片', type: 'file' },
];
const OK = { name: '张三', idcard: '11010519491231002X' };

describe('validateForm', () => {
  it('accepts a complete answer and returns the cleaned values', () => {
    const r = validateForm(FIELDS, { ...OK, name: ' 张三 ', count: '2', idcard: '11010519491231002x', extra: 'dropped' });
    assert.equal(r.ok, true);
    assert.deepEqual(r.value, { name: '张三', idcard: '11010519491231002X', count: 2 });
  });

  const cases: Array<[string, Record<string, unknown>, string, string]> = [
    ['a missing required text', { idcard: OK.idcard }, 'name', '请填写“姓名”'],
    ['an empty required text', { ...OK, name: '  ' }, 'name', '请填写“姓名”'],
    ['a text below min length', { ...OK, name: '张' }, 'name', '“姓名”至少 2 个字'],
    ['a text above max length', { ...OK, name: '张三李四王' }, 'name', '“姓名”最多 4 个字'],
    ['a wrong id card check digit', { ...OK, idcard: '110105194912310021' }, 'idcard', '“身份证号”格式不正确'],
    ['a 15-digit id card', { ...OK, idcard: '110105491231002' }, 'idcard', '“身份证号”格式不正确'],
    ['a mobile number with 12 as prefix', { ...OK, phone: '12800138000' }, 'phone', '“联系电话”不是有效的手机号或固定电话（固话请带区号）'],
    ['a number below min', { ...OK, count: 0 }, 'count', '“补办张数”不能小于 1'],
    ['a number above max', { ...OK, count: '9' }, 'count', '“补办张数”不能大于 3'],
    ['a number that is text', { ...OK, count: '两张' }, 'count', '“补办张数”必须是数字'],
    ['an impossible date', { ...OK, day: '2025-02-30' }, 'day', '“出生日期”不是有效日期（格式：年-月-日，如 2025-03-01）'],
    ['an undeclared option', { ...OK, reason: 'stolen' }, 'reason', '请从给出的选项中选择“补办原因”'],
    ['a pattern mismatch with its own message', { ...OK, plate: '京A12345' }, 'plate', '车牌号应形如 粤A12345'],
    ['a file answer that is not an upload id', { ...OK, photo: '../../etc/passwd' }, 'photo', '“照片”不是有效的上传文件，请重新上传'],
  ];
  for (const [what, data, field, message] of cases) {
    it(`explains ${what} next to the field`, () => {
      const r = validateForm(FIELDS, data);
      assert.equal(r.ok, false);
      assert.deepEqual(r.errors.find((e) => e.field === field), { field, label: FIELDS.find((f) => f.name === field)!.label, message });
    });
  }

  it('accepts mobile and landline numbers', () => {
    for (const phone of ['13800138000', '19912345678', '020-12345678', '0571 8888888', '01012345678']) {
      assert.equal(validateForm(FIELDS, { ...OK, phone }).ok, true, phone);
    }
  });

  it('lists errors in the order of the form, one per field', () => {
    const r = validateForm(FIELDS, { count: 'x', name: '张' });
    assert.deepEqual(r.errors.map((e) => e.field), ['name', 'idcard', 'count']);
  });

  it('treats a body that is not an object as empty', () => {
    assert.deepEqual(validateForm(FIELDS, 'nonsense').errors.map((e) => e.field), ['name', 'idcard']);
  });
});

describe('isValidIdCard', () => {
  const cases: Array<[string, boolean]> = [
    ['11010519491231002X', true],
    ['440524188001010014', true],
    ['11010519491231002x', true],
    ['110105194912310020', false],
    ['11010519490231002X', false], // 31 February
    ['1101051949123100', false],
  ];
  for (const [id, ok] of cases) it(`${ok ? 'accepts' : 'rejects'} ${id}`, () => assert.equal(isValidIdCard(id), ok));
});

describe('compileFormSchema', () => {
  it('declares required fields and refuses undeclared ones', () => {
    const schema = compileFormSchema(FIELDS);
    assert.deepEqual(schema.required, ['name', 'idcard']);
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.properties.reason, { type: 'string', enum: ['lost'] });
    assert.deepEqual(schema.properties.count, { type: 'number', minimum: 1, maximum: 3 });
  });
});

describe('validateForm with department patterns', () => {
  it('checks ^(\\w+\\s?)*$ against a 40-character answer without backtracking, and answers correctly', () => {
    const fields: FormField[] = [{ name: 'code', label: '编码', type: 'text', pattern: '^(\\w+\\s?)*$' }];
    assert.equal(validateForm(fields, { code: `${'a'.repeat(40)}!` }).ok, false);
    assert.equal(validateForm(fields, { code: 'abc def' }).ok, true);
  });

  it('refuses a submission against a pattern the engine cannot compile with a field message, not an exception', () => {
    const fields: FormField[] = [{ name: 'code', label: '编码', type: 'text', pattern: '(' }];
    const r = validateForm(fields, { code: 'x' });
    assert.equal(r.ok, false);
    assert.deepEqual(r.errors, [{ field: 'code', label: '编码', message: '“编码”的格式规则有误，暂时无法提交，请联系办理部门' }]);
  });
});
