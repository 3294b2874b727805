import assert from 'node:assert/strict';
import request from 'supertest';
import type { Draft } from '../../server/console/drafts.js';
import { addTestUsers, createHarness, csrfFrom, editedDepartment, login, type Harness, type Session, type Who } from './harness.js';

type Actor = Who | 'anon';
type Expect = Record<Actor, number>;

interface Ids {
  jjDraft: string; // jiaojing, status draft
  jjSubmitted: string; // jiaojing, status submitted
  oldVersion: string; // a version that is not the current one
}

interface Row {
  method: 'get' | 'post';
  path: (ids: Ids) => string;
  body?: Record<string, string>;
  json?: Record<string, unknown>;
  upload?: boolean;
  expect: Expect;
}

const all = (ok: number, anon: number): Expect => ({ platform: ok, jjAdmin: ok, sbAdmin: ok, jjStaff: ok, anon });
const platformOnly = (ok: number, anon: number): Expect => ({ platform: ok, jjAdmin: 403, sbAdmin: 403, jjStaff: 403, anon });

// Every console route × every role/department. 303 = done and redirected; anon pages redirect to
// the login (303), anon API and form posts get 401.
const ROWS: Row[] = [
  { method: 'get', path: () => '/console/', expect: all(200, 303) },
  { method: 'get', path: () => '/console/departments', expect: all(200, 303) },
  { method: 'get', path: () => '/console/departments/jiaojing', expect: { platform: 200, jjAdmin: 200, sbAdmin: 403, jjStaff: 200, anon: 303 } },
  { method: 'get', path: (i) => `/console/departments/jiaojing?draft=${i.jjDraft}`, expect: { platform: 200, jjAdmin: 200, sbAdmin: 403, jjStaff: 200, anon: 303 } },
  { method: 'get', path: () => '/console/departments/jiaojing/preview', expect: { platform: 200, jjAdmin: 200, sbAdmin: 403, jjStaff: 200, anon: 303 } },
  { method: 'post', path: () => '/console/api/departments/jiaojing/check', json: { text: '{}' }, expect: { platform: 200, jjAdmin: 200, sbAdmin: 403, jjStaff: 200, anon: 401 } },
  { method: 'post', path: () => '/console/departments/jiaojing/drafts', body: { text: '{"id":"jiaojing"}' }, expect: { platform: 303, jjAdmin: 303, sbAdmin: 403, jjStaff: 403, anon: 401 } },
  { method: 'post', path: () => '/console/departments/jiaojing/upload', upload: true, expect: { platform: 303, jjAdmin: 303, sbAdmin: 403, jjStaff: 403, anon: 401 } },
  { method: 'post', path: (i) => `/console/drafts/${i.jjDraft}/submit`, expect: { platform: 303, jjAdmin: 303, sbAdmin: 404, jjStaff: 403, anon: 401 } },
  { method: 'post', path: (i) => `/console/drafts/${i.jjSubmitted}/approve`, expect: platformOnly(303, 401) },
  { method: 'post', path: (i) => `/console/drafts/${i.jjSubmitted}/reject`, body: { comment: '请补充' }, expect: platformOnly(303, 401) },
  { method: 'get', path: () => '/console/review', expect: platformOnly(200, 303) },
  { method: 'get', path: () => '/console/preview', expect: platformOnly(200, 303) },
  { method: 'get', path: (i) => `/console/preview?draft=${i.jjDraft}`, expect: platformOnly(200, 303) },
  { method: 'post', path: () => '/console/publish', body: { note: 't' }, expect: platformOnly(303, 401) },
  { method: 'get', path: () => '/console/versions', expect: platformOnly(200, 303) },
  { method: 'post', path: (i) => `/console/versions/${i.oldVersion}/rollback`, expect: platformOnly(303, 401) },
  { method: 'get', path: () => '/console/audit', expect: platformOnly(200, 303) },
  { method: 'get', path: () => '/console/simulator', expect: all(200, 303) },
  { method: 'get', path: (i) => `/console/simulator?draft=${i.jjDraft}`, expect: { platform: 200, jjAdmin: 200, sbAdmin: 404, jjStaff: 200, anon: 303 } },
  { method: 'post', path: () => '/console/api/simulate', json: { action: 'text', text: '违章' }, expect: all(200, 401) },
  { method: 'post', path: () => `/console/api/simulate`, json: { action: 'text', text: '违章', draft: 'JJDRAFT' }, expect: { platform: 200, jjAdmin: 200, sbAdmin: 404, jjStaff: 200, anon: 401 } },
];

const ACTORS: Actor[] = ['platform', 'jjAdmin', 'sbAdmin', 'jjStaff', 'anon'];
const USERNAMES: Record<Who, string> = { platform: 'plat', jjAdmin: 'jj-admin', sbAdmin: 'sb-admin', jjStaff: 'jj-staff' };

describe('console access control', () => {
  let h: Harness;
  const sessions = new Map<Who, Session>();
  let jjText: string;

  before(async () => {
    h = await createHarness();
    await addTestUsers(h.store);
    for (const who of Object.keys(USERNAMES) as Who[]) sessions.set(who, await login(h.app, USERNAMES[who]));
    jjText = editedDepartment((await h.publisher.currentFiles()).files, 'jiaojing', (d) => (d.services[0].menuName = '查违章'));
  });

  /** Fresh drafts and an older version for each case, so every row starts from the same state. */
  async function prepare(): Promise<Ids> {
    const drafts = h.store.collection<Draft>('drafts');
    for (const d of await drafts.list()) await drafts.delete(d.id);
    const base = { department: 'jiaojing', text: jjText, author: 'jj-admin', createdAt: new Date().toISOString(), diagnostics: { errors: 0, warnings: 0, codes: [] } };
    await drafts.insert({ ...base, id: 'd-approved', number: 1, status: 'approved' });
    await drafts.insert({ ...base, id: 'd-submitted', number: 2, status: 'submitted' });
    await drafts.insert({ ...base, id: 'd-draft', number: 3, status: 'draft' });
    const versions = await h.publisher.listVersions();
    if (versions.length < 2) await h.publisher.publish(await h.publisher.currentFiles(), 'plat', 'second');
    const [current, older] = await h.publisher.listVersions();
    // Make sure the target of a rollback is never the current version.
    return { jjDraft: 'd-draft', jjSubmitted: 'd-submitted', oldVersion: older!.id === current!.id ? '' : older!.id };
  }

  for (const row of ROWS) {
    for (const actor of ACTORS) {
      const expected = row.expect[actor];
      it(`answers ${row.method.toUpperCase()} ${row.path({ jjDraft: ':draft', jjSubmitted: ':submitted', oldVersion: ':version' })}${row.json?.draft ? ' (draft)' : ''} for ${actor} with ${expected}`, async () => {
        const ids = await prepare();
        const session = actor === 'anon' ? undefined : sessions.get(actor);
        const agent = session?.agent ?? request.agent(h.app);
        const csrf = session?.csrf ?? 'none';
        const url = row.path(ids);
        let res;
        if (row.method === 'get') res = await agent.get(url);
        else if (row.upload) {
          res = await agent.post(url).field('_csrf', csrf).attach('file', Buffer.from(jjText), { filename: 'jiaojing.json', contentType: 'application/json' });
        } else if (row.json) {
          const json = row.json.draft ? { ...row.json, draft: ids.jjDraft } : row.json;
          res = await agent.post(url).set('X-CSRF-Token', csrf).set('Accept', 'application/json').send(json);
        } else res = await agent.post(url).type('form').send({ ...row.body, _csrf: csrf });
        assert.equal(res.status, expected, `${actor} ${row.method} ${url}: ${res.text.replace(/[\s\S]*<main>/, "").slice(0, 400)}`);
        if (expected === 403 || expected === 404 || expected === 401) assert.match(res.text, /[\u4e00-\u9fff]/, 'the refusal is explained in Chinese');
        if (actor === 'anon' && expected === 303) assert.match(String(res.headers.location), /^\/console\/login\?next=/);
      });
    }
  }

  describe('CSRF', () => {
    const posts = ROWS.filter((r) => r.method === 'post');
    for (const row of posts) {
      for (const token of ['missing', 'wrong'] as const) {
        it(`refuses POST ${row.path({ jjDraft: ':draft', jjSubmitted: ':submitted', oldVersion: ':version' })} with a ${token} token (403)`, async () => {
          const ids = await prepare();
          const { agent } = sessions.get('platform')!;
          const given = token === 'wrong' ? 'x'.repeat(43) : undefined;
          const url = row.path(ids);
          let req = agent.post(url);
          if (row.upload) {
            req = given ? req.field('_csrf', given) : req;
            req = req.attach('file', Buffer.from(jjText), { filename: 'jiaojing.json', contentType: 'application/json' });
          } else if (row.json) {
            req = req.set('Accept', 'application/json');
            if (given) req = req.set('X-CSRF-Token', given);
            req = req.send(row.json);
          } else req = req.type('form').send({ ...row.body, ...(given ? { _csrf: given } : {}) });
          const res = await req;
          assert.equal(res.status, 403);
          assert.match(res.text, /安全校验失败（CSRF 令牌缺失或不正确）/);
          assert.equal((await h.store.collection<Draft>('drafts').get('d-draft'))!.status, 'draft', 'nothing changed');
        });
      }
    }

    it('does not accept one session\'s token in another session', async () => {
      const ids = await prepare();
      const res = await sessions.get('jjAdmin')!.agent.post(`/console/drafts/${ids.jjDraft}/submit`).type('form').send({ _csrf: sessions.get('platform')!.csrf });
      assert.equal(res.status, 403);
    });
  });
});

describe('console login', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    await addTestUsers(h.store);
  });

  it('answers a wrong password with 401 and a Chinese message', async () => {
    const agent = request.agent(h.app);
    const form = await agent.get('/console/login');
    const res = await agent.post('/console/login').type('form').send({ username: 'plat', password: 'wrong-password!', _csrf: csrfFrom(form.text) });
    assert.equal(res.status, 401);
    assert.match(res.text, /用户名或密码错误/);
  });

  it('refuses a login form without its CSRF token', async () => {
    const res = await request(h.app).post('/console/login').type('form').send({ username: 'plat', password: 'correct-horse-battery' });
    assert.equal(res.status, 403);
    assert.match(res.text, /CSRF/);
  });

  it('rate-limits login attempts per IP and username with 429 in Chinese', async () => {
    const agent = request.agent(h.app);
    let page = await agent.get('/console/login');
    for (let i = 0; i < 10; i++) {
      page = await agent.post('/console/login').type('form').send({ username: 'jj-admin', password: `guess-${i}-xxxxx`, _csrf: csrfFrom(page.text) });
      assert.equal(page.status, 401);
    }
    const limited = await agent.post('/console/login').type('form').send({ username: 'jj-admin', password: 'correct-horse-battery', _csrf: csrfFrom(page.text) });
    assert.equal(limited.status, 429);
    assert.match(limited.text, /登录尝试过于频繁/);
    // Another username from the same address is not locked out.
    const other = await agent.post('/console/login').type('form').send({ username: 'sb-admin', password: 'correct-horse-battery', _csrf: csrfFrom(limited.text) });
    assert.equal(other.status, 303);
  });

  it('only redirects to console paths after login', async () => {
    const agent = request.agent(h.app);
    const form = await agent.get('/console/login');
    const res = await agent.post('/console/login').type('form').send({ username: 'plat', password: 'correct-horse-battery', _csrf: csrfFrom(form.text), next: '//evil.example/' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/console/');
  });
});

describe('console session cookie over https', () => {
  const cookieOf = (res: request.Response, name: string) => String(res.headers['set-cookie']).split(/,(?=\s*\w+=)/).find((c) => c.trim().startsWith(`${name}=`))!;

  it('is httpOnly, SameSite=Strict and Secure, and ends on logout', async () => {
    const h = await createHarness({ env: { PUBLIC_BASE_URL: 'https://gov.example.cn' } });
    await addTestUsers(h.store);
    // Secure cookies are not replayed over the test's plain http, so they are passed by hand.
    const form = await request(h.app).get('/console/login');
    const loginCookie = cookieOf(form, 'os_console_login');
    const res = await request(h.app).post('/console/login').set('Cookie', loginCookie.split(';')[0]!).type('form')
      .send({ username: 'plat', password: 'correct-horse-battery', _csrf: csrfFrom(form.text) });
    assert.equal(res.status, 303);
    const cookie = cookieOf(res, 'os_console');
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Secure/);
    const session = cookie.split(';')[0]!;
    const home = await request(h.app).get('/console/').set('Cookie', session).expect(200);
    await request(h.app).post('/console/logout').set('Cookie', session).type('form').send({ _csrf: csrfFrom(home.text) }).expect(303);
    await request(h.app).get('/console/').set('Cookie', session).expect(303);
  });
});
