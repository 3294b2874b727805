import assert from 'node:assert/strict';
import { signReplyLinks, type Reply } from '../../server/gateway/replies.js';

const BASE = 'https://gov.example.cn';
const sign = (url: string) => `${BASE}/auth/link?t=${encodeURIComponent(url.slice(BASE.length))}`;

describe('signReplyLinks', () => {
  it('signs the H5 service links of a news reply and leaves other links alone', () => {
    const reply: Reply = {
      kind: 'news',
      articles: [
        { title: 'a', description: '', url: `${BASE}/s/jiaojing/weifa-chaxun` },
        { title: 'b', description: '', url: 'https://www.12306.cn/' },
      ],
    };
    const out = signReplyLinks(reply, BASE, sign);
    assert.deepEqual(
      out.kind === 'news' && out.articles.map((a) => a.url),
      [`${BASE}/auth/link?t=%2Fs%2Fjiaojing%2Fweifa-chaxun`, 'https://www.12306.cn/'],
    );
    assert.equal(reply.kind === 'news' && reply.articles[0]!.url, `${BASE}/s/jiaojing/weifa-chaxun`, 'the cached reply is not changed');
  });

  it('signs every service link in a text reply, stopping at the closing bracket or space', () => {
    const reply: Reply = { kind: 'text', content: `1. 查违法（${BASE}/s/jiaojing/weifa-chaxun）\n2. ${BASE}/s/chengguan/weizhang-tingche 投诉` };
    const out = signReplyLinks(reply, BASE, sign);
    assert.equal(out.kind === 'text' && out.content, `1. 查违法（${BASE}/auth/link?t=%2Fs%2Fjiaojing%2Fweifa-chaxun）\n2. ${BASE}/auth/link?t=%2Fs%2Fchengguan%2Fweizhang-tingche 投诉`);
    // The same pattern again (it is kept per base URL and is global: its state must not leak between calls).
    assert.deepEqual(signReplyLinks(reply, BASE, sign), out);
  });

  it('returns the reply itself when nothing is signed (a link another account hosts stays plain)', () => {
    const news: Reply = { kind: 'news', articles: [{ title: 'a', description: '', url: `${BASE}/s/renshe/shebaoka-buban` }] };
    assert.equal(signReplyLinks(news, BASE, (url) => url), news);
    const text: Reply = { kind: 'text', content: `见 ${BASE}/s/renshe/shebaoka-buban` };
    assert.equal(signReplyLinks(text, BASE, (url) => url), text);
    const none: Reply = { kind: 'text', content: '您好' };
    assert.equal(signReplyLinks(none, BASE, sign), none);
  });
});
