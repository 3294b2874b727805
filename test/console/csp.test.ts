import assert from 'node:assert/strict';
import request from 'supertest';
import { createHarness } from './harness.js';

describe('console Content-Security-Policy', () => {
  it('sends a full policy: own scripts only, no inline script, no framing', async () => {
    const h = await createHarness();
    const res = await request(h.app).get('/console/login').expect(200);
    const csp = String(res.headers['content-security-policy']);
    const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
    assert.equal(scriptSrc, "script-src 'self'");
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
  });
});
