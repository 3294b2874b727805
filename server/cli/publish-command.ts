// `onestop publish`: build the city from TOPICS_DIR and publish it to WeChat as a new version.
// A city of several accounts publishes every account, account by account, with the console's
// all-or-rollback semantics (accounts/createCityPublisher): when WeChat refuses one account's menu,
// the accounts already switched go back to their previous version. `--account <id>` publishes
// that one account alone. Refuses on build errors and says plainly when WeChat credentials are missing.
import { createAccountRegistry, createCityPublisher, resolveAccountCredentials, type AccountCredentials, type AccountRuntime } from '../accounts/index.js';
import { buildCity, type Diagnostic, formatDiagnostic, loadCityFromDir } from '../builder/index.js';
import type { Config } from '../config.js';
import { createPublisher, type CityVersion, type Publisher } from '../publish/index.js';
import { AppError, BuildFailedError } from '../errors.js';
import { createLiveBuild } from '../live-build.js';
import type { Store } from '../store/index.js';
import type { WechatClient } from '../wechat/index.js';

export interface PublishIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface PublishCommandDeps {
  config: Readonly<Config>;
  dir: string;
  /** Publish this account alone (its id); absent: every account. */
  account?: string;
  openStore: () => Promise<Store>;
  /**
   * standinBase: in local mode, where the local stand-in listens for this command. account: a
   * further account (its own credentials, and in local mode its own stand-in /_wechat/<id>).
   */
  clientFor: (store: Store, standinBase?: string, account?: { id: string; credentials: AccountCredentials }) => WechatClient;
  /** Local mode: serves the WeChat stand-in for the command (the composition root's serveLocalStandin), with one per further account. */
  startStandin?: (store: Store, siblings: readonly string[]) => Promise<{ base: string; close(): Promise<void> }>;
  io?: PublishIo;
}

/**
 * Returns the exit code: 0 published, 1 refused (build errors, WeChat refusal, missing credentials,
 * an unknown --account). Without WeChat credentials (local mode) it publishes to the local stand-in,
 * which needs none.
 */
export async function runPublish(deps: PublishCommandDeps): Promise<number> {
  const io = deps.io ?? { out: (l) => console.log(l), err: (l) => console.error(l) };
  const { config } = deps;
  if (config.localMode && !deps.startStandin) {
    io.err('未设置 WECHAT_APPID 和 WECHAT_SECRET，无法发布到微信公众号。');
    return 1;
  }
  const files = await loadCityFromDir(deps.dir);
  const city = buildCity(files, { publicBaseUrl: config.publicBaseUrl });
  const ids = city.accounts.map((b) => b.account.id ?? 'main');
  if (deps.account !== undefined && !ids.includes(deps.account)) {
    io.err(`没有编号为“${deps.account}”的公众号；本市的公众号：${ids.join('、')}。`);
    return 1;
  }
  const chosen = ids.map((id, i) => ({ id, primary: i === 0 })).filter((a) => deps.account === undefined || a.id === deps.account);
  let credentials: Map<string, AccountCredentials>;
  try {
    credentials = resolveAccountCredentials(config, chosen);
  } catch (err) {
    io.err(`无法发布：${(err as Error).message}。`);
    return 1;
  }
  const store = await deps.openStore();
  const standin = config.localMode && deps.startStandin ? await deps.startStandin(store, ids.slice(1)) : undefined;
  try {
    const runtimes: AccountRuntime[] = city.accounts.flatMap((build, i) => {
      const id = ids[i]!;
      const own = credentials.get(id);
      if (!own) return [];
      const live = createLiveBuild(build);
      const client = i === 0 ? deps.clientFor(store, standin?.base) : deps.clientFor(store, standin?.base, { id, credentials: own });
      const publisher = createPublisher({ store, live, client, publicBaseUrl: config.publicBaseUrl, ...(i === 0 ? {} : { account: id }) });
      return [{ id, live, client, publisher, credentials: own }];
    });
    const names = new Map(city.accounts.map((b, i) => [ids[i]!, b.account.name]));
    const note = `命令行发布（${deps.dir}）`;
    let publisher: Publisher = runtimes[0]!.publisher;
    if (runtimes.length > 1) publisher = createCityPublisher({ store, accounts: createAccountRegistry(runtimes), publicBaseUrl: config.publicBaseUrl });
    const first: CityVersion = await publisher.publish(files, 'cli', note);
    const where = standin ? '到本地替身（未设置 WECHAT_APPID / WECHAT_SECRET，不会发布到真实公众号）' : '：微信已接受新菜单';
    if (runtimes.length === 1 && city.accounts.length === 1) {
      io.out(standin ? `本地模式：已发布版本 #${first.number}（${first.hash.slice(0, 12)}）${where}。` : `已发布版本 #${first.number}（${first.hash.slice(0, 12)}）${where}。`);
    } else {
      for (const r of runtimes) {
        const v = (await r.publisher.currentVersion())!;
        io.out(`${standin ? '本地模式：' : ''}公众号 ${r.id}（${names.get(r.id)}）已发布版本 #${v.number}（${v.hash.slice(0, 12)}）${where}。`);
      }
    }
    io.out('正在运行的服务器会在下次启动时加载这个版本；运行中请改用管理后台发布，以便即时切换。');
    return 0;
  } catch (err) {
    if (err instanceof BuildFailedError) {
      for (const d of (err.details as Diagnostic[]) ?? []) io.err(formatDiagnostic(d));
      io.err(`${err.message}：请先修正以上问题（onestop validate）。`);
      return 1;
    }
    if (err instanceof AppError) {
      io.err(`发布失败：${err.message}`);
      io.err(deps.account === undefined && city.accounts.length > 1 ? '各公众号的线上菜单均保持发布前的版本。' : '线上菜单和版本均未改变。');
      return 1;
    }
    throw err;
  } finally {
    await standin?.close();
    await store.close();
  }
}
