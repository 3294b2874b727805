import assert from 'node:assert/strict';
import { CityDraft, positionOf, withCode, type Json } from './city-draft.js';
import { buildAccount, hasErrors } from '../../server/builder/build-account.js';

describe('schema diagnostics', () => {
  let city: CityDraft;
  beforeEach(() => {
    city = CityDraft.fixture();
  });

  it('finds no problem in the valid fixture city', () => {
    const build = city.build();
    assert.deepEqual(build.diagnostics, []);
    assert.equal(hasErrors(build), false);
  });

  const cases: { code: string; edit: (c: CityDraft) => void; file: string; pointer: string; message: string }[] = [
    {
      code: 'SCHEMA_REQUIRED',
      edit: (c) => delete c.service('shebao/yanglao-chaxun').summary,
      file: 'departments/shebao.json',
      pointer: '/services/1',
      message: '缺少必填字段“summary”',
    },
    {
      code: 'SCHEMA_ADDITIONAL_PROPERTIES',
      edit: (c) => (c.department('jiuye').foo = 1),
      file: 'departments/jiuye.json',
      pointer: '/foo',
      message: '不允许的字段“foo”（请检查拼写）',
    },
    {
      code: 'SCHEMA_ENUM',
      edit: (c) => (c.service('jiaojing/weizhang-chaxun').keywords[0].match = 'fuzzy'),
      file: 'departments/jiaojing.json',
      pointer: '/services/0/keywords/0/match',
      message: '值必须是以下之一：exact、contains',
    },
    {
      code: 'SCHEMA_TYPE',
      edit: (c) => (c.department('shebao').halls[0].lat = '30.25'),
      file: 'departments/shebao.json',
      pointer: '/halls/0/lat',
      message: '值的类型必须是数字',
    },
    {
      code: 'SCHEMA_PATTERN',
      edit: (c) => (c.service('jiuye/shiye-dengji').id = 'Shiye_Dengji'),
      file: 'departments/jiuye.json',
      pointer: '/services/0/id',
      message: '格式不正确：只能用小写字母、数字和连字符“-”，以字母开头，最多 40 个字符',
    },
    {
      code: 'SCHEMA_MIN_LENGTH',
      edit: (c) => (c.topic('chuxing').menuName = ''),
      file: 'chuxing.json',
      pointer: '/menuName',
      message: '不能为空',
    },
    {
      code: 'SCHEMA_MAX_LENGTH',
      edit: (c) => (c.service('jiuye/shiye-dengji').name = '失'.repeat(31)),
      file: 'departments/jiuye.json',
      pointer: '/services/0/name',
      message: '最多 30 个字符，当前 31 个',
    },
    {
      code: 'SCHEMA_MINIMUM',
      edit: (c) => (c.service('jiaojing/jiashizheng-huanzheng').steps.appointment.slotMinutes = 1),
      file: 'departments/jiaojing.json',
      pointer: '/services/2/steps/appointment/slotMinutes',
      message: '不能小于 5',
    },
    {
      code: 'SCHEMA_MINIMUM',
      edit: (c) => (c.department('shebao').halls[0].appointmentsPerDay = 0),
      file: 'departments/shebao.json',
      pointer: '/halls/0/appointmentsPerDay',
      message: '不能小于 1',
    },
    {
      code: 'SCHEMA_MAXIMUM',
      edit: (c) => (c.account.badReviewDeadlineDays = 31),
      file: 'account.json',
      pointer: '/badReviewDeadlineDays',
      message: '不能大于 30',
    },
    {
      code: 'SCHEMA_MIN_ITEMS',
      edit: (c) => (c.topic('chuxing').services = []),
      file: 'chuxing.json',
      pointer: '/services',
      message: '至少需要 1 项',
    },
    {
      code: 'SCHEMA_MAX_ITEMS',
      edit: (c) => (c.department('shebao').halls[0].hours.mon = Array(5).fill({ open: '09:00', close: '10:00' })),
      file: 'departments/shebao.json',
      pointer: '/halls/0/hours/mon',
      message: '最多 4 项',
    },
    {
      code: 'SCHEMA_UNIQUE_ITEMS',
      edit: (c) => (c.service('shebao/shebaoka-buban').steps.progress.stages = ['submitted', 'completed', 'submitted']),
      file: 'departments/shebao.json',
      pointer: '/services/0/steps/progress/stages/2',
      message: '第 3 项与第 1 项重复',
    },
    {
      code: 'SCHEMA_DISCRIMINATOR',
      edit: (c) => (c.service('jiuye/shiye-dengji').steps.payment.fee = { mode: 'free' }),
      file: 'departments/jiuye.json',
      pointer: '/services/0/steps/payment/fee',
      message: '“mode”必须是以下之一：fixed、byOption、perUnit、assessed',
    },
    {
      code: 'SCHEMA_NOT',
      edit: (c) => (c.account.menu.buttons[0].name = '出行'),
      file: 'account.json',
      pointer: '/menu/buttons/0',
      message: '菜单按钮填写了“topic”时不能再填写“name”或“topics”',
    },
  ];

  for (const t of cases) {
    it(`reports ${t.code} with a Chinese message at ${t.file} ${t.pointer}`, () => {
      t.edit(city);
      const found = withCode(city.build(), t.code);
      assert.equal(found.length, 1, JSON.stringify(city.build().diagnostics, null, 1));
      assert.equal(found[0]!.file, t.file);
      assert.equal(found[0]!.pointer, t.pointer);
      assert.equal(found[0]!.message, t.message);
      assert.equal(found[0]!.severity, 'error');
    });
  }

  it('points a missing field at its parent object', () => {
    delete city.service('shebao/yanglao-chaxun').summary;
    const [d] = withCode(city.build(), 'SCHEMA_REQUIRED');
    const text = city.textOf('departments/shebao.json');
    const serviceStart = positionOf(text, '{', text.indexOf('"yanglao-chaxun"') - 20);
    assert.deepEqual({ line: d!.line, column: d!.column }, serviceStart);
  });

  it('points an unknown field at its name', () => {
    city.department('jiuye').foo = 1;
    const [d] = withCode(city.build(), 'SCHEMA_ADDITIONAL_PROPERTIES');
    assert.deepEqual({ line: d!.line, column: d!.column }, positionOf(city.textOf('departments/jiuye.json'), '"foo"'));
  });

  it('points a wrong value at the value in a hand-formatted file', () => {
    const text = '{\n  "$schema": "../schemas/topic.schema.json",\n  "id": "chuxing", "name": "出行服务",\n\t"menuName": 42,\n  "lead": "jiaojing",\n  "services": ["jiaojing/weizhang-chaxun"]\n}\n';
    city.setText('chuxing.json', text);
    const [d] = withCode(city.build(), 'SCHEMA_TYPE');
    assert.equal(d!.pointer, '/menuName');
    assert.deepEqual({ line: d!.line, column: d!.column }, { line: 4, column: 14 });
  });

  it('reports every problem of a file in one run', () => {
    const service: Json = city.service('shebao/yanglao-chaxun');
    delete service.summary;
    service.menuAction = 'open';
    city.department('shebao').halls[0].lng = 500;
    assert.deepEqual(
      city.build().diagnostics.map((d) => d.code).sort(),
      ['SCHEMA_ENUM', 'SCHEMA_MAXIMUM', 'SCHEMA_REQUIRED'],
    );
  });

  it('ignores the value of $schema', () => {
    city.department('jiuye').$schema = 'https://elsewhere.example/whatever.json';
    assert.deepEqual(city.build().diagnostics, []);
  });

  it('leaves a broken service out without blaming the topic that names it', () => {
    delete city.service('shebao/yanglao-chaxun').summary;
    const build = city.build();
    assert.deepEqual(build.diagnostics.map((d) => d.code), ['SCHEMA_REQUIRED']);
    assert.equal(build.services.some((s) => s.ref === 'shebao/yanglao-chaxun'), false);
    assert.equal(build.services.some((s) => s.ref === 'shebao/shebaoka-buban'), true);
  });

  it('leaves a broken department out without blaming the references to it', () => {
    delete city.department('jiuye').name;
    const build = city.build();
    assert.deepEqual(build.diagnostics.map((d) => d.code), ['SCHEMA_REQUIRED']);
    assert.equal(build.departments.some((d) => d.id === 'jiuye'), false);
    assert.equal(build.departments.length, 2);
  });

  describe('JSON syntax', () => {
    const syntaxCases: { name: string; text: string; position: { line: number; column: number }; message: string }[] = [
      { name: 'a trailing comma', text: '{\n  "id": "jiuye",\n  "name": "x",\n}\n', position: { line: 4, column: 1 }, message: '或多了一个逗号' },
      { name: 'a comment', text: '{\n  // 注释\n  "id": "jiuye"\n}\n', position: { line: 2, column: 3 }, message: 'JSON 文件不允许写注释' },
      { name: 'a missing comma', text: '{\n  "id": "jiuye"\n  "name": "x"\n}\n', position: { line: 3, column: 3 }, message: '缺少逗号' },
      { name: 'an unterminated string', text: '{\n  "id": "jiuye\n}', position: { line: 2, column: 9 }, message: '' },
      { name: 'an empty file', text: '', position: { line: 1, column: 1 }, message: '文件是空的' },
    ];
    for (const t of syntaxCases) {
      it(`reports JSON_SYNTAX with the position of ${t.name}`, () => {
        city.setText('departments/jiuye.json', t.text);
        const build = city.build();
        const [d] = withCode(build, 'JSON_SYNTAX');
        assert.ok(d, JSON.stringify(build.diagnostics));
        assert.equal(d.file, 'departments/jiuye.json');
        assert.deepEqual({ line: d.line, column: d.column }, t.position);
        assert.ok(d.message.includes(t.message), d.message);
        assert.equal(build.departments.length, 2);
      });
    }
  });

  it('reports ACCOUNT_MISSING when account.json is absent', () => {
    const build = city.remove('account.json').build();
    assert.equal(withCode(build, 'ACCOUNT_MISSING').length, 1);
    assert.deepEqual(build.menu, { button: [] });
  });

  it('warns FILE_IGNORED for a file outside the layout', () => {
    city.setText('notes/readme.json', '{}');
    const [d] = withCode(city.build(), 'FILE_IGNORED');
    assert.equal(d!.severity, 'warning');
    assert.equal(d!.file, 'notes/readme.json');
  });

  it('reports FILE_DUPLICATE when one path is given twice', () => {
    const files = city.toFiles();
    files.files.push({ ...files.files[0]! });
    const build = buildAccount(files, { publicBaseUrl: 'https://x.cn' });
    assert.equal(withCode(build, 'FILE_DUPLICATE').length, 1);
  });
});
