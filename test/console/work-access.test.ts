import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import request from 'supertest';
import { ticketsOf } from '../../server/desk/desk-tickets.js';
import { addUser } from '../../server/console/users.js';
import { applicationsOf } from '../../server/loop/applications/application-access.js';
import { casesOf } from '../../server/loop/rating/rectification-case.js';
import type { Collection, Doc } from '../../server/store/types.js';
import {
  ATTACHMENT_ID, cardApplication, dataDirWithUpload, licenceApplication, RecordingWechatClient, seedApplication, seedCase, seedTicket,
} from '../desk/work-fixtures.js';
import { addTestUsers, createHarness, login, PASSWORD, type Harness, type Session } from './harness.js';

type Actor = 'platform' | 'jjStaff' | 'sbAdmin' | 'sbStaff' | 'anon';
const ACTORS: Actor[] = ['platform', 'jjStaff', 'sbAdmin', 'sbStaff', 'anon'];
const USERNAMES: Record<Exclude<Actor, 'anon'>, string> = { platform: 'plat', jjStaff: 'jj-staff', sbAdmin: 'sb-admin', sbStaff: 'sb-staff' };

const JJ_TICKET = 'dt-jiaojing-1';
const SB_TICKET = 'dt-shebao-1';
const LOOSE_TICKET = 'dt-unguessed-1';
const JJ_APP = 'JJ-20261102-0001';
const SB_APP = 'SB-20261102-0001';
const JJ_CASE = `${JJ_APP}-ZG`;

interface Row {
  method: 'get' | 'post';
  path: string;
  body?: Record<string, string>;
  /** Status for jiaojing's own staff and the platform; other departments always get 404. */
  ok: number;
  /** Only the platform team may see it (tickets no department was guessed for). */
  platformOnly?: boolean;
}

const ROWS: Row[] = [
  { method: 'get', path: `/console/work/desk/${JJ_TICKET}`, ok: 200 },
  { method: 'post', path: `/console/work/desk/${JJ_TICKET}/reply`, body: { text: '您好，请携带身份证到车管所办理。' }, ok: 303 },
  { method: 'post', path: `/console/work/desk/${JJ_TICKET}/close`, body: { reason: '已电话答复' }, ok: 303 },
  { method: 'post', path: `/console/work/desk/${JJ_TICKET}/assign`, body: { department: 'jiuye' }, ok: 303 },
  { method: 'get', path: `/console/work/desk/${LOOSE_TICKET}`, ok: 200, platformOnly: true },
  { method: 'post', path: `/console/work/desk/${LOOSE_TICKET}/assign`, body: { department: 'jiaojing' }, ok: 303, platformOnly: true },
  { method: 'get', path: `/console/work/applications/${JJ_APP}`, ok: 200 },
  { method: 'get', path: `/console/work/applications/${JJ_APP}/files/${ATTACHMENT_ID}`, ok: 200 },
  { method: 'post', path: `/console/work/applications/${JJ_APP}/move`, body: { to: 'accepted', note: '材料齐全' }, ok: 303 },
  { method: 'get', path: `/console/work/cases/${JJ_CASE}`, ok: 200 },
  { method: 'post', path: `/console/work/cases/${JJ_CASE}/callback`, body: { note: '已电话回访' }, ok: 303 },
];

async function clear<T extends Doc>(collection: Collection<T>) {
  for (const d of await collection.list()) await collection.delete(d.id);
}

function expected(row: Row, actor: Actor): number {
  if (actor === 'anon') return row.method === 'get' ? 303 : 401;
  if (actor === 'platform') return row.ok;
  if (actor === 'jjStaff') return row.platformOnly ? 404 : row.ok;
  return 404;
}

describe('console workbench access', () => {
  let h: Harness;
  let dataDir: string;
  const sessions = new Map<Actor, Session>();

  before(async () => {
    dataDir = dataDirWithUpload();
    h = await createHarness({ client: new RecordingWechatClient(), env: { DATA_DIR: dataDir } });
    await addTestUsers(h.store);
    await addUser(h.store, { username: 'sb-staff', role: 'staff', departments: ['shebao'], password: PASSWORD });
    for (const [actor, name] of Object.entries(USERNAMES)) sessions.set(actor as Actor, await login(h.app, name));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  /** The same records before every case. */
  async function prepare() {
    await clear(ticketsOf(h.store));
    await clear(applicationsOf(h.store));
    await clear(casesOf(h.store));
    (h.client as RecordingWechatClient).texts = [];
    await seedTicket(h.store, { id: JJ_TICKET, department: 'jiaojing', text: '驾照到期了怎么换', createdAt: '2026-11-20T01:00:00.000Z' });
    await seedTicket(h.store, { id: SB_TICKET, department: 'shebao', text: '社保卡丢了', createdAt: '2026-11-20T02:00:00.000Z' });
    await seedTicket(h.store, { id: LOOSE_TICKET, text: '路灯坏了', createdAt: '2026-11-20T03:00:00.000Z' });
    await seedApplication(h.store, licenceApplication(JJ_APP));
    await seedApplication(h.store, cardApplication(SB_APP));
    await seedCase(h.store, JJ_APP);
  }

  for (const row of ROWS) {
    for (const actor of ACTORS) {
      const status = expected(row, actor);
      it(`answers ${row.method.toUpperCase()} ${row.path} for ${actor} with ${status}`, async () => {
        await prepare();
        const session = sessions.get(actor);
        const agent = session?.agent ?? request.agent(h.app);
        const res = row.method === 'get' ? await agent.get(row.path) : await agent.post(row.path).type('form').send({ ...row.body, _csrf: session?.csrf ?? 'none' });
        assert.equal(res.status, status, `${actor} ${row.method} ${row.path}: ${String(res.text ?? '').replace(/[\s\S]*<main>/, '').slice(0, 300)}`);
        if (status === 404) {
          assert.match(res.text, /不存在/, 'a foreign record looks exactly like a missing one');
          assert.equal((await ticketsOf(h.store).get(JJ_TICKET))!.status, 'open', 'nothing changed');
          assert.equal((await applicationsOf(h.store).get(JJ_APP))!.stage, 'submitted');
          assert.equal((await casesOf(h.store).get(JJ_CASE))!.callbacks.length, 0);
          assert.equal((await ticketsOf(h.store).get(LOOSE_TICKET))!.department, undefined);
        }
      });
    }
  }

  describe('lists', () => {
    const LISTS = ['/console/work/desk', '/console/work/applications', '/console/work/cases', '/console/work/'];
    const JJ_IDS = [JJ_TICKET, JJ_APP, JJ_CASE];

    for (const actor of ['sbAdmin', 'sbStaff'] as const) {
      it(`shows ${actor} nothing of jiaojing and no unplaced ticket`, async () => {
        await prepare();
        const { agent } = sessions.get(actor)!;
        const pages = await Promise.all(LISTS.map((p) => agent.get(p).expect(200)));
        const text = pages.map((p) => p.text).join('\n');
        for (const id of [...JJ_IDS, LOOSE_TICKET, '驾照到期了怎么换', '路灯坏了']) assert.ok(!text.includes(id), `${actor} must not see ${id}`);
        assert.ok(text.includes(SB_TICKET) && text.includes(SB_APP), 'their own department is listed');
      });
    }

    it('shows jiaojing staff their tickets, applications and cases, and no other department', async () => {
      await prepare();
      const { agent } = sessions.get('jjStaff')!;
      const text = (await Promise.all(LISTS.map((p) => agent.get(p).expect(200)))).map((p) => p.text).join('\n');
      for (const id of JJ_IDS) assert.ok(text.includes(id), `jj-staff sees ${id}`);
      for (const id of [SB_TICKET, SB_APP, LOOSE_TICKET]) assert.ok(!text.includes(id), `jj-staff must not see ${id}`);
    });

    it('shows the platform team every department and the unplaced tickets', async () => {
      await prepare();
      const { agent } = sessions.get('platform')!;
      const text = (await Promise.all(LISTS.map((p) => agent.get(p).expect(200)))).map((p) => p.text).join('\n');
      for (const id of [...JJ_IDS, SB_TICKET, SB_APP, LOOSE_TICKET]) assert.ok(text.includes(id), `platform sees ${id}`);
    });

    it('links the workbench from every role’s navigation', async () => {
      for (const actor of ['platform', 'jjStaff', 'sbAdmin'] as const) {
        const home = await sessions.get(actor)!.agent.get('/console/').expect(200);
        assert.match(home.text, /<nav>[\s\S]*href="\/console\/work\/"[^>]*>工作台<\/a>[\s\S]*<\/nav>/);
      }
    });
  });

  describe('CSRF', () => {
    for (const row of ROWS.filter((r) => r.method === 'post')) {
      for (const token of ['missing', 'wrong'] as const) {
        it(`refuses POST ${row.path} with a ${token} token (403) and changes nothing`, async () => {
          await prepare();
          const { agent } = sessions.get('platform')!;
          const res = await agent.post(row.path).type('form').send({ ...row.body, ...(token === 'wrong' ? { _csrf: 'x'.repeat(43) } : {}) });
          assert.equal(res.status, 403);
          assert.match(res.text, /安全校验失败（CSRF 令牌缺失或不正确）/);
          const ticket = (await ticketsOf(h.store).get(JJ_TICKET))!;
          assert.deepEqual([ticket.status, ticket.department, ticket.replies], ['open', 'jiaojing', undefined]);
          assert.equal((await ticketsOf(h.store).get(LOOSE_TICKET))!.department, undefined);
          assert.equal((await applicationsOf(h.store).get(JJ_APP))!.stage, 'submitted');
          assert.equal((await casesOf(h.store).get(JJ_CASE))!.callbacks.length, 0);
          assert.equal((h.client as RecordingWechatClient).texts.length, 0, 'no message went out');
        });
      }
    }
  });
});
