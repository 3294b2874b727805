// `onestop store migrate --from <data dir> --to postgres://…`: moves a lowdb city into PostgreSQL
// and prints, per collection and log, the count read and the count now in the database.
import path from 'node:path';
import { Command } from 'commander';
import { migrateToPostgres } from '../store/index.js';

export function createStoreCommand(log: (line: string) => void = console.log): Command {
  const store = new Command('store').description('存储相关操作');
  store
    .command('migrate')
    .description('把内置存储（数据目录）中的全部数据复制到 PostgreSQL，并核对每个集合和日志的条数')
    .requiredOption('--from <dataDir>', '数据目录（即 DATA_DIR，内含 store/）')
    .requiredOption('--to <url>', 'PostgreSQL 连接串 postgres://…（必须是空数据库）')
    .action(async (opts: { from: string; to: string }) => {
      if (!/^postgres(ql)?:\/\//.test(opts.to)) {
        log('--to 必须是 postgres:// 或 postgresql:// 开头的连接串');
        process.exitCode = 2;
        return;
      }
      const report = await migrateToPostgres(path.join(path.resolve(opts.from), 'store'), opts.to, { progress: log });
      for (const row of [...report.collections.map((c) => ({ kind: '集合', ...c })), ...report.logs.map((l) => ({ kind: '日志', ...l }))]) {
        log(`${row.source === row.target ? '一致' : '不一致'}  ${row.kind} ${row.name}: 源 ${row.source}，目标 ${row.target}`);
      }
      log(report.ok ? `迁移完成，条数全部一致（${(report.ms / 1000).toFixed(1)} 秒）。之后设置 STORE_URL 启动服务。` : '迁移后条数不一致，请检查上面标为“不一致”的项目。');
      process.exitCode = report.ok ? 0 : 1;
    });
  return store;
}
