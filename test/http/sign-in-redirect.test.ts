import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { signInRedirect, signInUrl } from '../../server/http/sign-in-redirect.js';

describe('signInRedirect', () => {
  const app = (localMode: boolean) =>
    express()
      .use((req, res, next) => ((res.locals.openid = req.get('x-test-openid')), next()))
      .get('/me/page', signInRedirect(localMode), (_req, res) => void res.send(`hello ${String(res.locals.openid)}`));

  it('sends an anonymous caller to WeChat sign-in and back to the page asked for', async () => {
    const res = await request(app(false)).get('/me/page?x=1').expect(302);
    assert.equal(res.headers.location, '/auth/wechat?next=%2Fme%2Fpage%3Fx%3D1');
  });

  it('uses the local test sign-in in local mode', () => {
    assert.equal(signInUrl(true, '/s/a/b/book'), '/auth/local?next=%2Fs%2Fa%2Fb%2Fbook');
  });

  it('lets a signed-in citizen through', async () => {
    await request(app(false)).get('/me/page').set('x-test-openid', 'oAlice').expect(200, 'hello oAlice');
  });
});
