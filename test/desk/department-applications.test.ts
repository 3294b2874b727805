import assert from 'node:assert/strict';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import type { BuiltService } from '../../server/builder/types.js';
import { applicationAnswers, listDepartmentApplications, loadScopedApplication, parseYuan } from '../../server/desk/department-applications.js';
import { listScopedCases } from '../../server/desk/department-cases.js';
import { workScope } from '../../server/desk/work-scope.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { cityDir } from '../console/harness.js';
import { cardApplication, licenceApplication, seedApplication, seedCase } from './work-fixtures.js';
import { loadConfig } from '../../server/config.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createRenderer } from '../../server/render.js';

describe('parseYuan', () => {
  const OK: Array<[unknown, number | undefined]> = [['', undefined], [undefined, undefined], ['0', 0], ['12', 1200], ['12.5', 1250], ['12.05', 1205], [' 3.10 ', 310]];
  for (const [input, fen] of OK) it(`reads ${JSON.stringify(input)} as ${fen} 分`, () => assert.equal(parseYuan(input), fen));
  for (const bad of ['-1', '1.234', 'abc', '1e3', '.5']) {
    it(`refuses ${bad}`, () => assert.throws(() => parseYuan(bad), /最多两位小数（单位：元）/));
  }
});

describe('department applications', () => {
  let licence: BuiltService;
  before(async () => {
    const build = buildAccount(await loadCityFromDir(cityDir), { publicBaseUrl: 'http://localhost' });
    licence = build.services.find((s) => s.ref === 'jiaojing/jiashizheng-huanzheng')!;
  });

  it('labels answers by the form, options by their label, and keeps answers to fields no longer on the form', () => {
    const app = licenceApplication('JJ-1', { data: { licenceClass: 'A1', phone: '', old: '旧字段' } });
    assert.deepEqual(applicationAnswers(app, licence), [
      { label: '准驾车型', value: 'A1 大型客车' },
      { label: '手机号', value: '（未填写）' },
      { label: 'old', value: '旧字段' },
    ]);
  });

  it('lists the scope’s queue oldest first and hides other departments', async () => {
    const store = createMemoryStore();
    await seedApplication(store, licenceApplication('JJ-2', { submittedAt: '2026-11-03T00:00:00Z' }));
    await seedApplication(store, licenceApplication('JJ-1', { submittedAt: '2026-11-02T00:00:00Z' }));
    await seedApplication(store, cardApplication('SB-1'));
    assert.deepEqual((await listDepartmentApplications(store, workScope('staff', ['jiaojing']))).map((a) => a.no), ['JJ-1', 'JJ-2']);
    assert.deepEqual((await listDepartmentApplications(store, workScope('platform', []))).map((a) => a.no).sort(), ['JJ-1', 'JJ-2', 'SB-1']);
    await assert.rejects(loadScopedApplication(store, 'SB-1', workScope('staff', ['jiaojing'])), /办件不存在：SB-1/);
    assert.equal((await loadScopedApplication(store, 'SB-1', workScope('dept-admin', ['shebao']))).no, 'SB-1');
  });

  it('lists the scope’s cases, overdue first', async () => {
    const store = createMemoryStore();
    const build = buildAccount(await loadCityFromDir(cityDir), { publicBaseUrl: 'http://localhost' });
    const deps = { config: loadConfig({}), store, live: createLiveBuild(build), renderer: createRenderer(), now: () => new Date('2026-11-20T02:00:00Z') };
    await seedCase(store, 'JJ-1', { deadline: '2026-12-01' });
    await seedCase(store, 'JJ-2', { deadline: '2026-11-10' });
    await seedCase(store, 'SB-1', { department: 'shebao' });
    const cases = await listScopedCases(deps, workScope('staff', ['jiaojing']));
    assert.deepEqual(cases.map((c) => [c.id, c.overdue]), [['JJ-2-ZG', true], ['JJ-1-ZG', false]]);
    assert.equal((await listScopedCases(deps, workScope('platform', []))).length, 3);
  });
});

describe('ID numbers on staff screens', () => {
  it('shows only the first six and last four characters', async () => {
    const { maskIdNumber } = await import('../../server/desk/mask.js');
    assert.equal(maskIdNumber('11010519491231002X'), '110105********002X');
    assert.equal(maskIdNumber('110105491231002'), '110105*****1002');
    assert.equal(maskIdNumber('12345'), '*****');
  });

  it('masks an idcard answer of an application', () => {
    const service = {
      ref: 'renshe/card', steps: { processing: { online: true, timeLimitDays: 1, fields: [{ name: 'idNumber', label: '身份证号码', type: 'idcard', required: true }] } },
    } as unknown as BuiltService;
    const app = licenceApplication('JJ-1', { service: 'renshe/card', data: { idNumber: '11010519491231002X' } });
    assert.deepEqual(applicationAnswers(app, service), [{ label: '身份证号码', value: '110105********002X' }]);
  });
});
