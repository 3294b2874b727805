// The onestop command line. createProgram() registers each command from a small function, so the
// integrator adds publish, serve, user and staff-token commands the same way.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { loadConfig, projectRoot } from '../config.js';
import { runBuild, runValidate } from './build-commands.js';
import { addUser } from '../console/index.js';
import { loadCityFromDir } from '../builder/index.js';
import { createStaffTokenCommand } from './staff-token-command.js';
import { runPublish } from './publish-command.js';
import { createStoreCommand } from './store-command.js';
import { createVaultCommand } from './vault-command.js';
import { createBindingsCommand } from './bindings-command.js';
import { readPassword } from './read-password.js';

export function createProgram(): Command {
  const program = new Command('onestop')
    .description('把各部门的服务声明合并成一个按主题组织的微信公众号')
    .showHelpAfterError();
  registerValidateCommand(program);
  registerBuildCommand(program);
  registerPublishCommand(program);
  registerServeCommand(program);
  registerUserCommand(program);
  program.addCommand(createStaffTokenCommand(async () => (await import('../main.js')).openStore(loadConfig())));
  program.addCommand(createStoreCommand());
  program.addCommand(createVaultCommand());
  program.addCommand(createBindingsCommand());
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
    .option('--account <id>', '多个公众号时构建哪一个（默认主账号 account.json）')
    .action(async (opts: { dir?: string; out?: string; baseUrl?: string; account?: string }) => {
      const config = loadConfig();
      process.exitCode = await runBuild({
        dir: opts.dir ?? config.topicsDir,
        out: opts.out,
        publicBaseUrl: opts.baseUrl ?? config.publicBaseUrl,
        account: opts.account,
      });
    });
}

export function registerPublishCommand(program: Command): void {
  program
    .command('publish')
    .description('构建并发布到微信公众号（调用 menu/create）：多个公众号时逐个发布，微信拒绝任何一个就把已切换的恢复原样；本地模式发布到本地替身；有错误时不做任何改变')
    .option('--dir <dir>', '主题目录（默认 TOPICS_DIR 或 ./topics）')
    .option('--account <id>', '只发布这一个公众号（编号，如 chuxing）')
    .action(async (opts: { dir?: string; account?: string }) => {
      const config = loadConfig();
      const { openStore, serveLocalStandin, wechatClientFor } = await import('../main.js');
      process.exitCode = await runPublish({
        config,
        dir: opts.dir ?? config.topicsDir,
        ...(opts.account !== undefined ? { account: opts.account } : {}),
        openStore: () => openStore(config),
        clientFor: (store, standinBase, account) => wechatClientFor(config, store, () => standinBase ?? '', account),
        startStandin: serveLocalStandin,
      });
    });
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('启动服务器：微信回调、H5 办事页面、接口和管理后台')
    .action(async () => {
      const { startServer } = await import('../main.js');
      const running = await startServer();
      const stop = () => void running.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

export function registerUserCommand(program: Command): void {
  const user = program.command('user').description('管理后台账号');
  user
    .command('add')
    .description('新建管理后台账号（平台管理员、部门管理员或部门工作人员）')
    .requiredOption('--username <name>', '登录名')
    .requiredOption('--role <role>', 'platform | dept-admin | staff')
    .option('--department <id>', '所属部门（可重复）', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--password-stdin', '从标准输入读取密码')
    .action(async (opts: { username: string; role: string; department: string[]; passwordStdin?: boolean }) => {
      const config = loadConfig();
      const password = await readPassword('密码（至少 10 个字符，输入时不显示）：', process.stdin, process.stdout, Boolean(opts.passwordStdin));
      const { openStore } = await import('../main.js');
      const store = await openStore(config);
      try {
        // Departments the city declares in TOPICS_DIR: a typo in --department is refused, not stored.
        const known = (await loadCityFromDir(config.topicsDir)).files.map((f) => /^departments\/([a-z][a-z0-9-]*)\.json$/.exec(f.path)?.[1]).filter((d): d is string => d !== undefined);
        const created = await addUser(store, { username: opts.username, password, role: opts.role, departments: opts.department }, new Date(), known.length ? known : undefined);
        console.log(`已创建账号 ${created.username}（${created.role}${created.departments.length ? '：' + created.departments.join('、') : ''}）`);
      } finally {
        await store.close();
      }
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
