// GET /auth/link?t=…: a subscription account's signed link (accounts/signed-links.ts) exchanged for
// a citizen session that carries the account (what the citizen then does belongs to that account's
// openid, and its notices go through that account's client), then on to the page it names. Refusals are a Chinese page (page errors).
import express from 'express';
import { redeemSignedLink } from '../../accounts/index.js';
import type { Config } from '../../config.js';
import type { Store } from '../../store/index.js';
import { ACCOUNT_HINT_COOKIE, ACCOUNT_HINT_MAX_AGE_MS, CITIZEN_COOKIE, CITIZEN_SESSION_MAX_AGE_MS, readCitizenIdentity, readCookie, signAccountHint, signCitizenSession } from '../identity.js';

export interface SignedLinkRouterDeps {
  config: Readonly<Config>;
  store: Store;
  now?: () => Date;
}

export function createSignedLinkRouter(deps: SignedLinkRouterDeps) {
  const { config, store } = deps;
  const now = deps.now ?? (() => new Date());
  const router = express.Router();
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure: config.publicBaseUrl.startsWith('https://'), path: '/' };
  router.get('/link', async (req, res) => {
    const token = typeof req.query.t === 'string' ? req.query.t : '';
    const at = now();
    const session = readCitizenIdentity(readCookie(req, CITIZEN_COOKIE), config.sessionSecret, at);
    const link = await redeemSignedLink({ store, secret: config.sessionSecret, now: at }, token, session?.openid, session?.account);
    if (link.fresh) {
      res.cookie(CITIZEN_COOKIE, signCitizenSession(link.openid, config.sessionSecret, at, link.account), { ...cookieOptions, maxAge: CITIZEN_SESSION_MAX_AGE_MS });
      // When the session has run out, /auth/wechat signs this browser in through the same account again.
      res.cookie(ACCOUNT_HINT_COOKIE, signAccountHint(link.account, config.sessionSecret), { ...cookieOptions, maxAge: ACCOUNT_HINT_MAX_AGE_MS });
    }
    // A signed link must not stay in the history or leak through Referer.
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, link.next);
  });
  return router;
}
