// Without Chromium the browser suites must fail fast and say so once, in one language: a developer
// without the browser sees why at once, and CI (which installs it) can never pass by skipping.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SUITES = ['test/e2e/six-steps.test.ts', 'test/console/browser.test.ts'];

function runMocha(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'node_modules/mocha/bin/mocha.js', '--no-config', '--exit', '--timeout', '120000', ...SUITES], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output, ms: Date.now() - started })));
}

describe('browser suites without Chromium', function () {
  this.timeout(90_000);

  it('fail at once, each with the same English message, and never time out in a hook', async () => {
    const missing = '/nonexistent/onestop-test/chromium';
    const { code, output, ms } = await runMocha({ CHROMIUM_PATH: missing });
    assert.notEqual(code, 0, output);
    const said = output.split('\n').filter((l) => l.includes(`Chromium not found at ${missing}`));
    assert.equal(said.length, SUITES.length, output);
    assert.doesNotMatch(output, /Timeout of|未找到/, output);
    assert.match(output, /2 failing/);
    // The hooks' own limit is 120 s: finishing well inside it shows nothing waited for it.
    assert.ok(ms < 60_000, `took ${ms} ms`);
  });
});
