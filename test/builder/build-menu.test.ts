import assert from 'node:assert/strict';
import { BASE_URL, CityDraft, withCode, type Json } from './city-draft.js';
import { checkMenuLimits, displayWidth, utf8Bytes } from '../../server/builder/check-menu-limits.js';
import type { MenuAssembly } from '../../server/builder/build-menu.js';
import { DiagnosticSink } from '../../server/builder/diagnostics.js';

/** A service for department jiaojing with a given id and menu name. */
function extraService(id: string, menuName?: string): Json {
  return { id, name: `服务${id}`, ...(menuName ? { menuName } : {}), summary: '测试服务。', steps: {} };
}

describe('buildMenu', () => {
  let city: CityDraft;
  beforeEach(() => {
    city = CityDraft.fixture();
  });

  it('assembles each topic slot into a sub-menu of its services in order', () => {
    const { menu } = city.build();
    assert.deepEqual(menu.button[0], {
      name: '出行',
      sub_button: [
        { type: 'view', name: '违章查询', url: `${BASE_URL}/s/jiaojing/weizhang-chaxun` },
        { type: 'click', name: '罚款缴纳', key: 'svc:jiaojing/fakuan-jiaona' },
        { type: 'view', name: '驾驶证换证', url: `${BASE_URL}/s/jiaojing/jiashizheng-huanzheng` },
      ],
    });
    assert.equal('type' in menu.button[0]!, false);
  });

  it('assembles a group slot into click buttons for its topics', () => {
    const build = city.build();
    assert.deepEqual(build.menu.button[2], {
      name: '办事指南',
      sub_button: [
        { type: 'click', name: '出行', key: 'topic:chuxing' },
        { type: 'click', name: '社保就业', key: 'topic:shebao-jiuye' },
      ],
    });
    assert.deepEqual(build.menuKeys, {
      'svc:jiaojing/fakuan-jiaona': { kind: 'service', service: 'jiaojing/fakuan-jiaona' },
      'topic:chuxing': { kind: 'topic', topic: 'chuxing' },
      'topic:shebao-jiuye': { kind: 'topic', topic: 'shebao-jiuye' },
    });
  });

  it('makes a one-service topic a direct top-level button', () => {
    city.topic('shebao-jiuye').services = ['shebao/yanglao-chaxun'];
    city.service('jiuye/shiye-dengji').keywords = [];
    const build = city.build();
    assert.deepEqual(build.menu.button[1], { type: 'view', name: '社保就业', url: `${BASE_URL}/s/shebao/yanglao-chaxun` });
  });

  it('shows four services and 更多 when a topic has more than five', () => {
    for (const id of ['a1', 'a2', 'a3']) {
      city.department('jiaojing').services.push(extraService(id));
      city.topic('chuxing').services.push(`jiaojing/${id}`);
    }
    const build = city.build();
    const top = build.menu.button[0] as { sub_button: Json[] };
    assert.deepEqual(top.sub_button.map((b) => b.name), ['违章查询', '罚款缴纳', '驾驶证换证', '服务a1', '更多']);
    assert.deepEqual(top.sub_button[4], { type: 'click', name: '更多', key: 'more:chuxing' });
    assert.deepEqual(build.menuKeys['more:chuxing'], { kind: 'more', topic: 'chuxing', services: ['jiaojing/a2', 'jiaojing/a3'] });
  });

  it('shows all five services of a five-service topic', () => {
    for (const id of ['a1', 'a2']) {
      city.department('jiaojing').services.push(extraService(id));
      city.topic('chuxing').services.push(`jiaojing/${id}`);
    }
    const top = city.build().menu.button[0] as { sub_button: Json[] };
    assert.equal(top.sub_button.length, 5);
    assert.equal(top.sub_button.some((b) => b.name === '更多'), false);
  });

  it('ends a group slot with a 附近大厅 location_select button when nearby is set', () => {
    city.account.menu.buttons[2].nearby = true;
    const build = city.build();
    const top = build.menu.button[2] as { sub_button: Json[] };
    assert.deepEqual(top.sub_button.at(-1), { type: 'location_select', name: '附近大厅', key: 'loc:nearby' });
    assert.deepEqual(build.menuKeys['loc:nearby'], { kind: 'location' });
  });

  it('keeps room for 附近大厅 in a long topic slot: three services, 更多, then 附近大厅', () => {
    for (const id of ['a1', 'a2', 'a3']) {
      city.department('jiaojing').services.push(extraService(id));
      city.topic('chuxing').services.push(`jiaojing/${id}`);
    }
    city.account.menu.buttons[0].nearby = true;
    const build = city.build();
    const top = build.menu.button[0] as { sub_button: Json[] };
    assert.deepEqual(top.sub_button.map((b) => b.name), ['违章查询', '罚款缴纳', '驾驶证换证', '更多', '附近大厅']);
    assert.deepEqual(build.menuKeys['more:chuxing'], { kind: 'more', topic: 'chuxing', services: ['jiaojing/a1', 'jiaojing/a2', 'jiaojing/a3'] });
    assert.equal(withCode(build, 'MENU_TOO_MANY_SUB_BUTTONS').length, 0);
  });

  it('counts 附近大厅 toward a group\'s five sub-buttons', () => {
    city.account.menu.buttons[2].topics = ['chuxing', 'shebao-jiuye', 'chuxing', 'shebao-jiuye', 'chuxing'];
    city.account.menu.buttons[2].nearby = true;
    const [d] = withCode(city.build(), 'MENU_TOO_MANY_SUB_BUTTONS');
    assert.match(d!.message, /有 6 个/);
  });

  it('rejects a fourth top-level button', () => {
    city.account.menu.buttons.push({ name: '第四个', topics: ['chuxing'] });
    const [d] = withCode(city.build(), 'MENU_TOO_MANY_BUTTONS');
    assert.deepEqual([d!.file, d!.pointer, d!.message], ['account.json', '/menu/buttons/3', '菜单最多 3 个一级按钮，现在有 4 个']);
  });

  it('rejects a group of six topics', () => {
    city.account.menu.buttons[2].topics = ['chuxing', 'shebao-jiuye', 'chuxing', 'shebao-jiuye', 'chuxing', 'shebao-jiuye'];
    const [d] = withCode(city.build(), 'MENU_TOO_MANY_SUB_BUTTONS');
    assert.deepEqual([d!.file, d!.pointer], ['account.json', '/menu/buttons/2/topics']);
  });

  const nameCases: { name: string; edit: (c: CityDraft) => void; error?: { file: string; pointer: string; bytes: number }; warning?: boolean }[] = [
    { name: '5 汉字 (15 bytes) at top level', edit: (c) => (c.topic('chuxing').menuName = '出行服务站'), warning: true },
    {
      name: '6 汉字 (18 bytes) at top level',
      edit: (c) => (c.topic('chuxing').menuName = '出行服务大厅'),
      error: { file: 'chuxing.json', pointer: '/menuName', bytes: 18 },
    },
    { name: '16 ASCII bytes at top level', edit: (c) => (c.topic('chuxing').menuName = 'A'.repeat(16)), warning: true },
    {
      name: '17 ASCII bytes at top level',
      edit: (c) => (c.topic('chuxing').menuName = 'A'.repeat(17)),
      error: { file: 'chuxing.json', pointer: '/menuName', bytes: 17 },
      // The same name also shows in the 办事指南 group, where 17 letters exceed the 16-wide display.
      warning: true,
    },
    {
      name: 'a too long group name',
      edit: (c) => (c.account.menu.buttons[2].name = '办事指南大全'),
      error: { file: 'account.json', pointer: '/menu/buttons/2/name', bytes: 18 },
    },
    { name: '4 汉字 at top level', edit: (c) => (c.topic('chuxing').menuName = '出行服务') },
    { name: '20 汉字 (60 bytes) in a sub-menu', edit: (c) => (c.service('jiaojing/weizhang-chaxun').menuName = '违'.repeat(20)), warning: true },
    {
      name: '21 汉字 (63 bytes) in a sub-menu',
      edit: (c) => (c.service('jiaojing/weizhang-chaxun').menuName = '违'.repeat(21)),
      error: { file: 'departments/jiaojing.json', pointer: '/services/0/menuName', bytes: 63 },
    },
    {
      name: '21 汉字 of a service without menuName',
      edit: (c) => {
        delete c.service('shebao/shebaoka-buban').menuName;
        c.service('shebao/shebaoka-buban').name = '补'.repeat(21);
      },
      error: { file: 'departments/shebao.json', pointer: '/services/0/name', bytes: 63 },
    },
    { name: '8 汉字 in a sub-menu', edit: (c) => (c.service('jiaojing/weizhang-chaxun').menuName = '违'.repeat(8)) },
    { name: '9 汉字 in a sub-menu', edit: (c) => (c.service('jiaojing/weizhang-chaxun').menuName = '违'.repeat(9)), warning: true },
  ];

  for (const t of nameCases) {
    it(`${t.error ? 'rejects' : 'accepts'} a menu name of ${t.name}`, () => {
      t.edit(city);
      const build = city.build();
      const errors = withCode(build, 'MENU_NAME_TOO_LONG');
      if (t.error) {
        assert.equal(errors.length, 1, JSON.stringify(build.diagnostics));
        assert.deepEqual([errors[0]!.file, errors[0]!.pointer], [t.error.file, t.error.pointer]);
        assert.ok(errors[0]!.message.includes(`有 ${t.error.bytes} 字节`), errors[0]!.message);
      } else {
        assert.deepEqual(build.diagnostics.filter((d) => d.severity === 'error'), []);
      }
      assert.equal(withCode(build, 'MENU_NAME_TRUNCATED').length, t.warning ? 1 : 0);
    });
  }

  it('rejects a view URL longer than 1024 bytes', () => {
    const build = city.build(`https://gov.example.cn/${'p'.repeat(1000)}`);
    const errors = withCode(build, 'MENU_URL_TOO_LONG');
    assert.ok(errors.length >= 1);
    assert.equal(errors[0]!.pointer.endsWith('/id'), true);
  });

  it('rejects a click key longer than 128 bytes', () => {
    const source = { file: 'departments/x.json', pointer: '/services/0/id' };
    const button = { type: 'click' as const, name: '办', key: `svc:${'k'.repeat(125)}` };
    const assembly: MenuAssembly = {
      menu: { button: [button] },
      menuKeys: {},
      placed: [{ slot: { file: 'account.json', pointer: '/menu/buttons/0' }, top: { button, nameSource: source, valueSource: source, children: [] } }],
    };
    const sink = new DiagnosticSink();
    checkMenuLimits(assembly, sink);
    assert.deepEqual(sink.items.map((d) => [d.code, d.at.pointer]), [['MENU_KEY_TOO_LONG', '/services/0/id']]);
  });

  it('counts bytes in UTF-8 and display width with CJK as two', () => {
    assert.deepEqual([utf8Bytes('社保'), utf8Bytes('ETC'), utf8Bytes('ＥＴＣ')], [6, 3, 9]);
    assert.deepEqual([displayWidth('社保就业'), displayWidth('ETC办理'), displayWidth('ＥＴＣ')], [8, 7, 6]);
  });
});
