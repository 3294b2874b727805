// The city's published state: a numbered sequence of versions, each the complete set of input
// files plus the menu WeChat accepted. Publishing is all-or-nothing: build, then WeChat's
// menu/create, and only when WeChat said yes is the version stored and the live build swapped.
// If WeChat refuses, nothing changes: the old version stays live.
import { randomUUID } from 'node:crypto';
import { type AccountBuild, buildAccount, type CityFiles, hasErrors, loadCityFromDir, type WechatMenu } from '../builder/index.js';
import { BuildFailedError, NotFoundError, ValidationError, WechatApiError } from '../errors.js';
import type { LiveBuild } from '../live-build.js';
import type { Doc, Store } from '../store/index.js';
import type { WechatClient } from '../wechat/index.js';
import { audit } from '../audit/index.js';

export interface CityVersion extends Doc {
  number: number;
  files: CityFiles;
  hash: string;
  menu: WechatMenu;
  publishedAt: string;
  publishedBy: string;
  note: string;
  /** Id of the version this one restored. */
  rollbackOf?: string;
}

export interface PublishOptions {
  /** Runs inside the publish lock after WeChat accepted and the version is stored. */
  onPublished?: (version: CityVersion) => Promise<void>;
}

export interface BootstrapResult {
  version?: CityVersion;
  /** Set when WeChat refused the initial menu: the build is live, no version is stored yet. */
  menuError?: string;
}

/** What start-up has already read and built from the topics directory, so bootstrap need not build it again. */
export interface PreparedBuild {
  files: CityFiles;
  /** This publisher's account's build of `files`. */
  build: AccountBuild;
}

export interface Publisher {
  /**
   * Serves the newest stored version, or publishes the topics directory as the first one. With
   * `prepared` (start-up's build of that directory), a stored version whose build hash it matches,
   * or the first version, is served from it instead of being built again: a large city's build is
   * seconds of CPU and hundreds of MB of garbage at start.
   */
  bootstrap(topicsDir: string, prepared?: PreparedBuild): Promise<BootstrapResult>;
  build(files: CityFiles): AccountBuild;
  currentVersion(): Promise<CityVersion | undefined>;
  currentFiles(): Promise<CityFiles>;
  /** Newest first. */
  listVersions(): Promise<CityVersion[]>;
  /** files may be computed inside the lock from the then-current files. */
  /** note may be computed after files (e.g. to name the drafts the function picked). */
  publish(
    files: CityFiles | ((current: CityFiles) => Promise<CityFiles>),
    actor: string,
    note: string | (() => string),
    options?: PublishOptions,
  ): Promise<CityVersion>;
  rollback(versionId: string, actor: string): Promise<CityVersion>;
  /**
   * Swaps in the newest stored version when it is newer than the live one (another process
   * published or rolled back); true when it swapped.
   */
  follow(): Promise<boolean>;
}

/** The store signal a publish or rollback sends, so every process follows (see follow()). */
export const LIVE_VERSION_SIGNAL = 'live-version';

export interface PublisherDeps {
  store: Store;
  live: LiveBuild;
  client: WechatClient;
  publicBaseUrl: string;
  now?: () => Date;
  /**
   * A further account of a several-account city (not the primary): its build, its own numbered
   * versions (collection account-<id>-versions), lock and audit entries. Absent = the primary account.
   */
  account?: string;
}

export function createPublisher(deps: PublisherDeps): Publisher {
  const { store, live, client, publicBaseUrl } = deps;
  const now = deps.now ?? (() => new Date());
  const { account } = deps;
  const versions = store.collection<CityVersion>(account ? `account-${account}-versions` : 'versions');
  const lockKey = account ? `publish-${account}` : 'publish';
  const named = (target: string) => (account ? `公众号 ${account} ${target}` : target);

  const build = (files: CityFiles) => buildAccount(files, { publicBaseUrl, ...(account ? { account } : {}) });
  const listVersions = async () => (await versions.list()).sort((a, b) => b.number - a.number);
  const currentVersion = async () => (await listVersions())[0];

  function buildOrThrow(files: CityFiles, prebuilt?: AccountBuild): AccountBuild {
    const result = prebuilt ?? build(files);
    if (hasErrors(result)) {
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      throw new BuildFailedError(`构建有 ${errors.length} 个错误，未发布`, errors);
    }
    return result;
  }

  /** Caller holds the publish lock. */
  async function commit(files: CityFiles, actor: string, note: string, extra: { rollbackOf?: string; action: 'publish' | 'rollback' | 'bootstrap'; prebuilt?: AccountBuild }) {
    const next = buildOrThrow(files, extra.prebuilt);
    const previous = await currentVersion();
    try {
      await client.createMenu(next.menu);
    } catch (err) {
      if (err instanceof WechatApiError) {
        audit(store, now(), { actor, action: 'publish-refused', target: named(`版本 #${(previous?.number ?? 0) + 1}`), detail: err.message });
      }
      throw err;
    }
    const version: CityVersion = {
      id: randomUUID(),
      number: (previous?.number ?? 0) + 1,
      files,
      hash: next.hash,
      menu: next.menu,
      publishedAt: now().toISOString(),
      publishedBy: actor,
      note,
      ...(extra.rollbackOf ? { rollbackOf: extra.rollbackOf } : {}),
    };
    await versions.insert(version);
    swapTo(version.number, next);
    audit(store, now(), { actor, action: extra.action, target: named(`版本 #${version.number}`), detail: note });
    await store.notify?.(LIVE_VERSION_SIGNAL, version.id).catch((e: Error) => console.error('[onestop] 通知其他进程切换版本失败:', e.message));
    return version;
  }

  // Numbers only grow (a rollback is a new version), so a slow follow() that built an older
  // version can never swap it in over a newer one.
  let liveNumber = 0;
  function swapTo(number: number, next: AccountBuild) {
    if (number < liveNumber) return;
    liveNumber = number;
    if (live.current() !== next) live.swap(next);
  }
  let following: Promise<boolean> = Promise.resolve(false);

  return {
    build,
    currentVersion,
    listVersions,

    async bootstrap(topicsDir, prepared) {
      return store.withLock(lockKey, async () => {
        const existing = await currentVersion();
        if (existing) {
          // The same build hash: the stored version builds to what start-up built (the builder is deterministic).
          const same = prepared && existing.hash === prepared.build.hash ? prepared.build : undefined;
          swapTo(existing.number, buildOrThrow(existing.files, same));
          return { version: existing };
        }
        const files = prepared?.files ?? (await loadCityFromDir(topicsDir));
        try {
          return { version: await commit(files, 'system', '初始版本（来自 topics 目录）', { action: 'bootstrap', ...(prepared ? { prebuilt: prepared.build } : {}) }) };
        } catch (err) {
          if (!(err instanceof WechatApiError)) throw err;
          // Citizens' messages are answered by our server, so serve the city even though WeChat
          // kept the old menu; the next bootstrap or publish sends the menu again.
          live.swap(buildOrThrow(files, prepared?.build));
          return { menuError: err.message };
        }
      });
    },

    async currentFiles() {
      const version = await currentVersion();
      if (!version) throw new NotFoundError('尚无已发布的版本');
      return version.files;
    },

    async publish(files, actor, note, options = {}) {
      return store.withLock(lockKey, async () => {
        const current = await currentVersion();
        const resolved = typeof files === 'function' ? await files(current?.files ?? { files: [] }) : files;
        const version = await commit(resolved, actor, typeof note === 'function' ? note() : note, { action: 'publish' });
        await options.onPublished?.(version);
        return version;
      });
    },

    follow() {
      const run = following.then(async () => {
        const latest = await currentVersion();
        if (!latest || latest.number <= liveNumber) return false;
        swapTo(latest.number, buildOrThrow(latest.files));
        return true;
      });
      following = run.catch(() => false);
      return run;
    },

    async rollback(versionId, actor) {
      return store.withLock(lockKey, async () => {
        const target = await versions.get(versionId);
        if (!target) throw new NotFoundError('要回滚到的版本不存在');
        const current = await currentVersion();
        if (current?.id === target.id) throw new ValidationError(`版本 #${target.number} 就是当前线上版本，无需回滚`);
        return commit(target.files, actor, `回滚到版本 #${target.number}`, { rollbackOf: target.id, action: 'rollback' });
      });
    },
  };
}
