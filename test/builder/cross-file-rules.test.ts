import assert from 'node:assert/strict';
import { CityDraft, withCode, type Json } from './city-draft.js';

describe('cross-file rules', () => {
  let city: CityDraft;
  beforeEach(() => {
    city = CityDraft.fixture();
  });

  const cases: {
    code: string;
    name: string;
    edit: (c: CityDraft) => void;
    file: string;
    pointer: string;
    message: string;
    severity?: 'error' | 'warning';
    related?: string;
  }[] = [
    {
      code: 'DUPLICATE_DEPARTMENT_ID',
      name: 'a department id used by two files',
      edit: (c) => c.set('departments/jiuye-copy.json', structuredClone(c.department('jiuye'))),
      file: 'departments/jiuye.json',
      pointer: '/id',
      message: '部门编号“jiuye”已在 departments/jiuye-copy.json 中使用',
      related: 'departments/jiuye-copy.json',
    },
    {
      code: 'DEPARTMENT_FILE_NAME',
      name: 'a department file named differently from its id',
      edit: (c) => c.set('departments/jy.json', c.department('jiuye')).remove('departments/jiuye.json'),
      file: 'departments/jy.json',
      pointer: '/id',
      message: '部门文件名应与编号一致：departments/jiuye.json',
      severity: 'warning',
    },
    {
      code: 'DUPLICATE_TOPIC_ID',
      name: 'a topic id used by two files',
      edit: (c) => c.set('chuxing2.json', structuredClone(c.topic('chuxing'))),
      file: 'chuxing2.json',
      pointer: '/id',
      message: '主题编号“chuxing”已在 chuxing.json 中使用',
      related: 'chuxing.json',
    },
    {
      code: 'TOPIC_FILE_NAME',
      name: 'a topic file named differently from its id',
      edit: (c) => c.set('travel.json', c.topic('chuxing')).remove('chuxing.json'),
      file: 'travel.json',
      pointer: '/id',
      message: '主题文件名应与编号一致：chuxing.json',
      severity: 'warning',
    },
    {
      code: 'DUPLICATE_SERVICE_ID',
      name: 'a service id used twice in a department',
      edit: (c) => c.department('shebao').services.push(structuredClone(c.service('shebao/yanglao-chaxun'))),
      file: 'departments/shebao.json',
      pointer: '/services/2/id',
      message: '服务编号“yanglao-chaxun”在本部门已使用',
      related: 'departments/shebao.json',
    },
    {
      code: 'DUPLICATE_HALL_ID',
      name: 'a hall id used twice in a department',
      edit: (c) => (c.department('jiaojing').halls[1].id = 'chezhusuo'),
      file: 'departments/jiaojing.json',
      pointer: '/halls/1/id',
      message: '大厅编号“chezhusuo”在本部门已使用',
      related: 'departments/jiaojing.json',
    },
    {
      code: 'DUPLICATE_FIELD_NAME',
      name: 'an attachment named like a form field',
      edit: (c) => (c.service('jiaojing/jiashizheng-huanzheng').steps.processing.attachments[0].name = 'phone'),
      file: 'departments/jiaojing.json',
      pointer: '/services/2/steps/processing/attachments/0/name',
      message: '表单中字段名“phone”重复',
      related: 'departments/jiaojing.json',
    },
    {
      code: 'UNKNOWN_DEPARTMENT',
      name: 'a lead department that does not exist',
      edit: (c) => (c.topic('chuxing').lead = 'gongan'),
      file: 'chuxing.json',
      pointer: '/lead',
      message: '牵头部门“gongan”不存在（没有 departments/gongan.json）',
    },
    {
      code: 'UNKNOWN_DEPARTMENT',
      name: 'a cooperating department that does not exist',
      edit: (c) => (c.topic('shebao-jiuye').cooperating = ['jiuye', 'minzheng']),
      file: 'shebao-jiuye.json',
      pointer: '/cooperating/1',
      message: '配合部门“minzheng”不存在（没有 departments/minzheng.json）',
    },
    {
      code: 'UNKNOWN_DEPARTMENT',
      name: 'a bad-review department that does not exist',
      edit: (c) => (c.service('jiaojing/jiashizheng-huanzheng').steps.rating.badReviewDepartment = 'jiancha'),
      file: 'departments/jiaojing.json',
      pointer: '/services/2/steps/rating/badReviewDepartment',
      message: '差评整改部门“jiancha”不存在（departments/ 下没有这个部门）',
    },
    {
      code: 'UNKNOWN_SERVICE',
      name: 'a topic service missing from its department',
      edit: (c) => c.topic('chuxing').services.push('jiaojing/nianjian'),
      file: 'chuxing.json',
      pointer: '/services/3',
      message: '服务“jiaojing/nianjian”不存在：部门“jiaojing”中没有编号为“nianjian”的服务',
    },
    {
      code: 'UNKNOWN_SERVICE',
      name: 'a topic service of an unknown department',
      edit: (c) => c.topic('chuxing').services.push('gaotie/chepiao'),
      file: 'chuxing.json',
      pointer: '/services/3',
      message: '服务“gaotie/chepiao”不存在：没有部门“gaotie”',
    },
    {
      code: 'UNKNOWN_SERVICE',
      name: 'a preferred service that does not exist',
      edit: (c) => (c.account.keywordResolutions = [{ keyword: '违章', strategy: 'prefer', prefer: 'jiaojing/nope' }]),
      file: 'account.json',
      pointer: '/keywordResolutions/0/prefer',
      message: '服务“jiaojing/nope”不存在：部门“jiaojing”中没有编号为“nope”的服务',
    },
    {
      code: 'UNKNOWN_HALL',
      name: 'a location naming another department’s hall',
      edit: (c) => (c.service('jiaojing/jiashizheng-huanzheng').steps.location.halls = ['chezhusuo', 'zhongxin']),
      file: 'departments/jiaojing.json',
      pointer: '/services/2/steps/location/halls/1',
      message: '本部门没有编号为“zhongxin”的大厅（halls 中未定义）',
    },
    {
      code: 'UNKNOWN_TOPIC',
      name: 'a menu slot naming a missing topic',
      edit: (c) => (c.account.menu.buttons[2].topics = ['chuxing', 'zhufang']),
      file: 'account.json',
      pointer: '/menu/buttons/2/topics/1',
      message: '主题“zhufang”不存在（没有 zhufang.json）',
    },
    {
      code: 'FEE_FIELD_MISSING',
      name: 'a per-unit fee on a field the form lacks',
      edit: (c) => (c.service('shebao/shebaoka-buban').steps.payment.fee.field = 'count'),
      file: 'departments/shebao.json',
      pointer: '/services/0/steps/payment/fee/field',
      message: '收费依据的字段“count”不在办理表单（steps.processing.fields）中',
    },
    {
      code: 'FEE_FIELD_TYPE',
      name: 'a by-option fee on a non-select field',
      edit: (c) => (c.service('jiaojing/jiashizheng-huanzheng').steps.payment.fee.field = 'phone'),
      file: 'departments/jiaojing.json',
      pointer: '/services/2/steps/payment/fee/field',
      message: '收费依据的字段“phone”必须是下拉选择（select）类型，当前是 phone',
      related: 'departments/jiaojing.json',
    },
    {
      code: 'FEE_FIELD_TYPE',
      name: 'a per-unit fee on a non-number field',
      edit: (c) => (c.service('shebao/shebaoka-buban').steps.processing.fields[0].type = 'text'),
      file: 'departments/shebao.json',
      pointer: '/services/0/steps/payment/fee/field',
      message: '收费依据的字段“copies”必须是数字（number）类型，当前是 text',
      related: 'departments/shebao.json',
    },
    {
      code: 'FEE_OPTION_UNKNOWN',
      name: 'an amount for an option the field lacks',
      edit: (c) => (c.service('jiaojing/jiashizheng-huanzheng').steps.payment.fee.amounts[1].value = 'B2'),
      file: 'departments/jiaojing.json',
      pointer: '/services/2/steps/payment/fee/amounts/1/value',
      message: '金额对应的选项“B2”不是字段“licenceClass”的选项',
      related: 'departments/jiaojing.json',
    },
    {
      code: 'FEE_OPTION_UNPRICED',
      name: 'an option without an amount',
      edit: (c) => c.service('jiaojing/jiashizheng-huanzheng').steps.processing.fields[0].options.push({ value: 'B1', label: 'B1' }),
      file: 'departments/jiaojing.json',
      pointer: '/services/2/steps/processing/fields/0/options/2/value',
      message: '字段“licenceClass”的选项“B1”没有对应的金额（fee.amounts）',
      related: 'departments/jiaojing.json',
    },
    {
      code: 'FIELD_OPTIONS_MISSING',
      name: 'a select field without options',
      edit: (c) => c.service('jiaojing/jiashizheng-huanzheng').steps.appointment.fields.push({ name: 'kind', label: '类别', type: 'select' }),
      file: 'departments/jiaojing.json',
      pointer: '/services/2/steps/appointment/fields/1',
      message: '下拉选择字段“kind”缺少 options',
    },
    {
      code: 'PROGRESS_STAGES_INCOMPLETE',
      name: 'progress stages without completed',
      edit: (c) => (c.service('jiaojing/fakuan-jiaona').steps.progress.stages = ['submitted', 'accepted']),
      file: 'departments/jiaojing.json',
      pointer: '/services/1/steps/progress/stages',
      message: '进度阶段必须包含 completed（收件和办结是每个办件都有的阶段）',
    },
    {
      code: 'HOURS_ORDER',
      name: 'a hall period closing before it opens',
      edit: (c) => (c.department('jiaojing').halls[0].hours.mon[1] = { open: '13:30', close: '12:00' }),
      file: 'departments/jiaojing.json',
      pointer: '/halls/0/hours/mon/1/close',
      message: '结束时间 12:00 必须晚于开始时间 13:30',
    },
    {
      code: 'HOURS_ORDER',
      name: 'a desk period opening and closing at once',
      edit: (c) => (c.account.desk.hours.fri = [{ open: '09:00', close: '09:00' }]),
      file: 'account.json',
      pointer: '/desk/hours/fri/0/close',
      message: '结束时间 09:00 必须晚于开始时间 09:00',
    },
    {
      code: 'SERVICE_IN_NO_TOPIC',
      name: 'a service no topic lists',
      edit: (c) => (c.topic('shebao-jiuye').services = ['shebao/shebaoka-buban', 'jiuye/shiye-dengji']),
      file: 'departments/shebao.json',
      pointer: '/services/1/id',
      message: '服务“养老保险缴费查询”不属于任何主题，菜单里找不到它（只能通过关键词到达）',
      severity: 'warning',
    },
    {
      code: 'TOPIC_NOT_IN_MENU',
      name: 'a topic the menu never shows',
      edit: (c) => (c.account.menu.buttons = [{ topic: 'chuxing' }]),
      file: 'shebao-jiuye.json',
      pointer: '/id',
      message: '主题“社保就业”没有出现在 account.json 的菜单中',
      severity: 'warning',
    },
  ];

  for (const t of cases) {
    it(`reports ${t.code} for ${t.name}`, () => {
      t.edit(city);
      const build = city.build();
      const found = withCode(build, t.code);
      assert.equal(found.length, 1, JSON.stringify(build.diagnostics, null, 1));
      const d = found[0]!;
      assert.deepEqual(
        { file: d.file, pointer: d.pointer, message: d.message, severity: d.severity, related: d.related?.file },
        { file: t.file, pointer: t.pointer, message: t.message, severity: t.severity ?? 'error', related: t.related },
      );
    });
  }

  it('accepts 24:00 as a closing time', () => {
    city.department('jiaojing').halls[1].hours.tue = [{ open: '20:00', close: '24:00' }];
    assert.deepEqual(city.build().diagnostics, []);
  });

  it('keeps the first of two departments with one id and drops the second', () => {
    const copy: Json = structuredClone(city.department('jiuye'));
    copy.name = '重复的就业中心';
    city.set('departments/zz-jiuye.json', copy);
    const build = city.build();
    assert.equal(build.departments.find((d) => d.id === 'jiuye')?.name, '市就业服务中心');
  });
});
