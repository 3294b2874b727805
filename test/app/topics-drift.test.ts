// Once a version is published, start-up serves it, not TOPICS_DIR: a changed directory is named
// at start-up with the way to publish it.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, projectRoot } from '../../server/config.js';
import { startServer } from '../../server/main.js';

describe('startServer with a TOPICS_DIR edited after publishing', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'onestop-drift-'));
    await cp(path.join(projectRoot, 'test/fixtures/city-min'), path.join(dir, 'topics'), { recursive: true });
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  async function start() {
    const lines: string[] = [];
    const env = { DATA_DIR: path.join(dir, 'data'), TOPICS_DIR: path.join(dir, 'topics'), PORT: '0' };
    const running = await startServer(loadConfig(env), (l) => void lines.push(l));
    await running.close();
    return lines.join('\n');
  }

  it('says nothing the first time and names the changed file and the ways to publish it later', async () => {
    assert.doesNotMatch(await start(), /不同/);
    const file = path.join(dir, 'topics/account.json');
    const account = JSON.parse(await readFile(file, 'utf8'));
    account.welcome = '新的欢迎语';
    await writeFile(file, JSON.stringify(account, null, 2));
    const log = await start();
    assert.match(log, /主题目录 .+ 与线上版本 #1 不同（1 个文件：account\.json）/);
    assert.match(log, /\/console\/departments/);
    assert.match(log, /npx onestop publish（本地模式：发布到本地替身/);
  });
});
