// `onestop store migrate --from <data dir> --to postgres://…`: moves a lowdb city into PostgreSQL
// and prints, per collection and log, the count read and the count now in the database.
// `onestop store archive-logs --before YYYY-MM`: detaches the log months before that month.
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { archiveLogMonths, createPostgresStore, migrateToPostgres } from '../store/index.js';

export function createStoreCommand(log: (line: string) => void = console.log): Command {
  const store = new Command('store').description('存储相关操作');
  store
    .command('migrate')
    .description('把内置存储（数据目录）中的全部数据复制到 PostgreSQL，并核对每个集合和日志的条数')
    .requiredOption('--from <dataDir>', '数据目录（即 DATA_DIR，内含 store/）')
    .requiredOption('--to <url>', 'PostgreSQL 连接串 postgres://…（必须是空数据库）')
    .option('--uploads', '同时把数据目录 uploads/ 中的上传文件复制到数据库（之后设置 BLOB_STORE=postgres）')
    .action(async (opts: { from: string; to: string; uploads?: boolean }) => {
      if (!/^postgres(ql)?:\/\//.test(opts.to)) {
        log('--to 必须是 postgres:// 或 postgresql:// 开头的连接串');
        process.exitCode = 2;
        return;
      }
      const from = path.resolve(opts.from);
      const report = await migrateToPostgres(path.join(from, 'store'), opts.to, { progress: log, ...(opts.uploads ? { uploadsDir: path.join(from, 'uploads') } : {}) });
      const uploads = report.uploads ? [{ kind: '文件', name: 'uploads', ...report.uploads }] : [];
      for (const row of [...report.collections.map((c) => ({ kind: '集合', ...c })), ...report.logs.map((l) => ({ kind: '日志', ...l })), ...uploads]) {
        log(`${row.source === row.target ? '一致' : '不一致'}  ${row.kind} ${row.name}: 源 ${row.source}，目标 ${row.target}`);
      }
      log(report.ok ? `迁移完成，条数全部一致（${(report.ms / 1000).toFixed(1)} 秒）。之后设置 STORE_URL 启动服务。` : '迁移后条数不一致，请检查上面标为“不一致”的项目。');
      process.exitCode = report.ok ? 0 : 1;
    });
  store
    .command('archive-logs')
    .description('归档 PostgreSQL 中的旧日志：把指定月份之前的每个月分区（log_records_YYYY_MM）从日志中分离出来，导出后可删除')
    .requiredOption('--before <YYYY-MM>', '归档这个月份之前的所有月份（最晚为本月）')
    .option('--url <url>', 'PostgreSQL 连接串，默认取 STORE_URL')
    .action(async (opts: { before: string; url?: string }) => {
      const url = opts.url ?? loadConfig().storeUrl;
      if (!url || !/^postgres(ql)?:\/\//.test(url)) {
        log('需要 PostgreSQL：设置 STORE_URL 或用 --url 指定 postgres:// 连接串（内置存储没有按月分区的日志）');
        process.exitCode = 2;
        return;
      }
      const pg = await createPostgresStore(url, { poolSize: 1 });
      try {
        const archived = await archiveLogMonths(pg.pool, opts.before);
        for (const a of archived) log(`已分离 ${a.table}（${a.rows} 条记录）：导出 pg_dump -t ${a.table} …，确认后 drop table ${a.table}`);
        log(archived.length ? `共归档 ${archived.length} 个月。这些月份已不再出现在日志读取和统计重算中。` : `${opts.before} 之前没有可归档的月份。`);
      } finally {
        await pg.close();
      }
    });
  return store;
}
