import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixtureDir } from './city-draft.js';
import { projectRoot } from '../../server/config.js';
import { runBuild, runValidate, type CommandIo } from '../../server/cli/build-commands.js';
import { createProgram } from '../../server/cli/index.js';

const bin = path.join(projectRoot, 'bin', 'onestop.js');

function onestop(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: projectRoot, env: { ...process.env, PUBLIC_BASE_URL: 'https://gov.example.cn' } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function captureIo(): CommandIo & { lines: { out: string[]; err: string[] } } {
  const lines = { out: [] as string[], err: [] as string[] };
  return { lines, out: (t) => lines.out.push(t), err: (t) => lines.err.push(t) };
}

describe('onestop CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'onestop-cli-'));
    cpSync(fixtureDir, path.join(dir, 'city'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const city = () => path.join(dir, 'city');
  const breakJiuye = () => {
    const file = path.join(city(), 'departments', 'jiuye.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"summary": ', '"summery": '));
  };

  it('exits 0 and prints the summary for a valid city', async () => {
    const result = await onestop(['validate', '--dir', fixtureDir]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), '共检查 6 个文件，没有发现问题。');
  });

  it('exits 1 and prints each diagnostic with its position for an invalid city', async () => {
    breakJiuye();
    const result = await onestop(['validate', '--dir', city()]);
    assert.equal(result.code, 1);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines[0]!, /^departments\/jiuye\.json \d+:\d+ \/services\/0 SCHEMA_REQUIRED 错误: 缺少必填字段“summary”$/);
    assert.match(lines.at(-1)!, /^共检查 6 个文件：2 个错误，0 个警告。/);
  });

  it('prints JSON with --json', async () => {
    breakJiuye();
    const result = await onestop(['validate', '--dir', city(), '--json']);
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout);
    assert.deepEqual([report.ok, report.errors], [false, 2]);
    assert.deepEqual(report.diagnostics.map((d: { code: string }) => d.code).sort(), ['SCHEMA_ADDITIONAL_PROPERTIES', 'SCHEMA_REQUIRED']);
  });

  it('writes the build with build --out and refuses when there are errors', async () => {
    const out = path.join(dir, 'out', 'build.json');
    const ok = await onestop(['build', '--dir', city(), '--out', out, '--base-url', 'https://a.example.cn']);
    assert.equal(ok.code, 0, ok.stderr);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(written.publicBaseUrl, 'https://a.example.cn');
    rmSync(out);
    breakJiuye();
    const refused = await onestop(['build', '--dir', city(), '--out', out]);
    assert.equal(refused.code, 1);
    assert.equal(existsSync(out), false);
    assert.match(refused.stderr, /未写出构建结果/);
  });

  it('exits 0 with only warnings', async () => {
    const io = captureIo();
    const topic = path.join(city(), 'chuxing.json');
    writeFileSync(topic, readFileSync(topic, 'utf8').replace('"menuName": "出行"', '"menuName": "出行服务站"'));
    assert.equal(await runValidate({ dir: city(), publicBaseUrl: 'https://x.cn' }, io), 0);
    assert.match(io.lines.out[0]!, /MENU_NAME_TRUNCATED 警告/);
    assert.match(io.lines.out.at(-1)!, /0 个错误，1 个警告/);
  });

  it('exits 2 with a Chinese message when the directory does not exist', async () => {
    const io = captureIo();
    assert.equal(await runBuild({ dir: path.join(dir, 'nope'), publicBaseUrl: 'https://x.cn' }, io), 2);
    assert.match(io.lines.err[0]!, /^错误：找不到主题目录：/);
  });

  it('prints the build to stdout without --out', async () => {
    const io = captureIo();
    assert.equal(await runBuild({ dir: fixtureDir, publicBaseUrl: 'https://x.cn' }, io), 0);
    assert.equal(JSON.parse(io.lines.out.join('\n')).formatVersion, 1);
  });

  it('registers every command on the program', () => {
    assert.deepEqual(createProgram().commands.map((c) => c.name()), ['validate', 'build', 'publish', 'serve', 'user', 'staff-token', 'store', 'vault', 'bindings']);
  });
});
