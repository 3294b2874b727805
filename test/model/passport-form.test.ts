// The sample passport service (churujing/huzhao-banli): its processing form identifies the
// applicant and asks for a mailing address exactly when the passport is to be posted.
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import type { FormField } from '../../server/model/generated.js';
import { projectRoot } from '../../server/config.js';
import { validateForm } from '../../server/loop/forms/validate-form.js';

describe('sample passport application form', () => {
  let fields: FormField[];
  const ok = { name: '张三', idNumber: '11010519491231002X', delivery: 'hall' };

  before(async function () {
    this.timeout(30_000);
    const build = buildAccount(await loadCityFromDir(path.join(projectRoot, 'topics')), { publicBaseUrl: 'https://gov.example.cn' });
    assert.deepEqual(build.diagnostics.filter((d) => d.severity === 'error'), []);
    fields = build.services.find((s) => s.ref === 'churujing/huzhao-banli')!.steps.processing!.fields!;
  });

  it('requires the applicant name and id card number', () => {
    const r = validateForm(fields, { delivery: 'hall' });
    assert.deepEqual(r.errors.map((e) => e.message), ['请填写“姓名”', '请填写“身份证号”']);
    assert.deepEqual(validateForm(fields, { ...ok, idNumber: '110105194912310020' }).errors.map((e) => e.field), ['idNumber']);
  });

  it('refuses postal delivery without an address, naming the chosen option', () => {
    const r = validateForm(fields, { ...ok, delivery: 'post' });
    assert.deepEqual(r.errors.map((e) => e.message), ['“领证方式”选择“邮政速递（邮费到付）”时，“邮寄地址”为必填项']);
  });

  it('accepts postal delivery with an address and hall pickup without one', () => {
    assert.equal(validateForm(fields, { ...ok, delivery: 'post', mailAddress: '东湖区八一大道 357 号 2 栋' }).ok, true);
    assert.equal(validateForm(fields, ok).ok, true);
  });
});
