import assert from 'node:assert/strict';
import request from 'supertest';
import { pruneUsedLinks, redeemSignedLink, SIGNED_LINK_TTL_MS, signLink } from '../../server/accounts/index.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { CITIZEN_COOKIE, readCitizenIdentity } from '../../server/http/identity.js';
import { parseXmlObject } from '../../server/wechat/xml.js';
import { textXml } from '../gateway/harness.js';
import { accountFile, cityWith } from './city-fixture.js';
import { createCityApp } from './harness.js';

const SECRET = 'signed-link-test-secret';
const BASE = 'https://gov.example.cn';
const T0 = new Date('2026-12-02T01:00:00Z');
const tokenOf = (url: string) => new URL(url).searchParams.get('t')!;
const link = (openid = 'o-sub-1', now = T0) => signLink({ account: 'chuxing', openid, url: `${BASE}/s/chengguan/weizhang-tingche`, publicBaseUrl: BASE, secret: SECRET, now });

describe('signed sign-in links (the subscription account’s alternative to web authorisation)', () => {
  it('signs a citizen in once and names the page to open', async () => {
    const store = createMemoryStore();
    const redeemed = await redeemSignedLink({ store, secret: SECRET, now: T0 }, tokenOf(link()));
    assert.deepEqual(redeemed, { account: 'chuxing', openid: 'o-sub-1', next: '/s/chengguan/weizhang-tingche', fresh: true });
  });

  it('is refused the second time in another browser (single use)', async () => {
    const store = createMemoryStore();
    const t = tokenOf(link());
    await redeemSignedLink({ store, secret: SECRET, now: T0 }, t);
    await assert.rejects(redeemSignedLink({ store, secret: SECRET, now: T0 }, t), /只能使用一次/);
  });

  it('lets the same citizen open it again while signed in, without a new session', async () => {
    const store = createMemoryStore();
    const t = tokenOf(link());
    await redeemSignedLink({ store, secret: SECRET, now: T0 }, t);
    assert.equal((await redeemSignedLink({ store, secret: SECRET, now: T0 }, t, 'o-sub-1')).fresh, false);
  });

  it('is refused after ten minutes (a forwarded link is worthless)', async () => {
    const store = createMemoryStore();
    const later = new Date(T0.getTime() + SIGNED_LINK_TTL_MS + 1000);
    await assert.rejects(redeemSignedLink({ store, secret: SECRET, now: later }, tokenOf(link())), /已过期/);
  });

  it('is refused in a browser signed in as another citizen, and stays unused', async () => {
    const store = createMemoryStore();
    const t = tokenOf(link('o-sub-1'));
    await assert.rejects(redeemSignedLink({ store, secret: SECRET, now: T0 }, t, 'o-someone-else', 'chuxing'), /属于另一位微信用户/);
    assert.equal((await redeemSignedLink({ store, secret: SECRET, now: T0 }, t)).fresh, true);
  });

  it('is refused in a browser signed in through another account, saying how to go on', async () => {
    const store = createMemoryStore();
    const t = tokenOf(link('o-sub-1'));
    await assert.rejects(redeemSignedLink({ store, secret: SECRET, now: T0 }, t, 'o-primary-9'), /已用另一个公众号的身份登录.*退出登录/);
    await assert.rejects(redeemSignedLink({ store, secret: SECRET, now: T0 }, t, 'o-other-2', 'chuxing'), /属于另一位微信用户/);
    assert.equal((await redeemSignedLink({ store, secret: SECRET, now: T0 }, t)).fresh, true, 'still unused');
  });

  it('is refused when altered to name another citizen', async () => {
    const store = createMemoryStore();
    const [payload, mac] = tokenOf(link('o-sub-1')).split('.');
    const forged = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    forged.o = 'o-victim';
    const altered = `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${mac}`;
    await assert.rejects(redeemSignedLink({ store, secret: SECRET, now: T0 }, altered), /被改动过/);
  });

  describe('the used-link records', () => {
    const MIN = 60_000;
    const at = (ms: number) => new Date(T0.getTime() + ms);
    const uses = (store: ReturnType<typeof createMemoryStore>) => store.collection<{ id: string; at: number }>('signed-link-uses').list();

    it('are removed once the links’ lifetime has passed, the recent ones kept', async () => {
      const store = createMemoryStore();
      await redeemSignedLink({ store, secret: SECRET, now: at(0) }, tokenOf(link('o-1', at(0))));
      await redeemSignedLink({ store, secret: SECRET, now: at(9 * MIN) }, tokenOf(link('o-2', at(9 * MIN))));
      assert.equal((await uses(store)).length, 2);
      await redeemSignedLink({ store, secret: SECRET, now: at(12 * MIN) }, tokenOf(link('o-3', at(12 * MIN))));
      assert.deepEqual((await uses(store)).map((u) => u.at).sort((a, b) => a - b), [at(9 * MIN).getTime(), at(12 * MIN).getTime()]);
    });

    it('stay bounded under steady traffic (one link a second for an hour)', async () => {
      const store = createMemoryStore();
      let most = 0;
      for (let s = 0; s < 3600; s += 1) {
        const now = at(s * 1000);
        await redeemSignedLink({ store, secret: SECRET, now }, tokenOf(link(`o-${s}`, now)));
        if (s % 60 === 0) most = Math.max(most, (await uses(store)).length);
      }
      // The lifetime (600) plus at most two minutes not yet swept.
      assert.ok(most <= 600 + 120, `at most ${most} records`);
    });

    it('leave a used link refused after its record went: it has expired by then', async () => {
      const store = createMemoryStore();
      const t = tokenOf(link('o-1', at(0)));
      await redeemSignedLink({ store, secret: SECRET, now: at(0) }, t);
      assert.equal(await pruneUsedLinks(store, at(12 * MIN)), 1);
      await assert.rejects(redeemSignedLink({ store, secret: SECRET, now: at(12 * MIN) }, t), /已过期/);
    });

    it('of an earlier run are swept by the first sweep of a process', async () => {
      const store = createMemoryStore();
      await store.collection<{ id: string; at: number }>('signed-link-uses').insert({ id: 'from-before', at: at(-60 * MIN).getTime() });
      assert.equal(await pruneUsedLinks(store, at(0)), 1);
      assert.equal((await uses(store)).length, 0);
    });
  });

  describe('in a subscription account', () => {
    const fixture = () =>
      cityWith({
        'account.json': null,
        'accounts/chengguan.json': accountFile({ desk: { hours: {} }, calendar: { holidays: [], workdays: [] }, badReviewDeadlineDays: 5 }),
      });

    it('replies with a link signed for that citizen, which opens the page signed in', async () => {
      const { city, cleanup } = await fixture();
      try {
        const app = createCityApp(city);
        const res = await app.push('/wechat', 'chengguan', textXml('违章停车', 'o-sub-7')).expect(200);
        const reply = parseXmlObject(res.text) as { Articles: { item: { Url: string } } };
        const url = new URL(reply.Articles.item.Url);
        assert.equal(url.pathname, '/auth/link');
        const opened = await request(app.app).get(url.pathname + url.search).expect(303);
        assert.equal(opened.headers.location, '/s/chengguan/weizhang-tingche');
        const session = new RegExp(`${CITIZEN_COOKIE}=([^;]+)`).exec(String(opened.headers['set-cookie']))![1]!;
        // The session carries the account: what the citizen does next belongs to that account's openid.
        assert.deepEqual(readCitizenIdentity(decodeURIComponent(session), app.config.sessionSecret), { openid: 'o-sub-7', account: 'chengguan' });
        // Forwarded and opened elsewhere: refused with a Chinese page.
        const again = await request(app.app).get(url.pathname + url.search).expect(403);
        assert.match(again.text, /只能使用一次/);
      } finally {
        await cleanup();
      }
    });
  });

  it('leaves the links of a service account’s replies as they are', async () => {
    const { city, cleanup } = await cityWith({});
    try {
      const app = createCityApp(city);
      const res = await app.push('/wechat', 'jiangcheng', textXml('社保卡补办', 'o-svc')).expect(200);
      const reply = parseXmlObject(res.text) as { Articles: { item: { Url: string } } };
      assert.equal(new URL(reply.Articles.item.Url).pathname, '/s/renshe/shebaoka-buban');
    } finally {
      await cleanup();
    }
  });
});
