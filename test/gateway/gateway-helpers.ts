import type { AccountBuild } from '../../server/builder/types.js';
import { createGateway, type GatewayDeps } from '../../server/gateway/gateway.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createMemoryStore } from '../../server/store/memory-store.js';

export function gatewayFor(build: AccountBuild, deps: Partial<GatewayDeps> = {}) {
  const store = deps.store ?? createMemoryStore();
  const live = deps.live ?? createLiveBuild(build);
  return { store, live, gateway: createGateway({ store, live, warn: () => {}, ...deps }) };
}
