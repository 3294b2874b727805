import assert from 'node:assert/strict';
import { deskAnswerTime } from '../../server/desk/desk-handoff.js';
import { loadReplyTemplates } from '../../server/gateway/reply-templates.js';
import { makeBuild } from './build-fixture.js';

// Desk hours Mon-Fri 09:00-12:00 and 13:30-17:30; 2026-10-01 (Thu) is a holiday. Times are Shanghai (UTC+8).
describe('deskAnswerTime', () => {
  const account = makeBuild().account;
  const cases: Array<[string, string, object]> = [
    ['2026-11-25T10:00:00+08:00', 'open now: before the current period ends', { openUntil: '12:00' }],
    ['2026-11-25T12:30:00+08:00', 'lunch break: the afternoon opening today', { today: true, time: '13:30' }],
    ['2026-11-25T07:45:00+08:00', 'before opening: today at 09:00', { today: true, time: '09:00' }],
    ['2026-11-27T18:00:00+08:00', 'Friday evening: Monday morning', { date: '11月30日（周一）', time: '09:00' }],
    ['2026-11-28T11:00:00+08:00', 'Saturday: Monday morning', { date: '11月30日（周一）', time: '09:00' }],
    ['2026-09-30T18:00:00+08:00', 'the eve of a holiday: skips the holiday', { date: '10月2日（周五）', time: '09:00' }],
  ];
  for (const [at, why, expected] of cases) {
    it(`answers ${why}`, () => {
      assert.deepEqual(deskAnswerTime(account, new Date(at)), expected);
    });
  }

  it('says nothing precise when the desk has no hours', () => {
    assert.deepEqual(deskAnswerTime({ ...account, desk: { hours: {} } }, new Date('2026-11-25T10:00:00+08:00')), {});
  });
});

describe('desk-ack reply', () => {
  const templates = loadReplyTemplates();
  const city = '您的留言已收到，已转人工客服，我们会在当日或下一个工作日答复您。紧急事项请拨打12345市民服务热线。';

  it('gives the precise time and the hotline once, without the city’s vaguer default reply', () => {
    const text = templates.render('desk-ack', { defaultReply: city, hotline: '12345', date: '11月30日（周一）', time: '09:00' });
    assert.equal(text, '已转人工客服，工作人员将于11月30日（周一）09:00 起回复您。\n如有急事，请拨打 12345。');
  });

  it('uses the city’s default reply when no time is known, not repeating a hotline it already names', () => {
    assert.equal(templates.render('desk-ack', { defaultReply: city, hotline: '12345' }), city);
    assert.equal(templates.render('desk-ack', { defaultReply: '留言已收到。', hotline: '12345' }), '留言已收到。\n如有急事，请拨打 12345。');
  });
});
