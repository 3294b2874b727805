// The article body sanitizer against script and event-handler payloads (OWASP XSS filter evasion
// cases among them): whatever survives holds no script, no handler, no foreign embed.
import assert from 'node:assert/strict';
import { bodyText, sanitizeBody } from '../../server/broadcasts/index.js';

const IMG = '/console/broadcasts/images/0123456789abcdef0123456789abcdef';

const PAYLOADS: Array<[string, string]> = [
  ['a script element', '<p>通报</p><script>alert(1)</script>'],
  ['a script split across tags', '<scr<script>ipt>alert(1)</scr</script>ipt>'],
  ['an event handler on a paragraph', '<p onclick="alert(1)">点我</p>'],
  ['an onerror on an image', `<img src="${IMG}" onerror="alert(1)">`],
  ['an image from another host', '<img src="https://evil.example/x.png">'],
  ['a javascript: link', '<a href="javascript:alert(1)">链接</a>'],
  ['an encoded javascript: link', '<a href="&#106;avascript:alert(1)">链接</a>'],
  ['a data: link', '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">链接</a>'],
  ['a vbscript: link', '<a href="vbscript:msgbox(1)">链接</a>'],
  ['an iframe', '<iframe src="https://evil.example"></iframe>'],
  ['an object and embed', '<object data="x.swf"></object><embed src="x.swf">'],
  ['an svg onload', '<svg onload="alert(1)"><circle r="1"/></svg>'],
  ['a style attribute with expression', '<p style="width: expression(alert(1))">x</p>'],
  ['a style element', '<style>body{background:url(javascript:alert(1))}</style>'],
  ['a form with formaction', '<form><button formaction="javascript:alert(1)">x</button></form>'],
  ['a meta refresh', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'],
  ['a base href', '<base href="https://evil.example/">'],
  ['an uppercase handler', '<P ONMOUSEOVER="alert(1)">x</P>'],
  ['a handler without quotes', '<p onmouseover=alert(1)>x</p>'],
  ['a link with a target and handler', '<a href="https://ok.example" target="_blank" onfocus="alert(1)" autofocus>x</a>'],
];

describe('sanitizeBody', () => {
  for (const [name, payload] of PAYLOADS) {
    it(`removes ${name}`, () => {
      const out = sanitizeBody(payload);
      assert.doesNotMatch(out, /<script|<iframe|<object|<embed|<svg|<style|<form|<meta|<base/i);
      assert.doesNotMatch(out, /\son[a-z]+\s*=/i, 'no event handler attribute');
      assert.doesNotMatch(out, /javascript:|vbscript:|data:/i);
      assert.doesNotMatch(out, /style=|target=|autofocus|formaction/i);
      assert.doesNotMatch(out, /evil\.example/);
      assert.equal(sanitizeBody(out), out, 'sanitizing again changes nothing');
    });
  }

  it('keeps the allowed subset: paragraphs, headings, emphasis, lists, quotes, https links and our images', () => {
    const html = `<h3>小标题</h3><p><strong>加粗</strong><em>斜体</em><u>下划线</u></p><ul><li>一</li></ul><ol><li>二</li></ol><blockquote>引用</blockquote><p><a href="https://jj.example.cn/a">原文</a></p><p><img src="${IMG}" alt="现场"></p>`;
    const out = sanitizeBody(html);
    for (const tag of ['<h3>', '<strong>', '<em>', '<u>', '<ul>', '<ol>', '<li>', '<blockquote>', '<img']) assert.ok(out.includes(tag), tag);
    assert.match(out, /<a href="https:\/\/jj\.example\.cn\/a" rel="noopener noreferrer">原文<\/a>/);
    assert.match(out, new RegExp(`<img src="${IMG}" alt="现场" />`));
  });

  it('keeps text that only looks like markup as escaped text', () => {
    assert.equal(sanitizeBody('<p>1 < 2 & "引号"</p>'), '<p>1 &lt; 2 &amp; "引号"</p>');
  });

  it('reads the text back for lengths and diffs', () => {
    assert.equal(bodyText('<p>甲 &amp; 乙</p><p>丙</p>'), '甲 & 乙\n丙');
  });
});
