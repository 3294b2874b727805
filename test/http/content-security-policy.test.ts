// The CSP allows only the app's own script files, so no template may carry an executable inline
// script or an inline event handler; page data travels in <script type="application/json">.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { loadConfig, projectRoot } from '../../server/config.js';
import { createPublisher } from '../../server/publish/publisher.js';
import { CITIZEN_COOKIE, signCitizenSession } from '../../server/http/identity.js';
import { createLiveBuild } from '../../server/live-build.js';
import { createPaymentProvider } from '../../server/loop/payment/create-payment-provider.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { FakeWechat, makeBuild, NOW, SERVICE } from '../loop/appointment/fixture-build.js';

const TEMPLATES = path.join(projectRoot, 'templates');

function templateFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? templateFiles(path.join(dir, e.name)) : e.name.endsWith('.hbs') ? [path.join(dir, e.name)] : [],
  );
}

/** Script tags a CSP of script-src 'self' would block: neither src= nor a JSON data block. */
function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script\b([^>]*)>/gi)].map((m) => m[0]).filter((tag) => !/\ssrc\s*=/i.test(tag) && !/\stype\s*=\s*["']application\/json["']/i.test(tag));
}

/** onclick= and friends, blocked by script-src-attr 'none'. */
const inlineHandlers = (html: string) => [...html.matchAll(/<[a-z][^>]*?\son[a-z]+\s*=/gi)].map((m) => m[0]);

function directives(header: string): Map<string, string[]> {
  return new Map(header.split(';').map((d) => d.trim().split(/\s+/)).filter((p) => p[0]).map(([name, ...values]) => [name!, values]));
}

describe('Content-Security-Policy', () => {
  const config = loadConfig({ PUBLIC_BASE_URL: 'https://gov.example.cn', SESSION_SECRET: 'csp-test-secret', DATA_DIR: '/nonexistent-onestop-csp' });
  const store = createMemoryStore();
  const live = createLiveBuild(makeBuild());
  const wechat = new FakeWechat();
  const app = createApp({
    config,
    store,
    live,
    wechat,
    pay: createPaymentProvider(config, store),
    publisher: createPublisher({ store, live, client: wechat, publicBaseUrl: config.publicBaseUrl }),
    now: () => NOW,
  });
  const cookie = `${CITIZEN_COOKIE}=${signCitizenSession('alice', config.sessionSecret)}`;
  const PAGES = ['/', `/s/${SERVICE}`, `/s/${SERVICE}/halls`, `/s/${SERVICE}/book`, '/me/appointments', '/me/applications'];

  it('allows scripts from the app only: no unsafe-inline, no unsafe-eval, no handler attributes', async () => {
    const res = await request(app).get('/').expect(200);
    const csp = directives(res.headers['content-security-policy'] ?? '');
    assert.deepEqual(csp.get('script-src'), ["'self'"]);
    assert.deepEqual(csp.get('script-src-attr'), ["'none'"]);
    assert.equal(csp.get('default-src')?.includes("'self'"), true);
    assert.equal([...csp.values()].flat().includes("'unsafe-eval'"), false);
    // The console sets its own, stricter policy; it must not loosen scripts either.
    const console = directives((await request(app).get('/console/login')).headers['content-security-policy'] ?? '');
    assert.deepEqual(console.get('script-src'), ["'self'"]);
  });

  it('serves H5 pages without inline scripts, and every script they load', async () => {
    for (const url of PAGES) {
      const res = await request(app).get(url).set('Cookie', cookie).expect(200);
      assert.deepEqual(inlineScripts(res.text), [], url);
      for (const [, src] of res.text.matchAll(/<script\b[^>]*\ssrc="([^"]+)"/g)) {
        const js = await request(app).get(src!).expect(200);
        assert.match(js.headers['content-type'] ?? '', /javascript/, src);
      }
    }
    await request(app).get('/assets/h5/nothing.js').expect(404);
    await request(app).get('/assets/h5/..%2F..%2Fpackage.json').expect(404);
  });

  it('finds an inline script or handler when there is one (the check below can fail)', () => {
    assert.deepEqual(inlineScripts('<script>alert(1)</script><script src="/a.js"></script><script type="application/json">{}</script>'), ['<script>']);
    assert.deepEqual(inlineScripts('<SCRIPT type="text/javascript">x()</SCRIPT>'), ['<SCRIPT type="text/javascript">']);
    assert.equal(inlineHandlers('<button type="button" onclick="go()">').length, 1);
  });

  for (const file of templateFiles(TEMPLATES)) {
    const name = path.relative(projectRoot, file);
    it(`${name} has no inline executable script or event handler`, () => {
      const text = readFileSync(file, 'utf8');
      assert.deepEqual(inlineScripts(text), [], `${name}: move the script to a static file (templates/h5/assets) and pass data with data-* or <script type="application/json">`);
      assert.deepEqual(inlineHandlers(text), [], `${name}: attach handlers with addEventListener in a static script`);
      assert.equal(/href\s*=\s*["']\s*javascript:/i.test(text), false, `${name}: javascript: URL`);
    });
  }
});
