// The app exactly as `onestop serve` composes it (createApp with every router), in local mode
// with the local cashier so every optional router is mounted, on an in-memory store.
import path from 'node:path';
import { createApp } from '../../server/app.js';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import { loadConfig, projectRoot } from '../../server/config.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createPaymentProvider } from '../../server/loop/payment/create-payment-provider.js';
import { createPublisher } from '../../server/publish/publisher.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { FakeWechatClient } from '../fakes/fake-wechat-client.js';

export async function createFullApp() {
  const config = loadConfig({ PUBLIC_BASE_URL: 'http://127.0.0.1:3000', SESSION_SECRET: 'route-table-test-secret', DATA_DIR: '/nonexistent-onestop-route-table', PAY_PROVIDER: 'local' });
  const store = createMemoryStore();
  const live = createLiveBuild(buildAccount(await loadCityFromDir(path.join(projectRoot, 'topics')), { publicBaseUrl: config.publicBaseUrl }));
  const wechat = new FakeWechatClient();
  const pay = createPaymentProvider(config, store);
  return createApp({ config, store, live, wechat, pay, publisher: createPublisher({ store, live, client: wechat, publicBaseUrl: config.publicBaseUrl }) });
}
