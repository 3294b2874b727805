import assert from 'node:assert/strict';
import { ConflictError, NotFoundError, ValidationError, WechatApiError } from '../../server/errors.js';
import { assignTicket, closeTicket, listTickets, ticketsOf } from '../../server/desk/desk-tickets.js';
import { replyToTicket } from '../../server/desk/reply-to-ticket.js';
import { workScope } from '../../server/desk/work-scope.js';
import { createMemoryStore } from '../../server/store/memory-store.js';
import type { Store } from '../../server/store/types.js';
import { outOfWindow, RecordingWechatClient, seedTicket } from './work-fixtures.js';

const NOW = new Date('2026-11-02T03:00:00Z');
const change = { actor: 'jj-staff', now: NOW };
const jiaojing = workScope('staff', ['jiaojing']);
const platform = workScope('platform', []);
const KNOWN = ['jiaojing', 'shebao'];

describe('desk tickets', () => {
  let store: Store;
  beforeEach(async () => {
    store = createMemoryStore();
    await seedTicket(store, { id: 't-late', department: 'jiaojing', createdAt: '2026-11-02T02:00:00Z' });
    await seedTicket(store, { id: 't-early', department: 'jiaojing', createdAt: '2026-11-01T02:00:00Z' });
    await seedTicket(store, { id: 't-shebao', department: 'shebao', createdAt: '2026-11-01T01:00:00Z' });
    await seedTicket(store, { id: 't-loose', createdAt: '2026-11-01T00:00:00Z' });
  });

  describe('listTickets', () => {
    it('lists a department’s open tickets oldest first', async () => {
      assert.deepEqual((await listTickets(store, jiaojing)).map((t) => t.id), ['t-early', 't-late']);
    });

    it('gives the platform every ticket, including those without a department', async () => {
      assert.deepEqual((await listTickets(store, platform)).map((t) => t.id), ['t-loose', 't-shebao', 't-early', 't-late']);
    });

    it('gives a user of several departments all of theirs and nothing unplaced', async () => {
      assert.deepEqual((await listTickets(store, workScope('dept-admin', ['jiaojing', 'shebao']))).map((t) => t.id), ['t-shebao', 't-early', 't-late']);
    });

    it('lists closed tickets most recently handled first', async () => {
      await closeTicket(store, 't-early', jiaojing, '重复', { ...change, now: new Date('2026-11-02T05:00:00Z') });
      await closeTicket(store, 't-late', jiaojing, '重复', { ...change, now: new Date('2026-11-02T04:00:00Z') });
      assert.deepEqual((await listTickets(store, jiaojing, 'closed')).map((t) => t.id), ['t-early', 't-late']);
      assert.deepEqual(await listTickets(store, jiaojing), []);
    });
  });

  describe('assignTicket', () => {
    it('places an unguessed ticket and records who did it', async () => {
      const t = await assignTicket(store, 't-loose', platform, 'shebao', KNOWN, { actor: 'plat', now: NOW });
      assert.equal(t.department, 'shebao');
      assert.deepEqual(t.events, [{ at: NOW.toISOString(), by: 'plat', kind: 'assigned', to: 'shebao' }]);
    });

    it('drops the guessed topic along with the guessed department', async () => {
      await ticketsOf(store).update('t-early', (t) => ({ ...t, topic: 'chuxing' }));
      const t = await assignTicket(store, 't-early', jiaojing, 'shebao', KNOWN, change);
      assert.equal(t.topic, undefined);
      assert.equal(t.events?.[0]?.from, 'jiaojing');
    });

    const refusals: Array<[string, () => Promise<unknown>, new (...a: never[]) => Error, RegExp]> = [
      ['an unplaced ticket for department staff', () => assignTicket(store, 't-loose', jiaojing, 'shebao', KNOWN, change), NotFoundError, /工单不存在/],
      ['another department’s ticket', () => assignTicket(store, 't-shebao', jiaojing, 'jiaojing', KNOWN, change), NotFoundError, /工单不存在/],
      ['an unknown department', () => assignTicket(store, 't-early', jiaojing, 'nasa', KNOWN, change), ValidationError, /请选择要转派的部门/],
      ['the department it already has', () => assignTicket(store, 't-early', jiaojing, 'jiaojing', KNOWN, change), ConflictError, /无需转派/],
    ];
    for (const [what, run, type, message] of refusals) {
      it(`refuses ${what}`, async () => {
        await assert.rejects(run, (err: Error) => err instanceof type && message.test(err.message));
      });
    }

    it('refuses a ticket that was already answered', async () => {
      await replyToTicket({ store, clientFor: () => new RecordingWechatClient(), now: () => NOW }, 't-early', jiaojing, 'jj-staff', '您好');
      await assert.rejects(assignTicket(store, 't-early', jiaojing, 'shebao', KNOWN, change), /不能再转派/);
    });
  });

  describe('closeTicket', () => {
    it('needs a reason of at most 200 characters', async () => {
      await assert.rejects(closeTicket(store, 't-early', jiaojing, '', change), /请填写关闭原因/);
      await assert.rejects(closeTicket(store, 't-early', jiaojing, 'x'.repeat(201), change), /不能超过 200 字/);
      assert.equal((await ticketsOf(store).get('t-early'))!.status, 'open');
    });

    it('closes once', async () => {
      const t = await closeTicket(store, 't-early', jiaojing, '已电话答复', change);
      assert.deepEqual([t.status, t.closedAt, t.events?.[0]?.reason], ['closed', NOW.toISOString(), '已电话答复']);
      await assert.rejects(closeTicket(store, 't-early', jiaojing, '再关', change), ConflictError);
    });
  });

  describe('replyToTicket', () => {
    it('sends the trimmed text to the ticket’s citizen and keeps the first answer’s time and author', async () => {
      const client = new RecordingWechatClient();
      let now = NOW;
      const deps = { store, clientFor: () => client, now: () => now };
      await replyToTicket(deps, 't-early', jiaojing, 'jj-staff', ' 您好 ');
      now = new Date('2026-11-02T04:00:00Z');
      const t = await replyToTicket(deps, 't-early', jiaojing, 'jj-admin', '补充说明');
      assert.deepEqual(client.texts, [{ openid: 'o-citizen-0001', text: '您好' }, { openid: 'o-citizen-0001', text: '补充说明' }]);
      assert.deepEqual([t.status, t.answeredAt, t.answeredBy], ['answered', NOW.toISOString(), 'jj-staff']);
      assert.deepEqual(t.replies?.map((r) => [r.by, r.text, r.sent]), [['jj-staff', '您好', true], ['jj-admin', '补充说明', true]]);
    });

    it('records a refused reply with WeChat’s message, rethrows it and leaves the ticket open', async () => {
      const client = new RecordingWechatClient();
      client.refuseText = outOfWindow();
      await assert.rejects(replyToTicket({ store, clientFor: () => client, now: () => NOW }, 't-early', jiaojing, 'jj-staff', '您好'), (err: Error) => err instanceof WechatApiError && err.errcode === 45015);
      const t = (await ticketsOf(store).get('t-early'))!;
      assert.equal(t.status, 'open');
      assert.equal(t.replies?.length, 1);
      assert.equal(t.replies?.[0]?.sent, false);
      assert.match(t.replies?.[0]?.error ?? '', /48 小时/);
    });

    it('refuses another department’s ticket before sending anything', async () => {
      const client = new RecordingWechatClient();
      await assert.rejects(replyToTicket({ store, clientFor: () => client, now: () => NOW }, 't-shebao', jiaojing, 'jj-staff', '您好'), NotFoundError);
      assert.equal(client.texts.length, 0);
    });

    it('refuses a closed ticket and a text over 600 characters', async () => {
      const client = new RecordingWechatClient();
      await assert.rejects(replyToTicket({ store, clientFor: () => client, now: () => NOW }, 't-early', jiaojing, 'jj-staff', '好'.repeat(601)), /不能超过 600 字/);
      await closeTicket(store, 't-early', jiaojing, '重复', change);
      await assert.rejects(replyToTicket({ store, clientFor: () => client, now: () => NOW }, 't-early', jiaojing, 'jj-staff', '您好'), /工单已关闭/);
      assert.equal(client.texts.length, 0);
    });
  });
});
