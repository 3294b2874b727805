// What every step of the six-step loop receives from the composition root (server/app.ts).
import type { Config } from '../config.js';
import type { Renderer } from '../render.js';
import type { LiveBuild } from '../live-build.js';
import type { Store } from '../store/index.js';
import type { WechatClient } from '../wechat/index.js';

export interface LoopDeps {
  config: Readonly<Config>;
  store: Store;
  live: LiveBuild;
  /** Absent in local mode: notifications are then recorded in the store log 'notifications'. */
  wechat?: WechatClient;
  renderer: Renderer;
  /** Injected clock for tests; defaults to the system clock. */
  now?: () => Date;
}

export const nowOf = (deps: { now?: () => Date }): Date => (deps.now ? deps.now() : new Date());
export const clockOf = nowOf;
