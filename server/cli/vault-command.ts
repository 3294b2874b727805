// `onestop vault reseal`: after a key rotation (a new key first in VAULT_KEYS, the old one kept
// after it), rewrites every sealed value still written with an older key, so the old key can then
// be dropped. Runs while the server is stopped (one process owns a lowdb data directory).
import { Command } from 'commander';
import { DEVELOPMENT_VAULT, loadConfig } from '../config.js';
import { resealBindings } from '../bindings/index.js';
import { createVault } from '../vault/index.js';

export function createVaultCommand(log: (line: string) => void = console.log): Command {
  const vault = new Command('vault').description('个人信息加密密钥相关操作');
  vault
    .command('reseal')
    .description('密钥轮换后，用 VAULT_KEYS 中的第一个密钥重新加密所有旧密钥加密的数据（请先停止服务）')
    .action(async () => {
      const config = loadConfig();
      const keys = createVault(config.vault ?? DEVELOPMENT_VAULT);
      const store = await (await import('../main.js')).openStore(config);
      try {
        const report = await resealBindings({ store, vault: keys });
        log(`已检查 ${report.checked} 条绑定信息，重新加密 ${report.resealed} 条（当前密钥 ${keys.activeKeyId}）。确认无误后可从 VAULT_KEYS 中删除旧密钥。`);
      } finally {
        await store.close();
      }
    });
  return vault;
}
