// A city-wide publish goes account by account. Every account builds from the same city files;
// each account's WeChat menu is switched in turn, and if WeChat refuses one, the accounts already
// switched are published back to their previous version (their previous menus) and the refusal is
// shown: nothing stays half-published.
import { buildCity, type AccountBuild, type CityFiles } from '../builder/index.js';
import { BuildFailedError, ValidationError, WechatApiError } from '../errors.js';
import type { CityVersion, Publisher } from '../publish/index.js';
import type { Store } from '../store/index.js';
import type { AccountRegistry } from './account-registry.js';

const CITY_LOCK = 'publish-city';

/**
 * The Publisher the console and the CLI use in a city of several accounts: reads and builds are the
 * primary account's, publish and rollback act on every account. A rollback of the primary's
 * version N restores every account to the files of that version.
 */
export function createCityPublisher(deps: { store: Store; accounts: AccountRegistry; publicBaseUrl: string }): Publisher {
  const { store, accounts } = deps;
  const primary = () => accounts.get(accounts.primary().id).publisher;

  async function publishAll(files: CityFiles, actor: string, note: string): Promise<CityVersion> {
    // Refuse before switching anything when any account would not build.
    const city = buildCity(files, { publicBaseUrl: deps.publicBaseUrl });
    const errors = city.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new BuildFailedError(`构建有 ${errors.length} 个错误，未发布（${describeAccounts(city.accounts, errors)}）`, errors);
    const switched: Array<{ name: string; publisher: Publisher; before?: CityVersion }> = [];
    let first: CityVersion | undefined;
    for (const runtime of accounts.runtimes()) {
      const before = await runtime.publisher.currentVersion();
      try {
        const version = await runtime.publisher.publish(files, actor, note);
        first ??= version;
        switched.push({ name: runtime.info.name, publisher: runtime.publisher, before });
      } catch (err) {
        if (!(err instanceof WechatApiError)) throw err;
        const restored: string[] = [];
        const failed: string[] = [];
        for (const s of switched.reverse()) {
          if (!s.before) continue;
          try {
            await s.publisher.rollback(s.before.id, actor);
            restored.push(s.name);
          } catch (e) {
            failed.push(`${s.name}（${(e as Error).message}）`);
          }
        }
        const undo = restored.length ? `已把先切换的${restored.map((n) => `“${n}”`).join('、')}恢复到原来的菜单` : '没有公众号被切换';
        const message = `公众号“${runtime.info.name}”的微信拒绝了新菜单：${err.message}。${undo}${failed.length ? `；恢复失败：${failed.join('、')}，请重新发布` : ''}。`;
        throw new WechatApiError(message, err.errcode, err.errmsg);
      }
    }
    return first!;
  }

  return {
    bootstrap: (dir, prepared) => primary().bootstrap(dir, prepared),
    build: (files) => primary().build(files),
    currentVersion: () => primary().currentVersion(),
    currentFiles: () => primary().currentFiles(),
    listVersions: () => primary().listVersions(),
    follow: () => primary().follow(),
    async publish(files, actor, note, options = {}) {
      return store.withLock(CITY_LOCK, async () => {
        const current = await primary()
          .currentFiles()
          .catch(() => ({ files: [] }) as CityFiles);
        const resolved = typeof files === 'function' ? await files(current) : files;
        const version = await publishAll(resolved, actor, typeof note === 'function' ? note() : note);
        await options.onPublished?.(version);
        return version;
      });
    },
    async rollback(versionId, actor) {
      return store.withLock(CITY_LOCK, async () => {
        const target = (await primary().listVersions()).find((v) => v.id === versionId);
        if (!target) return primary().rollback(versionId, actor); // its own NotFoundError
        if ((await primary().currentVersion())?.id === target.id) throw new ValidationError(`版本 #${target.number} 就是当前线上版本，无需回滚`);
        return publishAll(target.files, actor, `回滚到版本 #${target.number}`);
      });
    },
  };
}

function describeAccounts(builds: AccountBuild[], errors: { account?: string }[]): string {
  const names = new Map(builds.map((b) => [b.account.id, b.account.name]));
  const hit = [...new Set(errors.map((e) => e.account).filter((a): a is string => a !== undefined))];
  return hit.length ? `涉及公众号：${hit.map((id) => names.get(id) ?? id).join('、')}` : '全市共用的文件';
}
