// The sample city's build with the notices routers over a memory store, a fake WeChat with the
// notice calls, staff tokens, citizen cookies and a clock the test moves.
import express from 'express';
import { buildAccount, loadCityFromDir } from '../../server/builder/index.js';
import type { AccountBuild } from '../../server/builder/types.js';
import { projectRoot } from '../../server/config.js';
import { createStaffToken } from '../../server/desk/staff-tokens.js';
import { errorHandler } from '../../server/http/error-handler.js';
import { CITIZEN_COOKIE, signCitizenSession } from '../../server/http/identity.js';
import { createMessagesPagesRouter } from '../../server/http/notices/messages-pages-router.js';
import { createNoticesRouter } from '../../server/http/notices/notices-router.js';
import { pageErrorHandler } from '../../server/http/pages/page-errors.js';
import { createLiveBuild } from '../../server/live-build.js';
import type { NoticesDeps } from '../../server/notices/index.js';
import { createRateLimiter } from '../../server/notices/index.js';
import { deliverDueNotices } from '../../server/notices/index.js';
import { createRenderer } from '../../server/render.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { Store } from '../../server/store/types.js';
import { FakeNoticeClient } from '../fakes/fake-notice-client.js';
import path from 'node:path';

export const SESSION_SECRET = 'notices-test-secret';
let sampleBuild: AccountBuild | undefined;

export async function sampleCity(): Promise<AccountBuild> {
  sampleBuild ??= buildAccount(await loadCityFromDir(path.join(projectRoot, 'topics')), { publicBaseUrl: 'https://city.example' });
  return structuredClone(sampleBuild);
}

export interface NoticeHarness {
  app: express.Express;
  deps: NoticesDeps;
  store: Store;
  wechat: FakeNoticeClient;
  clock: { now: Date };
  staff(department: string, label?: string): Promise<string>;
  cookie(openid: string): string;
  /** Runs the worker until nothing is due at the current clock. */
  deliver(): Promise<void>;
}

/** Starts at 2026-12-02 10:00 city time (outside quiet hours). */
export async function noticeHarness(opts: { build?: AccountBuild; now?: string; photos?: NoticesDeps['photos']; bindingHolders?: NoticesDeps['bindingHolders']; bindingDepartments?: NoticesDeps['bindingDepartments'] } = {}): Promise<NoticeHarness> {
  const store = createMemoryStore();
  const wechat = new FakeNoticeClient();
  const clock = { now: new Date(opts.now ?? '2026-12-02T10:00:00+08:00') };
  const live = createLiveBuild(opts.build ?? (await sampleCity()));
  const deps: NoticesDeps = {
    store,
    live,
    wechat,
    publicBaseUrl: 'https://city.example',
    config: { ratePerSecond: 1000 },
    now: () => clock.now,
    ...(opts.photos ? { photos: opts.photos } : {}),
    ...(opts.bindingHolders ? { bindingHolders: opts.bindingHolders } : {}),
    ...(opts.bindingDepartments ? { bindingDepartments: opts.bindingDepartments } : {}),
  };
  const app = express();
  const api = express.Router();
  api.use(createNoticesRouter(deps));
  api.use(errorHandler());
  app.use('/api', api);
  const renderer = createRenderer();
  app.use(createMessagesPagesRouter({ ...deps, renderer, sessionSecret: SESSION_SECRET, localMode: true }));
  app.use(pageErrorHandler(renderer, { localMode: true, accountName: () => live.current().account.name }));
  const limiter = createRateLimiter(1000);
  return {
    app,
    deps,
    store,
    wechat,
    clock,
    staff: (department, label = '违法处理系统') => createStaffToken(store, department, label),
    cookie: (openid) => `${CITIZEN_COOKIE}=${signCitizenSession(openid, SESSION_SECRET)}`,
    async deliver() {
      while ((await deliverDueNotices(deps, limiter)).claimed > 0);
    },
  };
}
