// Notice types and reminders checked at build time against the account's templates and WeChat's
// template rules (2023-05-04): one valid declaration in beforeEach, each case changes one thing.
import assert from 'node:assert/strict';
import { CityDraft, codesOf, type Json, positionOf, withCode } from './city-draft.js';
import { vehicleKind } from '../bindings/bindings-fixture.js';

describe('checkNotices', () => {
  let draft: CityDraft;
  let notice: Json;

  beforeEach(() => {
    draft = CityDraft.fixture();
    draft.account.notifications = {
      templates: { weifa: { templateId: 'TM_VIOLATION', fields: ['keyword1', 'keyword2'] } },
      subscriptions: { daoqi: { templateId: 'SUB_DUE', fields: ['thing1', 'car_number2'] } },
    };
    notice = {
      id: 'weifa-tongzhi',
      name: '交通违法通知',
      template: 'weifa',
      fields: [
        { name: 'plate', label: '车牌号码', key: 'keyword1' },
        { name: 'behavior', label: '违法行为', key: 'keyword2' },
      ],
    };
    const dept = draft.department('jiaojing');
    dept.notices = [notice];
    dept.reminders = [{ id: 'nianjian', name: '年检提醒', notice: 'weifa-tongzhi', follows: { pushed: true }, daysBefore: [7, 30], data: { plate: '{plate}', behavior: '检验到期 {date}' } }];
  });

  it('builds a valid notice type and reminder with the template ids resolved', () => {
    const build = draft.build();
    assert.deepEqual(codesOf(build).filter((c) => c.startsWith('NOTICE') || c.startsWith('REMINDER')), []);
    assert.deepEqual(build.notices?.map((n) => [n.ref, n.template.templateId]), [['jiaojing/weifa-tongzhi', 'TM_VIOLATION']]);
    assert.deepEqual(build.reminders?.[0]?.daysBefore, [30, 7]);
    assert.deepEqual(build.reminders?.[0]?.placeholders, ['date', 'plate']);
  });

  it('leaves the build unchanged for a city without notices', () => {
    const plain = CityDraft.fixture();
    assert.equal(plain.build().notices, undefined);
  });

  it('refuses a first or remark field, which WeChat dropped in 2023', () => {
    notice.fields[1].key = 'remark';
    const [d] = withCode(draft.build(), 'NOTICE_FIELD_FORBIDDEN');
    assert.match(d!.message, /2023 年 5 月 4 日起已被微信取消/);
    assert.equal(d!.pointer, '/notices/0/fields/1/key');
    const text = draft.textOf('departments/jiaojing.json');
    assert.deepEqual({ line: d!.line, column: d!.column }, positionOf(text, '"remark"'));
  });

  it('refuses a fixed value over 20 characters', () => {
    notice.fields[1].value = '机动车违反禁止标线指示且未按规定让行人先行通过';
    const [d] = withCode(draft.build(), 'NOTICE_VALUE_TOO_LONG');
    assert.match(d!.message, /超过上限 20 个字/);
  });

  it('applies the subscription type’s own limit to a fixed value (car_number: 8)', () => {
    notice.subscription = 'daoqi';
    notice.fields[0].subscriptionKey = 'car_number2';
    notice.fields[0].value = '鄂A12345678';
    notice.fields[1].subscriptionKey = 'thing1';
    assert.match(withCode(draft.build(), 'NOTICE_VALUE_TOO_LONG')[0]!.message, /超过上限 8 个字/);
  });

  it('refuses a line break in a fixed value', () => {
    notice.fields[1].value = '请及时\n处理';
    assert.equal(withCode(draft.build(), 'NOTICE_VALUE_LINE_BREAK').length, 1);
  });

  it('refuses a template the account has not registered', () => {
    notice.template = 'jiaotong';
    assert.match(withCode(draft.build(), 'NOTICE_TEMPLATE_UNKNOWN')[0]!.message, /notifications\.templates/);
  });

  it('refuses a field the template does not have and a template field left empty', () => {
    notice.fields[1].key = 'keyword3';
    const build = draft.build();
    assert.match(withCode(build, 'NOTICE_FIELD_UNKNOWN')[0]!.message, /没有字段“keyword3”/);
    assert.match(withCode(build, 'NOTICE_FIELD_MISSING')[0]!.message, /“keyword2”没有对应的数据/);
  });

  it('refuses a subscription notice the account does not have', () => {
    notice.subscription = 'changqi';
    assert.equal(withCode(draft.build(), 'NOTICE_SUBSCRIPTION_UNKNOWN').length, 1);
  });

  it('refuses a reminder whose notice type is missing, or whose data leaves a field empty', () => {
    draft.department('jiaojing').reminders[0].data = { plate: '{plate}' };
    assert.match(withCode(draft.build(), 'REMINDER_DATA_MISSING')[0]!.message, /behavior（违法行为）/);
    draft.department('jiaojing').reminders[0].notice = 'nope';
    assert.equal(withCode(draft.build(), 'REMINDER_NOTICE_UNKNOWN').length, 1);
  });

  it('refuses a reminder that follows a binding the department does not declare', () => {
    draft.department('jiaojing').reminders[0].follows = { binding: 'vehicle', field: 'inspectionDue' };
    assert.equal(withCode(draft.build(), 'REMINDER_BINDING_UNKNOWN').length, 1);
  });

  it('refuses a reminder that follows both a binding and pushed dates', () => {
    draft.department('jiaojing').reminders[0].follows = { pushed: true, binding: 'vehicle', field: 'x' };
    assert.equal(withCode(draft.build(), 'REMINDER_FOLLOWS_INVALID').length, 1);
  });

  describe('a reminder whose date is refreshed through the binding’s connector', () => {
    beforeEach(() => {
      draft.account.connectors = [{ id: 'tmri', baseUrl: 'https://tmri.example.gov.cn/v1', auth: { type: 'hmac-sha256', secretEnv: 'CONNECTOR_TMRI' } }];
      draft.department('jiaojing').bindings = [vehicleKind()];
      draft.department('jiaojing').reminders[0].follows = { binding: 'vehicle', field: 'inspectionDue', refresh: true };
    });
    const refreshAt = (text: string) => positionOf(text, 'true', text.indexOf('"refresh"'));

    it('builds it with refresh set', () => {
      const build = draft.build();
      assert.deepEqual(codesOf(build).filter((c) => c.startsWith('REMINDER')), []);
      assert.deepEqual(build.reminders?.[0]?.follows, { binding: 'vehicle', field: 'inspectionDue', refresh: true });
    });

    it('leaves refresh out of the build when the file says false', () => {
      draft.department('jiaojing').reminders[0].follows.refresh = false;
      assert.deepEqual(draft.build().reminders?.[0]?.follows, { binding: 'vehicle', field: 'inspectionDue' });
    });

    it('refuses refresh on pushed dates, naming file, line and column', () => {
      draft.department('jiaojing').reminders[0].follows = { pushed: true, refresh: true };
      const [d] = withCode(draft.build(), 'REMINDER_REFRESH_PUSHED');
      assert.match(d!.message, /只有跟随绑定数据的提醒才能通过部门系统接口刷新日期/);
      assert.equal(d!.file, 'departments/jiaojing.json');
      assert.equal(d!.pointer, '/reminders/0/follows/refresh');
      assert.deepEqual({ line: d!.line, column: d!.column }, refreshAt(draft.textOf('departments/jiaojing.json')));
    });

    it('refuses refresh of a kind accepted as declared, which has no connector to ask', () => {
      draft.department('jiaojing').bindings[0].verify = { declared: true };
      const [d] = withCode(draft.build(), 'REMINDER_REFRESH_DECLARED');
      assert.match(d!.message, /绑定类型“机动车”按市民填写的信息登记（declared）/);
      assert.deepEqual({ line: d!.line, column: d!.column }, refreshAt(draft.textOf('departments/jiaojing.json')));
      assert.deepEqual(draft.build().reminders ?? [], []);
    });

    it('refuses refresh of a date the verifying connector does not return', () => {
      draft.department('jiaojing').bindings[0].verify.connector.map = { model: '/data/model' };
      const [d] = withCode(draft.build(), 'REMINDER_REFRESH_FIELD');
      assert.equal(d!.pointer, '/reminders/0/follows/field');
      assert.match(d!.message, /核验接口不返回“inspectionDue”.*现有：model/);
      const text = draft.textOf('departments/jiaojing.json');
      assert.deepEqual({ line: d!.line, column: d!.column }, positionOf(text, '"inspectionDue"', text.indexOf('"reminders"')));
    });
  });
});
