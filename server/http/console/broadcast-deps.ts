// The broadcasts room over the city's accounts: each broadcasting account's own build, and its own
// WeChat client (appid, secret, token store) for everything an issue does with WeChat; images on
// the city's blob store (BLOB_STORE), shared by every process.
import path from 'node:path';
import { createAccountRegistry, type AccountRegistry } from '../../accounts/index.js';
import { broadcastAccountOf, type BroadcastDeps, createBlobImages, type TemplateValues } from '../../broadcasts/index.js';
import { connectorRequest, type ConnectorCaller } from '../../query/index.js';
import { blobsOf, incomingDir } from '../../loop/index.js';
import type { Config } from '../../config.js';
import { listUsers } from '../../console/index.js';
import type { LiveBuild } from '../../live-build.js';
import type { Publisher } from '../../publish/index.js';
import type { BlobStore, Store } from '../../store/index.js';
import type { WechatClient } from '../../wechat/index.js';

export interface BroadcastDepsInput {
  store: Store;
  config: Config;
  accounts: AccountRegistry;
  /** The blob store the composition root opened; absent: config's directory. */
  blobs?: BlobStore;
}

export function consoleBroadcastDeps(deps: BroadcastDepsInput, now: () => Date): BroadcastDeps {
  const { accounts } = deps;
  return {
    store: deps.store,
    accounts: () => accounts.runtimes().flatMap((r) => broadcastAccountOf(r.id, r.live.current()) ?? []),
    images: createBlobImages({
      blobs: blobsOf(deps), store: deps.store, scratchDir: incomingDir(deps.config.dataDir), legacyDir: path.join(deps.config.dataDir, 'broadcast-images'), now,
    }),
    // Read on each use: in local mode a client exists only once the server listens.
    wechat: (id) => (accounts.has(id) ? accounts.get(id).client.broadcasts : undefined),
    users: () => listUsers(deps.store),
    now,
  };
}

/** A city of one account, for callers that have no registry (a console mounted on its own). */
export function singleAccountRegistry(deps: { config: Config; live: LiveBuild; client: WechatClient; publisher: Publisher }): AccountRegistry {
  const { wechat } = deps.config;
  return createAccountRegistry([
    { id: deps.live.current().account.id ?? 'main', live: deps.live, client: deps.client, publisher: deps.publisher, credentials: { token: wechat.token, appId: wechat.appId, secret: wechat.secret, encodingAesKey: wechat.encodingAesKey } },
  ]);
}

/** Recurring columns filled from a department's system: the template source's call through the city's connectors. */
export function connectorTemplateValues(connectors: ConnectorCaller): TemplateValues {
  return async (source, date) => {
    const answer = await connectors.call(connectorRequest(source, { date }));
    if (answer.kind === 'found') return { values: answer.data };
    return { failed: answer.kind === 'not-found' ? '部门系统没有这一天的数据' : answer.reason };
  };
}
