import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixtureDir } from './city-draft.js';
import { runValidate, type CommandIo } from '../../server/cli/build-commands.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import { decodeUtf8 } from '../../server/builder/decode-utf8.js';

describe('onestop validate on files it cannot read as UTF-8 JSON', () => {
  let dir: string;
  let city: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'onestop-unreadable-'));
    city = path.join(dir, 'city');
    cpSync(fixtureDir, city, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function validate(): Promise<{ code: number; lines: string[] }> {
    const lines: string[] = [];
    const io: CommandIo = { out: (t) => lines.push(t), err: (t) => lines.push(t) };
    const code = await runValidate({ dir: city, publicBaseUrl: 'https://gov.example.cn' }, io);
    return { code, lines };
  }

  it('refuses a department file saved as GBK, naming the file and the first bad byte', async () => {
    const file = path.join(city, 'departments', 'jiuye.json');
    const text = readFileSync(file, 'utf8');
    const name = JSON.parse(text).name as string;
    // 就业 in GBK: the bytes a Windows editor writes by default.
    const gbk = Buffer.from([0xbe, 0xcd, 0xd2, 0xb5]);
    const at = Buffer.from(text.slice(0, text.indexOf(name)), 'utf8');
    writeFileSync(file, Buffer.concat([at, gbk, Buffer.from(text.slice(text.indexOf(name) + name.length), 'utf8')]));
    const { code, lines } = await validate();
    assert.equal(code, 1);
    const line = lines.find((l) => l.includes('FILE_NOT_UTF8'));
    const before = text.slice(0, text.indexOf(name)).split('\n');
    assert.equal(
      line,
      `departments/jiuye.json ${before.length}:${before.at(-1)!.length + 1} / FILE_NOT_UTF8 错误: 文件不是 UTF-8 编码（第 ${at.length + 1} 个字节无法按 UTF-8 读取，常见于以 GBK 保存的文件）：请在编辑器中改为 UTF-8 编码后重新保存`,
    );
    assert.ok(!lines.some((l) => l.includes('UNKNOWN_DEPARTMENT') || l.includes('UNKNOWN_SERVICE')), 'references to it are not reported as unknown');
  });

  it('reports a symlinked department file instead of following or skipping it', async () => {
    const target = path.join(dir, 'outside.json');
    writeFileSync(target, readFileSync(path.join(city, 'departments', 'jiuye.json')));
    rmSync(path.join(city, 'departments', 'jiuye.json'));
    symlinkSync(target, path.join(city, 'departments', 'jiuye.json'));
    const { code, lines } = await validate();
    assert.equal(code, 1);
    assert.ok(lines.includes('departments/jiuye.json 1:1 / FILE_NOT_REGULAR 错误: 是符号链接，不会被读取：请放入普通的 JSON 文件'), lines.join('\n'));
  });

  it('reports a named pipe without blocking on it', async () => {
    execFileSync('mkfifo', [path.join(city, 'extra.json')]);
    const { code, lines } = await validate();
    assert.equal(code, 1);
    assert.ok(lines.includes('extra.json 1:1 / FILE_NOT_REGULAR 错误: 是命名管道（FIFO），不会被读取：请放入普通的 JSON 文件'), lines.join('\n'));
  });

  it('reports a departments directory that is a symlink', async () => {
    cpSync(path.join(city, 'departments'), path.join(dir, 'elsewhere'), { recursive: true });
    rmSync(path.join(city, 'departments'), { recursive: true });
    symlinkSync(path.join(dir, 'elsewhere'), path.join(city, 'departments'));
    const loaded = await loadCityFromDir(city);
    assert.deepEqual(loaded.unreadable?.map((u) => [u.path, u.code]), [['departments', 'FILE_NOT_REGULAR']]);
  });

  it('counts unreadable files in the summary', async () => {
    execFileSync('mkfifo', [path.join(city, 'extra.json')]);
    const { lines } = await validate();
    const files = (await loadCityFromDir(city)).files.length;
    assert.match(lines.at(-1)!, new RegExp(`^共检查 ${files + 1} 个文件`));
  });
});

describe('decodeUtf8', () => {
  const cases: Array<[string, number[], number | 'ok']> = [
    ['ASCII', [0x7b, 0x7d], 'ok'],
    ['Chinese in UTF-8', [...Buffer.from('交警')], 'ok'],
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['an overlong slash', [0xc0, 0xaf], 0],
    ['a UTF-16 surrogate', [0x61, 0xed, 0xa0, 0x80], 1],
    ['a truncated sequence at the end', [0x61, 0xe4, 0xb8], 1],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
  ];
  for (const [what, bytes, expected] of cases) {
    it(`${expected === 'ok' ? 'accepts' : 'refuses'} ${what}`, () => {
      const r = decodeUtf8(Uint8Array.from(bytes));
      assert.deepEqual(r.ok ? 'ok' : r.offset, expected);
    });
  }
});
