import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { cdata, encryptedReplyXml, newsReplyXml, parseMessage, parseFlat, parseWithLibrary, parseXmlObject, textReplyXml, UnsafeXmlError } from '../../server/wechat/xml.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/messages/${name}.xml`, import.meta.url), 'utf8');

describe('parseMessage', () => {
  it('reads a text message with every value as a string', () => {
    const msg = parseMessage(fixture('text'));
    assert.deepEqual(
      { to: msg.toUser, from: msg.fromUser, time: msg.createTime, type: msg.msgType, content: msg.content, id: msg.msgId },
      { to: 'toUser', from: 'fromUser', time: '1348831860', type: 'text', content: 'this is a test', id: '1234567890123456' },
    );
  });

  it('keeps a MsgId above 2^53 exactly', () => {
    const xml = '<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[x]]></Content><MsgId>9223372036854775807</MsgId></xml>';
    assert.equal(parseMessage(xml).msgId, '9223372036854775807');
  });

  it('keeps numeric-looking text content as typed', () => {
    const xml = '<xml><ToUserName>gh</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content><![CDATA[007]]></Content><MsgId>1</MsgId></xml>';
    assert.equal(parseMessage(xml).content, '007');
  });

  it('reads the location of a location message, a LOCATION event and a location_select event', () => {
    assert.deepEqual(parseMessage(fixture('location')).location, { lat: 23.134521, lng: 113.358803, label: '位置信息', precision: undefined });
    assert.deepEqual(parseMessage(fixture('location-event')).location, { lat: 23.137466, lng: 113.352425, label: undefined, precision: 119.38504 });
    assert.deepEqual(parseMessage(fixture('location-select')).location, { lat: 23, lng: 113, label: '广州市海珠区客村艺苑路 106号', precision: undefined });
  });

  it('reads nested ScanCodeInfo and SendPicsInfo', () => {
    const scan = parseMessage(fixture('scancode-push'));
    assert.deepEqual(scan.raw.ScanCodeInfo, { ScanType: 'qrcode', ScanResult: '1' });
    const pics = parseMessage(fixture('pic-sysphoto'));
    assert.deepEqual(pics.raw.SendPicsInfo, { Count: '1', PicList: { item: { PicMd5Sum: '1b5f7c23b5bf75682a53e7b6d163e185' } } });
  });

  it('rejects DOCTYPE and ENTITY declarations (XXE, billion laughs)', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><MsgType>text</MsgType><Content>&x;</Content></xml>';
    const laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><xml><Content>&lol2;</Content></xml>';
    assert.throws(() => parseMessage(xxe), UnsafeXmlError);
    assert.throws(() => parseMessage(laughs), UnsafeXmlError);
    assert.throws(() => parseMessage('<xml><!entity a "b"></xml>'), UnsafeXmlError);
  });

  it('reads DOCTYPE and ENTITY inside CDATA as the citizen text (a pasted HTML error page)', () => {
    const pasted = '<!DOCTYPE html><html><!ENTITY nbsp " "><body>502 Bad Gateway</body></html>';
    const flat = `<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${pasted}]]></Content><MsgId>1</MsgId></xml>`;
    assert.equal(parseMessage(flat).content, pasted);
    // The same through the library (a comment sends it off the fast path).
    assert.equal(parseMessage(flat.replace('<MsgId>', '<!-- <!DOCTYPE x> --><MsgId>')).content, pasted);
    assert.equal(parseWithLibrary(flat).Content, pasted);
  });

  it('still refuses a declaration outside CDATA, after the root or hidden by an unterminated section', () => {
    const bodies = [
      '<!DOCTYPE x><xml><Content><![CDATA[hi]]></Content></xml>',
      '<?xml version="1.0"?>\n<!-- c --><!doctype x [<!ENTITY a "b">]><xml><Content><![CDATA[<!DOCTYPE ok>]]></Content></xml>',
      '<xml><Content><![CDATA[<!DOCTYPE ok>]]></Content><!ENTITY a "b"></xml>',
      '<xml><Content><![CDATA[never closed <!ENTITY a "b"></Content></xml>',
      '<xml><!-- never closed <!DOCTYPE x></xml>',
    ];
    for (const body of bodies) assert.throws(() => parseXmlObject(body), UnsafeXmlError, body);
  });

  it('does not expand entity references', () => {
    const xml = '<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&lt;b&gt;</Content></xml>';
    assert.equal(parseMessage(xml).content, '&lt;b&gt;');
  });

  it('rejects bodies that are not a WeChat message', () => {
    for (const body of ['', 'success', '{"a":1}', '<xml></xml>', '<other><a>1</a></other>', '<xml><ToUserName>a</ToUserName></xml>']) {
      assert.throws(() => parseMessage(body), UnsafeXmlError, body);
    }
  });

  it('rejects absurdly deep nesting', () => {
    assert.throws(() => parseXmlObject(`<xml>${'<a>'.repeat(50)}x${'</a>'.repeat(50)}</xml>`), UnsafeXmlError);
  });
});

describe('reply XML', () => {
  const h = { toUser: 'to', fromUser: 'from', createTime: 1122 };

  it('builds a text reply exactly as WxJava expects', () => {
    assert.equal(
      textReplyXml(h, 'content'),
      '<xml><ToUserName><![CDATA[to]]></ToUserName><FromUserName><![CDATA[from]]></FromUserName><CreateTime>1122</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[content]]></Content></xml>',
    );
  });

  it('builds a news reply exactly as WxJava expects', () => {
    const a = { title: 'title', description: 'description', picUrl: 'picUrl', url: 'url' };
    const item = '<item><Title><![CDATA[title]]></Title><Description><![CDATA[description]]></Description><PicUrl><![CDATA[picUrl]]></PicUrl><Url><![CDATA[url]]></Url></item>';
    assert.equal(
      newsReplyXml({ toUser: 'toUser', fromUser: 'fromUser', createTime: 1122 }, [a, a]),
      `<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1122</CreateTime><MsgType><![CDATA[news]]></MsgType><ArticleCount>2</ArticleCount><Articles>${item}${item}</Articles></xml>`,
    );
  });

  it('writes the first max articles of a news reply, each push with its own header', () => {
    const articles = [1, 2, 3].map((n) => ({ title: `t${n}`, description: `d${n}`, url: `https://gov.example.cn/s/${n}` }));
    const one = parseXmlObject(newsReplyXml({ toUser: 'o-1', fromUser: 'gh', createTime: 1 }, articles, 1));
    assert.equal(one.ArticleCount, '1');
    assert.equal((one.Articles as { item: { Title: string } }).item.Title, 't1');
    const all = parseXmlObject(newsReplyXml({ toUser: 'o-2', fromUser: 'gh', createTime: 2 }, articles, 8));
    assert.equal(all.ArticleCount, '3');
    assert.deepEqual(((all.Articles as { item: Array<{ Title: string }> }).item).map((i) => i.Title), ['t1', 't2', 't3']);
    assert.equal(all.ToUserName, 'o-2');
    assert.equal(all.CreateTime, '2');
    // The same articles again, for another citizen: the cached part, a fresh header.
    const again = parseXmlObject(newsReplyXml({ toUser: 'o-3', fromUser: 'gh', createTime: 3 }, articles, 1));
    assert.equal(again.ToUserName, 'o-3');
    assert.equal((again.Articles as { item: { Title: string } }).item.Title, 't1');
  });

  it('splits "]]>" so text cannot close the CDATA section, and drops control characters', () => {
    const hostile = 'a]]><MsgType>news</MsgType><![CDATA[\u0001b';
    const xml = textReplyXml(h, hostile);
    assert.equal(parseXmlObject(xml).Content, 'a]]><MsgType>news</MsgType><![CDATA[b');
    assert.equal(parseXmlObject(xml).MsgType, 'text');
    assert.equal(cdata(']]>'), '<![CDATA[]]]]><![CDATA[>]]>');
  });

  it('builds the official encrypted envelope', () => {
    assert.equal(
      encryptedReplyXml({ encrypt: 'E', signature: 'S', timestamp: '1409304348', nonce: 'N' }),
      '<xml>\n<Encrypt><![CDATA[E]]></Encrypt>\n<MsgSignature><![CDATA[S]]></MsgSignature>\n<TimeStamp>1409304348</TimeStamp>\n<Nonce><![CDATA[N]]></Nonce>\n</xml>',
    );
  });
});

describe('parseFlat (the fast path for flat WeChat XML)', () => {
  const dir = new URL('../fixtures/messages/', import.meta.url);
  const fixtures = readdirSync(dir).filter((f) => f.endsWith('.xml'));

  it('gives exactly what fast-xml-parser gives for every flat public sample', () => {
    let flatCount = 0;
    for (const name of fixtures) {
      const xml = readFileSync(new URL(name, dir), 'utf8');
      const flat = parseFlat(xml);
      if (!flat) continue;
      flatCount++;
      assert.deepEqual(flat, parseWithLibrary(xml), name);
    }
    assert.ok(flatCount >= 10, `expected most samples to be flat, got ${flatCount}`);
  });

  it('leaves nested, attributed, entity-bearing and repeated-tag documents to the library', () => {
    for (const xml of [
      '<xml><ScanCodeInfo><ScanType>qrcode</ScanType></ScanCodeInfo></xml>',
      '<xml><A b="1">x</A></xml>',
      '<xml><A>a&amp;b</A></xml>',
      '<xml><A>1</A><A>2</A></xml>',
      '<xml><A><![CDATA[x]]><![CDATA[y]]></A></xml>',
      '<xml><!-- c --><A>1</A></xml>',
      '<?xml version="1.0"?><xml><A>1</A></xml>',
      '<xml><A>1</B></xml>',
      '<xml><A><![CDATA[never closed</A></xml>',
    ]) {
      assert.equal(parseFlat(xml), undefined, xml);
    }
  });

  it('keeps CDATA verbatim and trims plain text, like the library', () => {
    const xml = '<xml>\n<A><![CDATA[  x ]]></A>\n<B>  12 </B><C></C></xml>';
    assert.deepEqual(parseFlat(xml), { A: '  x ', B: '12', C: '' });
    assert.deepEqual(parseWithLibrary(xml), parseFlat(xml));
  });
});
