import assert from 'node:assert/strict';
import { addTestUsers, createHarness, login, type Harness, type Session, USERS } from './harness.js';

describe('console error page', () => {
  let h: Harness;
  let platform: Session;
  before(async () => {
    h = await createHarness();
    await addTestUsers(h.store);
    platform = await login(h.app, USERS.platform.username);
  });

  const backOf = async (referer?: string) => {
    const req = platform.agent.get('/console/no-such-page').set('Host', 'gov.example.cn');
    const res = await (referer === undefined ? req : req.set('Referer', referer)).expect(404);
    const m = /<a href="([^"]*)">‹ 返回<\/a>/.exec(res.text);
    assert.ok(m, 'the error page has a 返回 link');
    return m[1]!.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
  };

  it('leads 返回 back to the console page of this site the user came from', async () => {
    assert.equal(await backOf('https://gov.example.cn/console/drafts?x=1&y=2'), '/console/drafts?x=1&y=2');
    assert.equal(await backOf('http://gov.example.cn/console/'), '/console/');
  });

  it('leads 返回 to the console home when the Referer is another site, even a /console/ path there', async () => {
    assert.equal(await backOf('https://evil.example/console/'), '/console/');
    assert.equal(await backOf('https://evil.example/?next=/console/'), '/console/');
    assert.equal(await backOf('https://gov.example.cn.evil.example/console/drafts'), '/console/');
  });

  it('leads 返回 to the console home without a usable Referer', async () => {
    assert.equal(await backOf(), '/console/');
    assert.equal(await backOf('not a url /console/'), '/console/');
    assert.equal(await backOf('javascript:alert(1)//console/'), '/console/');
  });
});
