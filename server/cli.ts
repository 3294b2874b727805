// The onestop command line. createProgram() registers each command from a small function, so the
// integrator adds publish, serve, user and staff-token commands the same way.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { loadConfig, projectRoot } from './config.js';
import { runBuild, runValidate } from './builder/cli-commands.js';

export function createProgram(): Command {
  const program = new Command('onestop')
    .description('把各部门的服务声明合并成一个按主题组织的微信公众号')
    .showHelpAfterError();
  registerValidateCommand(program);
  registerBuildCommand(program);
  return program;
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('检查主题目录中的所有文件，列出每个问题（文件 行:列 指针 代码 说明）')
    .option('--dir <dir>', '主题目录（默认 TOPICS_DIR 或 ./topics）')
    .option('--json', '以 JSON 输出检查结果')
    .action(async (opts: { dir?: string; json?: boolean }) => {
      const config = loadConfig();
      process.exitCode = await runValidate({ dir: opts.dir ?? config.topicsDir, publicBaseUrl: config.publicBaseUrl, json: opts.json });
    });
}

export function registerBuildCommand(program: Command): void {
  program
    .command('build')
    .description('构建公众号（菜单、关键词、服务目录）；有错误时不写出任何文件')
    .option('--dir <dir>', '主题目录（默认 TOPICS_DIR 或 ./topics）')
    .option('--out <file>', '写出构建结果的文件（默认输出到标准输出）')
    .option('--base-url <url>', 'H5 页面的公网地址（默认 PUBLIC_BASE_URL）')
    .action(async (opts: { dir?: string; out?: string; baseUrl?: string }) => {
      const config = loadConfig();
      process.exitCode = await runBuild({
        dir: opts.dir ?? config.topicsDir,
        out: opts.out,
        publicBaseUrl: opts.baseUrl ?? config.publicBaseUrl,
      });
    });
}

/** True when this module is the program being run (directly, or through bin/onestop.js). */
function isEntryPoint(): boolean {
  const invoked = process.argv[1];
  if (!invoked) return false;
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const entry = real(invoked);
  return entry === real(fileURLToPath(import.meta.url)) || entry === real(path.join(projectRoot, 'bin', 'onestop.js'));
}

if (isEntryPoint()) {
  try {
    await createProgram().parseAsync(process.argv);
  } catch (err) {
    process.stderr.write(`错误：${(err as Error).message}\n`);
    process.exitCode = 2;
  }
}
