// What every step of the six-step loop receives from the composition root (server/app.ts).
import type { Config } from '../config.js';
import type { Renderer } from '../render.js';
import type { LiveBuild } from '../live-build.js';
import { type BlobStore, createDirBlobStore, type Store } from '../store/index.js';
import type { WechatClient } from '../wechat/index.js';

/**
 * The part of the configuration the loop reads, and all of it that reaches the loop: the base URL
 * of links in notices, where uploaded files live (the blob store), the per-citizen upload quota.
 * The edge (http/) keeps the rest (data directory, session secret, local mode, CORS, WeChat
 * credentials) to itself; the loop's file helpers take a directory as an argument.
 */
export type LoopConfig = Pick<Config, 'publicBaseUrl' | 'blobs' | 'uploadQuota'>;

/** What the payment providers read: the provider and its merchant keys, the AppID, the local cashier's key. */
export type PaymentConfig = Pick<Config, 'pay' | 'publicBaseUrl' | 'sessionSecret'> & { wechat: Pick<Config['wechat'], 'appId'> };

export interface LoopDeps {
  config: Readonly<LoopConfig>;
  store: Store;
  live: LiveBuild;
  /** Absent in local mode: notifications are then recorded in the store log 'notifications'. */
  wechat?: WechatClient;
  renderer: Renderer;
  /** Uploaded files (BLOB_STORE); absent: the directory config.blobs names. */
  blobs?: BlobStore;
  /** Injected clock for tests; defaults to the system clock. */
  now?: () => Date;
}

export const nowOf = (deps: { now?: () => Date }): Date => (deps.now ? deps.now() : new Date());
export const clockOf = nowOf;

/** The blob store of uploads: the one the composition root opened, or config's directory. */
export function blobsOf(deps: { config: Readonly<Pick<Config, 'blobs'>>; blobs?: BlobStore }): BlobStore {
  if (deps.blobs) return deps.blobs;
  const where = deps.config.blobs;
  if (where.kind !== 'dir') throw new Error('BLOB_STORE=postgres: the composition root must pass the PostgreSQL blob store');
  return createDirBlobStore(where.dir);
}
