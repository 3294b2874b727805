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

/**
 * The WeChat side of one of the city's accounts, as the loop's notices need it: records carry the
 * account they came through (`account`), and an openid is only valid on its own account.
 */
export interface AccountChannel {
  id: string;
  primary: boolean;
  client?: WechatClient;
  /** The account may send template messages (a verified service account). */
  templates: boolean;
  /** That account's own appointment template (its file's notifications.appointmentTemplateId). */
  appointmentTemplateId?: string;
}

export interface LoopDeps {
  config: Readonly<LoopConfig>;
  store: Store;
  live: LiveBuild;
  /** The primary account's client. Absent: notifications are only recorded in the store log 'notifications'. */
  wechat?: WechatClient;
  /**
   * The account of a record by its id (the registry, from the composition root). Throws for an id
   * the city does not have. Absent: a one-account city.
   */
  accountOf?: (account: string) => AccountChannel;
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
