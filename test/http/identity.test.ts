import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { errorHandler } from '../../server/http/error-handler.js';
import {
  CITIZEN_COOKIE,
  optionalCitizen,
  readCitizenIdentity,
  readCitizenSession,
  readSignedValue,
  requireCitizen,
  signCitizenSession,
  signValue,
} from '../../server/http/identity.js';

const SECRET = 'an-identity-test-secret-of-32-chars';
const DAY = 24 * 3600 * 1000;

function appWith(options?: { allowedOrigins?: string[] }) {
  const app = express();
  const citizen = requireCitizen(SECRET, options);
  app.get('/whoami', citizen, (_req, res) => void res.json({ openid: res.locals.openid }));
  app.post('/act', citizen, (_req, res) => void res.json({ openid: res.locals.openid }));
  app.get('/maybe', optionalCitizen(SECRET), (_req, res) => void res.json({ openid: res.locals.openid ?? null }));
  app.use(errorHandler());
  return app;
}

const cookie = (value: string) => `${CITIZEN_COOKIE}=${value}`;

describe('citizen identity', () => {
  describe('signed values', () => {
    it('reads a value back only for the purpose it was signed for', () => {
      const token = signValue('oauth-state', 'abc|/me', SECRET);
      assert.equal(readSignedValue('oauth-state', token, SECRET), 'abc|/me');
      assert.equal(readSignedValue('citizen', token, SECRET), undefined);
      assert.equal(readSignedValue('oauth-state', token, 'another-secret'), undefined);
      assert.equal(readSignedValue('oauth-state', `${token}x`, SECRET), undefined);
    });

    it('does not accept a value signed for another purpose as a citizen session', async () => {
      // The OAuth state cookie is "<state>|<next>"; it once verified as a session for openid "<state>|<next>".
      const state = signValue('oauth-state', 'deadbeef|/', SECRET);
      assert.equal(readCitizenSession(state, SECRET), undefined);
      await request(appWith()).get('/whoami').set('Cookie', cookie(state)).expect(401);
    });
  });

  describe('sessions', () => {
    const now = new Date('2026-11-20T02:00:00Z');

    it('identifies the citizen of a fresh session', async () => {
      assert.equal(readCitizenSession(signCitizenSession('o-abc_1', SECRET, now), SECRET, now), 'o-abc_1');
      await request(appWith()).get('/whoami').set('Cookie', cookie(signCitizenSession('o-abc_1', SECRET))).expect(200, { openid: 'o-abc_1' });
    });

    it('carries the account a further account’s follower came through, and none for the primary’s sessions', () => {
      assert.deepEqual(readCitizenIdentity(signCitizenSession('o-cx', SECRET, now, 'chuxing'), SECRET, now), { openid: 'o-cx', account: 'chuxing' });
      assert.deepEqual(readCitizenIdentity(signCitizenSession('o-main', SECRET, now), SECRET, now), { openid: 'o-main' });
      assert.equal(readCitizenSession(signCitizenSession('o-cx', SECRET, now, 'chuxing'), SECRET, now), 'o-cx');
      assert.throws(() => signCitizenSession('o-cx', SECRET, now, 'Not An Id'), /公众号编号无效/);
    });

    it('refuses a session issued more than 30 days ago', () => {
      const issued = new Date(now.getTime() - 31 * DAY);
      assert.equal(readCitizenSession(signCitizenSession('o-old', SECRET, issued), SECRET, now), undefined);
      const recent = new Date(now.getTime() - 29 * DAY);
      assert.equal(readCitizenSession(signCitizenSession('o-old', SECRET, recent), SECRET, now), 'o-old');
    });

    it('refuses a session issued in the future', () => {
      const later = new Date(now.getTime() + DAY);
      assert.equal(readCitizenSession(signCitizenSession('o-x', SECRET, later), SECRET, now), undefined);
    });

    it('refuses a genuinely signed session whose openid is not a WeChat openid', () => {
      const issued = Math.floor(now.getTime() / 1000);
      for (const openid of ['', 'a b', '<script>', 'x'.repeat(65), 'a|b']) {
        assert.equal(readCitizenSession(signValue('citizen', `${openid}|${issued}`, SECRET), SECRET, now), undefined, openid);
      }
      assert.equal(readCitizenSession(signValue('citizen', 'o-no-time', SECRET), SECRET, now), undefined);
      assert.throws(() => signCitizenSession('a b', SECRET), /openid/);
    });

    it('treats a malformed cookie as no session instead of failing with 500', async () => {
      const app = appWith();
      await request(app).get('/whoami').set('Cookie', `${CITIZEN_COOKIE}=%E0%A4%A`).expect(401);
      await request(app).get('/maybe').set('Cookie', `other=1; ${CITIZEN_COOKIE}=%E0%A4%A`).expect(200, { openid: null });
    });
  });

  describe('cross-site requests to citizen routes', () => {
    const session = () => cookie(signCitizenSession('o-csrf', SECRET));
    const post = (app: express.Express, headers: Record<string, string>) => request(app).post('/act').set('Cookie', session()).set(headers);

    it('refuses a POST the browser marks as cross-site or same-site with 403 and a Chinese message', async () => {
      const app = appWith();
      for (const site of ['cross-site', 'same-site']) {
        const res = await post(app, { 'Sec-Fetch-Site': site }).expect(403);
        assert.equal(res.body.code, 'FORBIDDEN');
        assert.match(res.body.message, /跨站/);
      }
    });

    it('refuses a POST from another origin, including the opaque origin "null"', async () => {
      const app = appWith();
      await post(app, { Origin: 'https://evil.example' }).expect(403);
      await post(app, { Origin: 'null' }).expect(403);
    });

    it('allows same-origin POSTs and POSTs without Origin or Sec-Fetch-Site', async () => {
      const app = appWith();
      await post(app, { 'Sec-Fetch-Site': 'same-origin' }).expect(200, { openid: 'o-csrf' });
      await post(app, { 'Sec-Fetch-Site': 'none' }).expect(200);
      await post(app, {}).expect(200);
      // Origin matching the Host header, with either scheme (a TLS-terminating proxy may sit in front).
      await post(app, { Host: 'gov.example.cn', Origin: 'https://gov.example.cn', 'Sec-Fetch-Site': 'same-origin' }).expect(200);
      await post(app, { Host: 'gov.example.cn:8080', Origin: 'http://gov.example.cn:8080' }).expect(200);
      await post(app, { Host: 'gov.example.cn', Origin: 'https://gov.example.cn.evil.example' }).expect(403);
    });

    it('allows the configured public origin', async () => {
      const app = appWith({ allowedOrigins: ['https://gov.example.cn/'] });
      await post(app, { Host: 'internal:3000', Origin: 'https://gov.example.cn' }).expect(200);
      await post(app, { Host: 'internal:3000', Origin: 'https://other.example.cn' }).expect(403);
    });

    it('refuses a cross-site POST even without a session, before anything else', async () => {
      await request(appWith()).post('/act').set('Origin', 'https://evil.example').expect(403);
    });

    it('leaves cross-site GETs (links from chats and other sites) alone', async () => {
      await request(appWith()).get('/whoami').set('Cookie', session()).set('Sec-Fetch-Site', 'cross-site').expect(200);
    });
  });
});
