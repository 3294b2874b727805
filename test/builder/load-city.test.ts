import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import { NotFoundError } from '../../server/errors.js';
import { buildAccount } from '../../server/builder/build-account.js';
import { projectRoot } from '../../server/config.js';

describe('loadCityFromDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'onestop-load-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads account, topics and departments with posix relative paths and skips other files', async () => {
    mkdirSync(path.join(dir, 'departments'));
    mkdirSync(path.join(dir, 'drafts'));
    writeFileSync(path.join(dir, 'account.json'), '{}');
    writeFileSync(path.join(dir, 'chuxing.json'), '{"id":"chuxing"}');
    writeFileSync(path.join(dir, 'README.md'), '# notes');
    writeFileSync(path.join(dir, 'departments', 'jiaojing.json'), '{"id":"jiaojing"}');
    writeFileSync(path.join(dir, 'drafts', 'old.json'), '{}');
    const city = await loadCityFromDir(dir);
    assert.deepEqual(city.files.map((f) => f.path), ['account.json', 'chuxing.json', 'departments/jiaojing.json']);
    assert.equal(city.files[2]!.text, '{"id":"jiaojing"}');
  });

  it('throws NotFoundError for a missing directory', async () => {
    await assert.rejects(loadCityFromDir(path.join(dir, 'missing')), NotFoundError);
  });
});

describe('the sample city in topics/', () => {
  it('builds with zero errors', async () => {
    const build = buildAccount(await loadCityFromDir(path.join(projectRoot, 'topics')), { publicBaseUrl: 'https://gov.example.cn' });
    assert.deepEqual(build.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.ok(build.departments.length >= 3);
    assert.ok(build.menu.button.length >= 1);
  });
});
