// Replays the public sample pushes (docs/wechat.md §2) in all three modes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseXmlObject } from '../../server/wechat/xml.js';
import { createHarness, openReply, type Harness, type Mode } from './harness.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/messages/${name}.xml`, import.meta.url), 'utf8');

// fixture -> expected passive reply: 'success' or the reply MsgType and a phrase it contains
const EXPECTED: Record<string, 'success' | [string, string]> = {
  text: ['text', '已转人工客服'],
  image: ['text', '已转人工客服'],
  voice: ['text', '已转人工客服'],
  video: ['text', '已转人工客服'],
  location: ['text', '天河车管所'],
  link: ['text', '已转人工客服'],
  subscribe: ['text', '欢迎关注示例市政务服务'],
  'subscribe-qrscene': ['text', '欢迎关注示例市政务服务'],
  unsubscribe: 'success',
  scan: ['text', '可办理的服务主题'],
  'location-event': 'success',
  click: ['text', '可办理的服务主题'],
  view: 'success',
  'scancode-push': 'success',
  'pic-sysphoto': 'success',
  'location-select': ['text', '离您最近的办事大厅'],
};

for (const mode of ['plain', 'compat', 'safe'] as Mode[]) {
  describe(`replay of the public sample pushes (${mode} mode)`, () => {
    let h: Harness;
    before(() => {
      h = createHarness();
    });

    for (const [name, expected] of Object.entries(EXPECTED)) {
      it(`answers ${name}.xml within 5 s with ${expected === 'success' ? 'success' : `a ${expected[0]} reply`}`, async () => {
        const xml = fixture(name);
        const started = Date.now();
        const res = await h.post(xml, mode).expect(200);
        assert.ok(Date.now() - started < 5000);
        if (expected === 'success') {
          assert.equal(res.text, 'success');
          return;
        }
        assert.match(res.headers['content-type'] ?? '', /^application\/xml/);
        if (mode !== 'plain') {
          const envelope = parseXmlObject(res.text);
          assert.deepEqual(Object.keys(envelope).sort(), ['Encrypt', 'MsgSignature', 'Nonce', 'TimeStamp']);
          assert.match(String(envelope.TimeStamp), /^\d{10}$/);
        }
        const reply = parseXmlObject(openReply(res.text, mode));
        const inbound = parseXmlObject(xml);
        assert.equal(reply.ToUserName, inbound.FromUserName);
        assert.equal(reply.FromUserName, inbound.ToUserName);
        assert.match(String(reply.CreateTime), /^\d{10}$/);
        assert.ok(Math.abs(Number(reply.CreateTime) - Date.now() / 1000) < 5);
        assert.equal(reply.MsgType, expected[0]);
        assert.ok(String(reply.Content).includes(expected[1]), String(reply.Content));
      });
    }
  });
}
