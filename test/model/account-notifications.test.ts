// account.json notifications: declared in the schema, checked by the builder, carried into the build.
import assert from 'node:assert/strict';
import path from 'node:path';
import { buildAccount } from '../../server/builder/build-account.js';
import { hasErrors } from '../../server/builder/diagnostics.js';
import { loadCityFromDir, withFile, type CityFiles } from '../../server/builder/load-city.js';
import { projectRoot } from '../../server/config.js';

const CITY = path.join(projectRoot, 'test/fixtures/city-min');
const OPTIONS = { publicBaseUrl: 'https://gov.example.cn' };

describe('account.json notifications', () => {
  let city: CityFiles;
  let account: Record<string, unknown>;
  const withNotifications = (notifications: unknown) =>
    withFile(city, { path: 'account.json', text: JSON.stringify({ ...account, notifications }, null, 2) });

  beforeEach(async () => {
    city = await loadCityFromDir(CITY);
    account = JSON.parse(city.files.find((f) => f.path === 'account.json')!.text) as Record<string, unknown>;
  });

  it('carries the appointment template id into build.account', () => {
    const build = buildAccount(withNotifications({ appointmentTemplateId: 'TM_APPOINTMENT_0001' }), OPTIONS);
    assert.equal(hasErrors(build), false, JSON.stringify(build.diagnostics));
    assert.deepEqual(build.account.notifications, { appointmentTemplateId: 'TM_APPOINTMENT_0001' });
  });

  it('builds without notifications (they are optional)', () => {
    const build = buildAccount(city, OPTIONS);
    assert.equal(hasErrors(build), false);
    assert.equal(build.account.notifications, undefined);
  });

  for (const [what, notifications] of [
    ['an empty template id', { appointmentTemplateId: '' }],
    ['a template id longer than 64 characters', { appointmentTemplateId: 'x'.repeat(65) }],
    ['a template id with spaces', { appointmentTemplateId: 'TM 0001' }],
    ['an undeclared key', { progressTemplate: 'TM_1' }],
  ] as const) {
    it(`reports ${what} in account.json`, () => {
      const build = buildAccount(withNotifications(notifications), OPTIONS);
      const found = build.diagnostics.filter((d) => d.severity === 'error' && d.file === 'account.json' && d.pointer.startsWith('/notifications'));
      assert.equal(found.length > 0, true, JSON.stringify(build.diagnostics));
    });
  }

  it('is declared in the sample city', async () => {
    const build = buildAccount(await loadCityFromDir(path.join(projectRoot, 'topics')), OPTIONS);
    assert.equal(build.account.notifications?.appointmentTemplateId, 'TM_APPOINTMENT_0001');
  });
});
