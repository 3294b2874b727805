import assert from 'node:assert/strict';
import type { BuiltService, CompiledKeyword, MenuButton } from '../../server/builder/types.js';
import { describeDiff, diffBuilds, diffKeywords, diffMenus, diffServices } from '../../server/console/diff.js';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import { withFile } from '../../server/console/drafts.js';
import { cityDir, editedDepartment } from './harness.js';

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
  it('reports added, removed and changed services with the changed steps', () => {
    const before = [svc('jj/a'), svc('jj/b', { steps: { payment: { online: true, timing: 'after-acceptance', fee: { mode: 'fixed', amountFen: 100 } } } })];
    const after = [
      svc('jj/b', { name: 'B2', steps: { payment: { online: true, timing: 'after-acceptance', fee: { mode: 'fixed', amountFen: 200 } }, rating: { online: true } } }),
      svc('jj/c'),
    ];
    assert.deepEqual(diffServices(before, after), [
      { change: 'changed', ref: 'jj/b', name: 'B2', details: ['名称：b → B2', '修改步骤“缴费”', '新增步骤“评价”'] },
      { change: 'added', ref: 'jj/c', name: 'c', details: [] },
      { change: 'removed', ref: 'jj/a', name: 'a', details: [] },
    ]);
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
    assert.ok(text.some((t) => t.startsWith('修改服务“交通违法查询”（jiaojing/weizhang-chaxun）：菜单名：违章查询 → 查违章')), text.join('\n'));
    assert.equal(diff.empty, false);
  });

  it('is empty for identical builds', async () => {
    const files = await loadCityFromDir(cityDir);
    const build = buildAccount(files, { publicBaseUrl: 'https://gov.example.cn' });
    assert.equal(diffBuilds(build, build).empty, true);
  });
});
