import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BASE_URL, CityDraft, positionOf, withCode } from './city-draft.js';
import { buildAccount, formatDiagnostic, hasErrors } from '../../server/builder/build-account.js';
import { canonicalJson } from '../../server/builder/canonical-json.js';
import { withFile } from '../../server/builder/load-city.js';

describe('buildAccount', () => {
  let city: CityDraft;
  beforeEach(() => {
    city = CityDraft.fixture();
  });

  it('describes a six-step service with its URL, topics, halls and online steps', () => {
    const service = city.build().services.find((s) => s.ref === 'jiaojing/jiashizheng-huanzheng')!;
    assert.equal(service.url, `${BASE_URL}/s/jiaojing/jiashizheng-huanzheng`);
    assert.equal(service.menuName, '驾驶证换证');
    assert.deepEqual(service.topics, ['chuxing']);
    assert.deepEqual(service.halls, ['jiaojing/chezhusuo', 'jiaojing/chengxi']);
    assert.deepEqual(service.online, { location: true, appointment: true, processing: true, payment: true, progress: true, rating: true });
  });

  it('counts a step online only when declared and not online: false', () => {
    const services = city.build().services;
    const buban = services.find((s) => s.ref === 'shebao/shebaoka-buban')!;
    assert.deepEqual(buban.online, { location: false, appointment: false, processing: true, payment: true, progress: true, rating: false });
    const shiye = services.find((s) => s.ref === 'jiuye/shiye-dengji')!;
    assert.deepEqual([shiye.online.payment, shiye.online.rating, shiye.menuName], [false, false, '失业登记']);
  });

  it('lists departments, halls and services by id and topics by order', () => {
    const build = city.build();
    assert.deepEqual(build.departments.map((d) => d.id), ['jiaojing', 'jiuye', 'shebao']);
    assert.deepEqual(build.halls.map((h) => h.ref), ['jiaojing/chengxi', 'jiaojing/chezhusuo', 'shebao/zhongxin']);
    assert.deepEqual(build.topics.map((t) => [t.id, t.order, t.cooperating]), [['chuxing', 1, []], ['shebao-jiuye', 2, ['jiuye']]]);
    assert.deepEqual(build.services.map((s) => s.ref), [...build.services.map((s) => s.ref)].sort());
    assert.deepEqual(build.departments[0], { id: 'jiaojing', name: '市公安局交通警察支队', hotline: '0571-122' });
  });

  it('keeps the account fields and drops the menu and resolutions from them', () => {
    const { account } = city.build();
    assert.equal(account.name, '示范市政务服务');
    assert.equal(account.badReviewDeadlineDays, 5);
    assert.equal('menu' in account || '$schema' in account || 'keywordResolutions' in account, false);
  });

  it('builds byte-identical JSON from the same input twice', () => {
    const first = JSON.stringify(city.build(), null, 2);
    const second = JSON.stringify(CityDraft.fixture().build(), null, 2);
    assert.equal(first, second);
  });

  it('builds the same output whatever the order of the files', () => {
    const files = city.toFiles();
    const reversed = { files: [...files.files].reverse() };
    const rotated = { files: [...files.files.slice(2), ...files.files.slice(0, 2)] };
    const expected = JSON.stringify(buildAccount(files, { publicBaseUrl: BASE_URL }), null, 2);
    assert.equal(JSON.stringify(buildAccount(reversed, { publicBaseUrl: BASE_URL }), null, 2), expected);
    assert.equal(JSON.stringify(buildAccount(rotated, { publicBaseUrl: BASE_URL }), null, 2), expected);
  });

  it('reports diagnostics in the same order whatever the order of the files', () => {
    city.topic('chuxing').lead = 'nobody';
    city.service('jiuye/shiye-dengji').keywords = [{ text: '违章' }];
    const files = city.toFiles();
    const a = buildAccount(files, { publicBaseUrl: BASE_URL }).diagnostics;
    const b = buildAccount({ files: [...files.files].reverse() }, { publicBaseUrl: BASE_URL }).diagnostics;
    assert.ok(a.length >= 3);
    assert.deepEqual(a, b);
  });

  it('hashes the canonical JSON of the build without its hash', () => {
    const build = city.build();
    const { hash, ...rest } = build;
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.equal(hash, createHash('sha256').update(canonicalJson(rest)).digest('hex'));
  });

  it('changes the hash when any declared text changes', () => {
    const before = city.build().hash;
    city.service('jiuye/shiye-dengji').summary = '办理失业登记。';
    assert.notEqual(city.build().hash, before);
  });

  it('returns a build with the valid parts when there are errors', () => {
    city.setText('departments/jiuye.json', '{ "id": "jiuye", ');
    const build = city.build();
    assert.equal(hasErrors(build), true);
    assert.deepEqual(build.departments.map((d) => d.id), ['jiaojing', 'shebao']);
    assert.equal(build.menu.button.length, 3);
  });

  it('builds a draft with one department replaced in memory', () => {
    const draft = city.service('jiuye/shiye-dengji');
    draft.name = '失业登记（新）';
    const files = withFile(CityDraft.fixture().toFiles(), { path: 'departments/jiuye.json', text: city.textOf('departments/jiuye.json') });
    const build = buildAccount(files, { publicBaseUrl: BASE_URL });
    assert.equal(build.services.find((s) => s.ref === 'jiuye/shiye-dengji')!.name, '失业登记（新）');
  });

  it('locates a keyword diagnostic at the keyword object in its file', () => {
    city.service('jiuye/shiye-dengji').keywords = [{ text: '失业', match: 'contains' }, { text: '违章' }];
    const build = city.build();
    const d = withCode(build, 'KEYWORD_CONFLICT').find((x) => x.file === 'departments/jiuye.json')!;
    const objectBefore = (text: string, needle: string) => positionOf(text, '{', text.lastIndexOf('{', text.indexOf(needle)));
    assert.equal(d.pointer, '/services/0/keywords/1');
    assert.deepEqual({ line: d.line, column: d.column }, objectBefore(city.textOf('departments/jiuye.json'), '"违章"'));
    const related = objectBefore(city.textOf('departments/jiaojing.json'), '"违章"');
    assert.deepEqual({ line: d.related!.line, column: d.related!.column }, related);
    assert.ok(d.line > 1 && d.column > 1);
  });

  it('formats a diagnostic as file line:column pointer code severity message', () => {
    const line = formatDiagnostic({
      severity: 'error',
      code: 'KEYWORD_CONFLICT',
      file: 'departments/jiaojing.json',
      line: 12,
      column: 9,
      pointer: '/services/0/keywords/1',
      message: '关键词“违章”冲突',
    });
    assert.equal(line, 'departments/jiaojing.json 12:9 /services/0/keywords/1 KEYWORD_CONFLICT 错误: 关键词“违章”冲突');
    assert.equal(formatDiagnostic({ severity: 'warning', code: 'X', file: 'a.json', line: 1, column: 1, pointer: '', message: 'm' }), 'a.json 1:1 / X 警告: m');
  });

  it('strips a trailing slash from the public base URL', () => {
    const build = city.build(`${BASE_URL}/`);
    assert.equal(build.publicBaseUrl, BASE_URL);
    assert.equal(build.services[0]!.url.startsWith(`${BASE_URL}/s/`), true);
  });
});
