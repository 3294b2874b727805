// 怕慢 and 按读者习惯发: reminders to the people who owe the open step as the deadline nears, once
// each, and the suggested send time from the message log's activity by hour.
import assert from 'node:assert/strict';
import { createMemoryStore } from '../../server/store/memory-store.js';
import { type Actor, type BroadcastAccount, type BroadcastDeps, approveStep, createIssue, createMemoryImages, noticesFor, remindDue, saveArticle, suggestSendTime } from '../../server/broadcasts/index.js';

const editor: Actor = { username: 'jj-editor', role: 'staff', departments: ['jiaojing'] };
const account: BroadcastAccount = {
  id: 'jj', name: '江城交警内部', type: 'subscription', verified: true,
  config: {
    columns: [{ id: 'jingqing', name: '警情', department: 'jiaojing' }],
    chain: [{ id: 'bianji', name: '编辑审核', users: ['jj-editor'], approvals: 1 }, { id: 'lingdao', name: '领导审核', role: 'dept-admin', department: 'jiaojing', approvals: 1 }],
    sendTime: '17:30', deadlineMinutes: 60, remindMinutes: 120,
  },
};

describe('broadcast reminders', () => {
  const clock = { now: new Date('2026-12-03T01:00:00Z') };
  let deps: BroadcastDeps;
  beforeEach(async () => {
    const users: Actor[] = [editor, { username: 'jj-leader', role: 'dept-admin', departments: ['jiaojing'] }, { username: 'sb-admin', role: 'dept-admin', departments: ['renshe'] }];
    deps = { store: createMemoryStore(), accounts: () => [account], images: createMemoryImages(), wechat: () => undefined, users: async () => users, now: () => clock.now };
    clock.now = new Date('2026-12-03T01:00:00Z'); // 09:00
    const issue = await createIssue(deps, editor, { account: 'jj', date: '2026-12-03' });
    await saveArticle(deps, editor, { issue: issue.id, column: 'jingqing', fields: { title: '警情', body: '<p>平稳</p>' }, cover: { id: 'ab'.repeat(16), ext: 'png', mime: 'image/png', size: 1, name: 'c.png' } });
  });

  it('stays quiet before the reminder window', async () => {
    clock.now = new Date('2026-12-03T06:29:00Z'); // 14:29, deadline 16:30, window from 14:30
    assert.deepEqual(await remindDue(deps), []);
  });

  it('reminds whoever owes the open step once, then again once the deadline passed', async () => {
    clock.now = new Date('2026-12-03T06:31:00Z'); // 14:31
    const first = await remindDue(deps);
    assert.deepEqual(first.map((n) => n.user), ['jj-editor']);
    assert.match(first[0]!.text, /须在 16:30 前完成审核，“编辑审核”还等您处理/);
    assert.deepEqual(await remindDue(deps), [], 'once per step, person and revision');
    await approveStep(deps, editor, { issue: 'jj-2026-12-03', step: 'bianji' });
    const leaders = await remindDue(deps);
    assert.deepEqual(leaders.map((n) => n.user), ['jj-leader'], 'the role’s users of that department, not the one who already approved nor other departments');
    clock.now = new Date('2026-12-03T08:31:00Z'); // 16:31, past the deadline
    const late = await remindDue(deps);
    assert.match(late[0]!.text, /已过审核截止时间 16:30/);
    assert.equal((await noticesFor(deps, 'jj-leader')).length, 2);
  });
});

describe('suggestSendTime', () => {
  it('suggests the hour of the day the followers were most active in, city time', async () => {
    const store = createMemoryStore();
    const log = store.log<{ at: string; openid: string }>('messages');
    const now = new Date('2026-12-03T01:00:00Z');
    for (let i = 0; i < 30; i++) log.append({ at: `2026-12-0${1 + (i % 2)}T12:${String(i).padStart(2, '0')}:00Z`, openid: 'x' }); // 20:xx city time
    for (let i = 0; i < 10; i++) log.append({ at: `2026-12-02T01:${String(i).padStart(2, '0')}:00Z`, openid: 'x' }); // 09:xx, office hours
    log.append({ at: '2026-10-01T01:00:00Z', openid: 'x' }); // older than 30 days
    const s = await suggestSendTime(store, now, '17:30');
    assert.equal(s.time, '20:00');
    assert.equal(s.total, 40);
    assert.equal(s.byHour[20], 30);
    assert.match(s.reason, /20 时到 21 时最活跃（30 条消息，占 75%）/);
  });

  it('keeps the configured time when there are too few messages', async () => {
    const store = createMemoryStore();
    store.log<{ at: string }>('messages').append({ at: '2026-12-02T12:00:00Z' });
    const s = await suggestSendTime(store, new Date('2026-12-03T01:00:00Z'), '17:30');
    assert.equal(s.time, '17:30');
    assert.equal(s.fromActivity, false);
  });
});
