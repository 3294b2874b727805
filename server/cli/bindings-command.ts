// `onestop bindings reindex`: rebuilds the bindings' reminder-day index (which binding's date falls
// on which day, nothing personal) from the bindings themselves, opening each once. The server also
// builds what is missing at start-up; this is for an index suspected wrong (a store restored by
// hand). Runs while the server is stopped (one process owns a lowdb data directory).
import { Command } from 'commander';
import { buildCity, loadCityFromDir } from '../builder/index.js';
import { rebuildDueIndex } from '../bindings/index.js';
import { createLiveBuild } from '../live-build.js';
import { DEVELOPMENT_VAULT, loadConfig } from '../config.js';
import { createVault } from '../vault/index.js';

export function createBindingsCommand(log: (line: string) => void = console.log): Command {
  const bindings = new Command('bindings').description('市民绑定信息相关操作');
  bindings
    .command('reindex')
    .description('按绑定信息重建提醒日期索引（只含绑定编号和日期，不含个人信息；请先停止服务）')
    .action(async () => {
      const config = loadConfig();
      const city = buildCity(await loadCityFromDir(config.topicsDir), { publicBaseUrl: config.publicBaseUrl });
      const store = await (await import('../main.js')).openStore(config);
      try {
        const started = performance.now();
        const deps = { store, vault: createVault(config.vault ?? DEVELOPMENT_VAULT), live: createLiveBuild(city.accounts[0]!) };
        const report = await rebuildDueIndex(deps, city.accounts);
        log(`已读取 ${report.bindings} 条绑定信息，写入 ${report.days} 个提醒日期索引，用时 ${((performance.now() - started) / 1000).toFixed(1)} s。`);
      } finally {
        await store.close();
      }
    });
  return bindings;
}
