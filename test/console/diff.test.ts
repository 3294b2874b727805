import assert from 'node:assert/strict';
import type { BuiltService, CompiledKeyword, MenuButton } from '../../server/builder/types.js';
import { describeDiff, diffBuilds, diffKeywords, diffMenus, diffServices } from '../../server/console/diff.js';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import { withFile } from '../../server/console/drafts.js';
import { cityDir, editedDepartment } from './harness.js';
import { diffFiles } from '../../server/console/line-diff.js';

const view = (name: string, url: string): MenuButton => ({ type: 'view', name, url });
const click = (name: string, key: string): MenuButton => ({ type: 'click', name, key });
const group = (name: string, sub_button: MenuButton[]): MenuButton => ({ name, sub_button });

function kw(text: string, owner: string, service = `${owner}/a`): CompiledKeyword {
  return { text, normalized: text, match: 'contains', priority: 0, owner, target: { kind: 'service', service }, source: { file: `departments/${owner}.json`, pointer: '/services/0/keywords/0' } };
}

function svc(ref: string, extra: Partial<BuiltService> = {}): BuiltService {
  const [department = '', id = ''] = ref.split('/');
  return {
    ref, department, id, name: id, menuName: id, summary: 's', url: `https://x/${ref}`, topics: [], steps: {}, halls: [],
    online: { location: false, appointment: false, processing: false, payment: false, progress: false, rating: false }, ...extra,
  };
}

describe('diffMenus', () => {
  const before = [group('出行', [view('违章查询', 'u1'), click('罚款', 'k1')]), click('社保', 'topic:shebao')];

  it('reports nothing for the same menu', () => {
    assert.deepEqual(diffMenus(before, structuredClone(before)), []);
  });

  it('reports a renamed, an added and a removed sub-button', () => {
    const after = [group('出行', [view('查违章', 'u1'), click('年检', 'k2')]), click('社保', 'topic:shebao')];
    assert.deepEqual(diffMenus(before, after), [
      { change: 'renamed', parent: '出行', before: '违章查询', after: '查违章' },
      { change: 'added', parent: '出行', after: '年检' },
      { change: 'removed', parent: '出行', before: '罚款' },
    ]);
  });

  it('reports a renamed top-level group and a new top-level button', () => {
    const after = [group('交通出行', [view('违章查询', 'u1'), click('罚款', 'k1')]), click('社保', 'topic:shebao'), click('附近', 'loc:nearby')];
    assert.deepEqual(diffMenus(before, after), [
      { change: 'renamed', parent: '', before: '出行', after: '交通出行' },
      { change: 'added', parent: '', after: '附近' },
    ]);
  });

  it('reports a button that moved to another group', () => {
    const after = [group('出行', [view('违章查询', 'u1')]), group('社保', [click('罚款', 'k1')])];
    const changes = diffMenus(before, after);
    assert.ok(changes.some((c) => c.change === 'moved' && c.after === '罚款' && c.parent === '社保' && c.before === '出行'));
  });
});

describe('diffKeywords', () => {
  it('reports added, removed and owner-changed keywords', () => {
    const before = [kw('违章', 'jiaojing'), kw('社保', 'shebao'), kw('养老', 'shebao')];
    const after = [kw('违章', 'jiaojing'), kw('社保', 'renshe'), kw('罚款', 'jiaojing')];
    assert.deepEqual(diffKeywords(before, after), [
      { change: 'owner-changed', text: '社保', ownersBefore: ['shebao'], ownersAfter: ['renshe'] },
      { change: 'added', text: '罚款', ownersBefore: [], ownersAfter: ['jiaojing'] },
      { change: 'removed', text: '养老', ownersBefore: ['shebao'], ownersAfter: [] },
    ]);
  });

  it('reports a keyword that now answers with another service of the same owner', () => {
    const changes = diffKeywords([kw('违章', 'jiaojing', 'jiaojing/a')], [kw('违章', 'jiaojing', 'jiaojing/b')]);
    assert.deepEqual(changes.map((c) => c.change), ['target-changed']);
  });
});

describe('diffServices', () => {
  it('reports added, removed and changed services field by field, fees in yuan', async () => {
    const build = buildAccount(await loadCityFromDir(cityDir), { publicBaseUrl: 'https://gov.example.cn' });
    const pay = (amountFen: number) => ({ online: true, timing: 'after-acceptance' as const, fee: { mode: 'fixed' as const, amountFen } });
    const before = { ...build, services: [svc('jj/a'), svc('jj/b', { steps: { payment: pay(2000) } })] };
    const after = { ...build, services: [svc('jj/b', { name: 'B2', steps: { payment: pay(200000) }, }), svc('jj/c')] };
    assert.deepEqual(diffServices(before, after), [
      { change: 'changed', ref: 'jj/b', name: 'B2', details: ['名称：b → B2', '缴费 · 费用：¥20 → ¥2,000'] },
      { change: 'added', ref: 'jj/c', name: 'c', details: [] },
      { change: 'removed', ref: 'jj/a', name: 'a', details: [] },
    ]);
  });
});

describe('diffBuilds shows what citizens see change', () => {
  const opts = { publicBaseUrl: 'https://gov.example.cn' };
  async function lines(department: string, edit: (json: any) => void) {
    const files = await loadCityFromDir(cityDir);
    const after = withFile(files, `departments/${department}.json`, editedDepartment(files.files, department, edit));
    return describeDiff(diffBuilds(buildAccount(files, opts), buildAccount(after, opts))).map((l) => l.text);
  }

  it('shows a raised fee old → new in yuan', async () => {
    const text = await lines('jiaojing', (d) => {
      const s = d.services.find((x: any) => x.steps.payment?.fee?.mode === 'byOption');
      s.steps.payment.fee.amounts[0].amountFen = 200000;
    });
    assert.ok(text.some((t) => /缴费 · 费用：按所选项目：.*¥10.* → 按所选项目：.*¥2,000/.test(t)), text.join('\n'));
  });

  it('shows every hall phone, address, hours and the department hotline and name', async () => {
    const text = await lines('jiaojing', (d) => {
      d.name = `${d.name}（新）`;
      d.hotline = '12345';
      for (const h of d.halls) { h.phone = '110'; h.address = '新地址 1 号'; h.hours = { mon: [{ open: '10:00', close: '12:00' }] }; }
    });
    const joined = text.join('\n');
    assert.match(joined, /大厅“[^”]+”.* · 电话：0571-87654321 → 110/);
    assert.match(joined, /大厅“[^”]+”.* · 地址：.+ → 新地址 1 号/);
    assert.match(joined, /大厅“[^”]+”.* · 开放时间：周一 .+ → 周一 10:00-12:00/);
    assert.match(joined, /部门“[^”]+（新）”（jiaojing） · 热线：0571-122 → 12345/);
    assert.match(joined, /部门“[^”]+（新）”（jiaojing） · 名称：.+ → .+（新）/);
  });

  it('shows a hall’s new appointments per day', async () => {
    const text = await lines('jiaojing', (d) => (d.halls[0].appointmentsPerDay = 80));
    assert.ok(text.some((t) => /大厅“[^”]+”.* · 每日预约上限：不限 → 80 个/.test(t)), text.join('\n'));
  });

  it('shows time limits, field labels and requirements', async () => {
    const text = await lines('jiaojing', (d) => {
      const s = d.services.find((x: any) => x.steps.processing?.fields?.length);
      s.steps.processing.timeLimitDays += 5;
      s.steps.processing.fields[0].label = '新标签';
      s.steps.processing.fields[0].required = !s.steps.processing.fields[0].required;
    });
    const joined = text.join('\n');
    assert.match(joined, /办理 · 承诺时限：\d+ 个工作日 → \d+ 个工作日/);
    assert.match(joined, /办理 · 字段 \w+ · 名称：.+ → 新标签/);
    assert.match(joined, /办理 · 字段 \w+ · 必填：(是 → 否|否 → 是)/);
  });
});

describe('diffBuilds', () => {
  it('finds a menu rename, a new keyword and a changed service between two real builds', async () => {
    const files = await loadCityFromDir(cityDir);
    const edited = editedDepartment(files.files, 'jiaojing', (d) => {
      d.services[0].menuName = '查违章';
      d.services[0].keywords.push({ text: '违章处理' });
    });
    const opts = { publicBaseUrl: 'https://gov.example.cn' };
    const diff = diffBuilds(buildAccount(files, opts), buildAccount(withFile(files, 'departments/jiaojing.json', edited), opts));
    const text = describeDiff(diff).map((l) => l.text);
    assert.ok(text.includes('“出行”下的按钮“违章查询”改名为“查违章”'), text.join('\n'));
    assert.ok(text.includes('新增关键词“违章处理”（jiaojing）'), text.join('\n'));
    assert.ok(text.includes('服务“交通违法查询”（jiaojing/weizhang-chaxun） · 菜单名：违章查询 → 查违章'), text.join('\n'));
    assert.equal(diff.empty, false);
  });

  it('is empty for identical builds', async () => {
    const files = await loadCityFromDir(cityDir);
    const build = buildAccount(files, { publicBaseUrl: 'https://gov.example.cn' });
    assert.equal(diffBuilds(build, build).empty, true);
  });
});

describe('diffFiles', () => {
  it('gives a line diff with line numbers for a changed file, nothing for an unchanged one', () => {
    const before = { files: [{ path: 'a.json', text: '{\n  "x": 1,\n  "y": 2\n}\n' }, { path: 'b.json', text: 'same\n' }] };
    const after = { files: [{ path: 'a.json', text: '{\n  "x": 1,\n  "y": 3\n}\n' }, { path: 'b.json', text: 'same\n' }] };
    const [diff, ...rest] = diffFiles(before, after);
    assert.deepEqual(rest, []);
    assert.equal(diff?.path, 'a.json');
    assert.deepEqual(diff?.rows.filter((r) => r.kind === 'added' || r.kind === 'removed'), [
      { kind: 'removed', oldLine: 3, text: '  "y": 2' },
      { kind: 'added', newLine: 3, text: '  "y": 3' },
    ]);
  });
});

describe('diffKeywords and cross-department priorities', () => {
  it('flags a keyword that now wins over another department by an approved priority', () => {
    const before = [kw('违停', 'chengguan'), kw('违停查询', 'jiaojing')];
    const after = [kw('违停', 'chengguan'), { ...kw('违停查询', 'jiaojing'), priority: 10, resolution: 'priority' as const, beats: ['chengguan'] }];
    const text = describeDiff({ menu: [], keywords: diffKeywords(before, after), services: [], fields: [], empty: false }).map((l) => l.text);
    assert.deepEqual(text, ['跨部门优先级（经平台批准）：关键词“违停查询”（jiaojing）胜过 chengguan 的关键词']);
  });
});
