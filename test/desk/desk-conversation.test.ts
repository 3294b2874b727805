// One conversation per citizen while it awaits an answer: a second message from the same citizen
// joins the open ticket (staff answer once), a retried push is not added twice, and after an
// answer the next message opens a new ticket.
import assert from 'node:assert/strict';
import { DESK_TICKETS, type DeskTicket } from '../../server/desk/desk-handoff.js';
import { createHarness, textXml } from '../gateway/harness.js';

const WEDNESDAY_10 = new Date('2026-11-25T10:00:00+08:00');

describe('desk conversations', () => {
  it('adds a citizen’s further messages to their open ticket, once each, and opens a new one after an answer', async () => {
    const h = createHarness({ now: () => WEDNESDAY_10 });
    const tickets = () => h.store.collection<DeskTicket>(DESK_TICKETS).list();
    await h.post(textXml('路灯坏了', 'o-talk', '9200000000000001')).expect(200);
    const second = textXml('在人民路口', 'o-talk', '9200000000000002');
    await h.post(second).expect(200);
    await h.post(second).expect(200); // WeChat's retry of the same push
    await h.post(textXml('我也想问个事', 'o-other', '9200000000000003')).expect(200);
    const [mine, ...rest] = (await tickets()).filter((t) => t.openid === 'o-talk');
    assert.equal(rest.length, 0, 'one ticket for the conversation');
    assert.equal(mine?.text, '路灯坏了');
    assert.deepEqual(mine?.messages?.map((m) => m.text), ['在人民路口']);
    assert.equal((await tickets()).length, 2);

    await h.store.collection<DeskTicket>(DESK_TICKETS).update(mine!.id, (t) => ({ ...t, status: 'answered' as 'open' }));
    await h.post(textXml('谢谢，修好了吗？', 'o-talk', '9200000000000004')).expect(200);
    assert.equal((await tickets()).filter((t) => t.openid === 'o-talk').length, 2);
  });
});
