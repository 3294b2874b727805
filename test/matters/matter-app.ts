// The application and matter routers (API and pages) over the sample city, for HTTP tests.
import express from 'express';
import request from 'supertest';
import { createApplicationRouter } from '../../server/http/applications/application-router.js';
import { errorHandler } from '../../server/http/error-handler.js';
import { createMatterPagesRouter } from '../../server/http/matters/matter-pages-router.js';
import { createMatterRouter } from '../../server/http/matters/matter-router.js';
import { createServicePagesRouter } from '../../server/http/pages/service-pages-router.js';
import { createTestApp, FILES, type TestApp } from '../loop/applications/test-app.js';
import { MATTER_ID, sampleCity, validBody } from './matter-fixture.js';

export interface MatterApp extends TestApp {
  submit(openid?: string, body?: Record<string, string>): request.Test;
}

/** The sample city; `onRefusal` overrides the sample matter's rule (it declares continue). */
export async function createMatterApp(opts: { onRefusal?: 'continue' | 'stop' } = {}): Promise<MatterApp> {
  const build = await sampleCity();
  if (opts.onRefusal) build.matters!.find((m) => m.id === MATTER_ID)!.onRefusal = opts.onRefusal;
  const t = createTestApp({ build, now: '2026-12-02T02:00:00Z' });
  const app = express();
  app.use('/api', createApplicationRouter(t.deps));
  app.use('/api', createMatterRouter(t.deps));
  app.use(createServicePagesRouter(t.deps));
  app.use(createMatterPagesRouter(t.deps));
  app.use(errorHandler());
  return {
    ...t,
    app,
    submit(openid = 'buyer', body = validBody()) {
      let req = request(app).post(`/api/matters/${MATTER_ID}/applications`).set('Cookie', t.cookie(openid));
      for (const [k, v] of Object.entries(body)) req = req.field(k, v);
      return req.attach('contract', FILES.pdf, '网签合同.pdf').attach('idCardImage', FILES.png, '身份证.png');
    },
  };
}
