// `onestop publish`: build the city from TOPICS_DIR and publish it to WeChat as a new version.
// Refuses on build errors and says plainly when WeChat credentials are missing.
import { buildAccount, type Diagnostic, formatDiagnostic, loadCityFromDir } from '../builder/index.js';
import type { Config } from '../config.js';
import { createPublisher } from '../publish/index.js';
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
  openStore: () => Promise<Store>;
  /** standinBase: in local mode, where the local stand-in listens for this command. */
  clientFor: (store: Store, standinBase?: string) => WechatClient;
  /** Local mode: serves the WeChat stand-in for the command (the composition root's serveLocalStandin). */
  startStandin?: (store: Store) => Promise<{ base: string; close(): Promise<void> }>;
  io?: PublishIo;
}

/**
 * Returns the exit code: 0 published, 1 refused (build errors, WeChat refusal). Without WeChat
 * credentials (local mode) it publishes to the local stand-in, which needs none.
 */
export async function runPublish(deps: PublishCommandDeps): Promise<number> {
  const io = deps.io ?? { out: (l) => console.log(l), err: (l) => console.error(l) };
  const { config } = deps;
  if (config.localMode && !deps.startStandin) {
    io.err('未设置 WECHAT_APPID 和 WECHAT_SECRET，无法发布到微信公众号。');
    return 1;
  }
  const files = await loadCityFromDir(deps.dir);
  const store = await deps.openStore();
  const standin = config.localMode && deps.startStandin ? await deps.startStandin(store) : undefined;
  try {
    const live = createLiveBuild(buildAccount(files, { publicBaseUrl: config.publicBaseUrl }));
    const publisher = createPublisher({ store, live, client: deps.clientFor(store, standin?.base), publicBaseUrl: config.publicBaseUrl });
    const version = await publisher.publish(files, 'cli', `命令行发布（${deps.dir}）`);
    io.out(standin
      ? `本地模式：已发布版本 #${version.number}（${version.hash.slice(0, 12)}）到本地替身（未设置 WECHAT_APPID / WECHAT_SECRET，不会发布到真实公众号）。`
      : `已发布版本 #${version.number}（${version.hash.slice(0, 12)}）：微信已接受新菜单。`);
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
      io.err('线上菜单和版本均未改变。');
      return 1;
    }
    throw err;
  } finally {
    await standin?.close();
    await store.close();
  }
}
