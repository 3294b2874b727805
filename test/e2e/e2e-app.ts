// The app as main.ts composes it, for the end-to-end browser suites: createApp over a lowdb store in
// a temp data directory, the local payment provider, the publisher and the real WeChat client
// talking over HTTP to the app's own stand-in (/_wechat, local mode: no WeChat credentials), on a
// loopback port with headless Chromium beside it. Only the city (and the clock) are the suite's.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { createApp } from '../../server/app.js';
import type { AccountBuild } from '../../server/builder/types.js';
import { loadConfig } from '../../server/config.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createPaymentProvider } from '../../server/loop/payment/create-payment-provider.js';
import { wechatClientFor } from '../../server/main.js';
import { createPublisher } from '../../server/publish/publisher.js';
import { createRenderer } from '../../server/render.js';
import { createLowdbStore } from '../../server/store/lowdb-store.js';
import type { Store } from '../../server/store/types.js';
import { startBrowserRig } from '../browser/browser-rig.js';

export interface E2eApp {
  browser: Browser;
  /** http://127.0.0.1:<port>, also the app's PUBLIC_BASE_URL. */
  base: string;
  store: Store;
  /** Closes the browser and the server, then the store, and removes the data directory. */
  close(): Promise<void>;
}

export interface E2eAppOptions {
  /** The city, made once the base URL is known (builds put it into links). */
  build: (base: string) => AccountBuild | Promise<AccountBuild>;
  /** The temp data directory's name prefix. */
  prefix: string;
  now?: () => Date;
}

export async function startE2eApp(opts: E2eAppOptions): Promise<E2eApp> {
  const rig = await startBrowserRig();
  const dir = await mkdtemp(path.join(tmpdir(), opts.prefix));
  const store = await createLowdbStore(path.join(dir, 'db'));
  const close = async () => {
    await rig.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const { base } = rig;
    const config = loadConfig({ PUBLIC_BASE_URL: base, DATA_DIR: dir, SESSION_SECRET: 'e2e-secret', PAY_PROVIDER: 'local' });
    assert.equal(config.localMode, true, 'no WeChat credentials: the stand-in is mounted');
    const live = createLiveBuild(await opts.build(base));
    const wechat = wechatClientFor(config, store, () => `${base}/_wechat`);
    const publisher = createPublisher({ store, live, client: wechat, publicBaseUrl: config.publicBaseUrl });
    rig.serve(createApp({ config, store, live, wechat, pay: createPaymentProvider(config, store), publisher, renderer: createRenderer(), ...(opts.now ? { now: opts.now } : {}) }));
  } catch (err) {
    await close();
    throw err;
  }
  return { browser: rig.browser, base: rig.base, store, close };
}
