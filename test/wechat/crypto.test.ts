import assert from 'node:assert/strict';
import { createMsgCrypt, randomBytesFromPool, WechatCryptoError } from '../../server/wechat/crypto.js';
import { msgSignature } from '../../server/wechat/signature.js';
import { parseMessage, parseXmlObject } from '../../server/wechat/xml.js';

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

describe('createMsgCrypt', () => {
  describe('V1 (official 公众号 Python sample)', () => {
    const crypt = createMsgCrypt({ token: 'spamtest', encodingAesKey: KEY, appId: 'wx2c2769f8efd9abc2' });
    const encrypt =
      'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';
    const plain =
      '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>';

    it('decrypts to the exact 280-byte plaintext with the appid tail', () => {
      const out = crypt.decrypt(encrypt);
      assert.equal(out.message, plain);
      assert.equal(Buffer.byteLength(out.message), 280);
      assert.equal(out.appId, 'wx2c2769f8efd9abc2');
    });

    it('checks msg_signature before decrypting', () => {
      assert.equal(crypt.verifyAndDecrypt('5d197aaffba7e9b25a30732f161a50dee96bd5fa', '1409735669', '1320562132', encrypt), plain);
      assert.throws(
        () => crypt.verifyAndDecrypt('5d197aaffba7e9b25a30732f161a50dee96bd5fb', '1409735669', '1320562132', encrypt),
        (e: unknown) => e instanceof WechatCryptoError && e.wxCode === -40001 && e.message === '加密消息签名校验失败',
      );
    });

    it('keeps the 64-bit MsgId exactly', () => {
      assert.equal(parseMessage(crypt.decrypt(encrypt).message).msgId, '6054768590064713728');
    });
  });

  describe('V2 (WxJava, fixed random)', () => {
    const crypt = createMsgCrypt({ token: 'pamtest', encodingAesKey: KEY, appId: 'wxb11529c136998cb6' });
    const random = Buffer.from('aaaabbbbccccdddd');
    const v2a = 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==';
    const v2bPlain =
      '<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>';
    const v2b =
      'jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb';

    it('encrypts V2a (19 bytes of mixed Chinese) to the exact Base64', () => {
      assert.equal(crypt.encrypt('我是中文abcd123', random), v2a);
    });

    it('encrypts V2b (a 435-byte reply) to the exact Base64', () => {
      assert.equal(Buffer.byteLength(v2bPlain), 435);
      assert.equal(crypt.encrypt(v2bPlain, random), v2b);
    });

    it('decrypts both back with the same random and appid', () => {
      for (const [cipher, plain] of [[v2a, '我是中文abcd123'], [v2b, v2bPlain]] as const) {
        const out = crypt.decrypt(cipher);
        assert.equal(out.message, plain);
        assert.equal(out.random.toString(), 'aaaabbbbccccdddd');
      }
    });

    it('signs V2a with the derived MsgSignature', () => {
      const sealed = crypt.sealReply('我是中文abcd123', { timestamp: '1409304348', nonce: 'xxxxxx', random16: random });
      assert.equal(sealed.encrypt, v2a);
      assert.equal(sealed.signature, '82c962d39941aa48552f90ef55aa323dc620cc10');
    });
  });

  describe('V3 (EasyWeChat)', () => {
    it('decrypts and rejects a wrong appid', () => {
      const encrypt =
        'rTNFcsut4LfGuAFKEUVVpwcaCOTJzOd9twZdIW910jb3k+iicx2uvhttIZ3Qg9Qgty3BEF2xbOrz6boTfb30dMomcgrkTqdFPwnhqbk+kIQ7rZiwny9D7NUrTgA5kpX3KsZvrXzUZyP2x9YOlxbgm572lmxKvM7HAQQhIQ/p6HBmoY30bGXFK0BtIu1pW9TjhOYrLQoU18nWYjWqDA1ynkmOytpv7QRI1P1+0NoxL0q2zO1DgeSvnE8CZGo/o5Ap/WHK5W2RAsinpzN4/LjPnmB6U01I5XCoJoC0GK/yMZycd2Oh8Nq6+wBkC1U85oy0ktOY4nLvsQMLrourmMGdZHuTbqpeJ8Ao/5PRYJ+WBvRUwPfGKBL2+2IKZF49vAJqkcGWSHGE76ZN2erXeuNazf/o9o3lIE3q739o4c8t9QGPe31GT2Go/rOz1BsrASwvauNulCh+++yz+CQzBIuikA==';
      const crypt = createMsgCrypt({ token: 'pamtest', encodingAesKey: KEY, appId: 'wxb11529c136998cb6' });
      assert.equal(
        crypt.verifyAndDecrypt('4f3ad57b6989f09f4eb392acce4f9e93942ed890', '1458300676', '260774613', encrypt),
        '<xml><URL><![CDATA[http://wechat.laravel.so/server]]></URL><ToUserName><![CDATA[asdasdasd]]></ToUserName><FromUserName><![CDATA[asdasdasdsadasd]]></FromUserName><CreateTime>1234567898</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>12345</MsgId></xml>',
      );
      const other = createMsgCrypt({ token: 'pamtest', encodingAesKey: KEY, appId: 'wx0000000000000000' });
      assert.throws(() => other.decrypt(encrypt), (e: unknown) => e instanceof WechatCryptoError && e.wxCode === -40005);
    });
  });

  describe('V4 (wechatpy)', () => {
    const crypt = createMsgCrypt({ token: '123456', encodingAesKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR', appId: 'wx49f0ab532d5d035a' });

    it('verifies and decrypts the echostr, and fails with another nonce', () => {
      const echostr = '4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==';
      assert.equal(crypt.verifyAndDecrypt('dd6b9c95b495b3f7e2901bfbc76c664930ffdb96', '1411443780', '437374425', echostr), '5927782489442352469');
      assert.throws(() => crypt.verifyAndDecrypt('dd6b9c95b495b3f7e2901bfbc76c664930ffdb96', '1411443780', '437374424', echostr), WechatCryptoError);
    });

    it('decrypts the message: Content test from messense', () => {
      const encrypt =
        'RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=';
      const xml = crypt.verifyAndDecrypt('74d92dfeb87ba7c714f89d98870ae5eb62dff26d', '1411525903', '461056294', encrypt);
      const msg = parseMessage(xml);
      assert.equal(msg.content, 'test');
      assert.equal(msg.fromUser, 'messense');
    });

    it('encrypts the reply and its MsgSignature exactly', () => {
      const reply =
        '<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>';
      const sealed = crypt.sealReply(reply, { timestamp: '1411525903', nonce: '461056294', random16: Buffer.from('1234567890123456') });
      assert.equal(
        sealed.encrypt,
        '9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3',
      );
      assert.equal(sealed.signature, '407518b7649e86ef23978113f92d27afa9296533');
      assert.equal(msgSignature('123456', sealed.timestamp, sealed.nonce, sealed.encrypt), sealed.signature);
    });
  });

  describe('V6 (WeCom official samples)', () => {
    const crypt = createMsgCrypt({ token: 'QDG6eK', encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', appId: 'wx5823bf96d3bd56c7' });

    it('verifies the URL echostr', () => {
      const echostr = 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==';
      assert.equal(crypt.verifyAndDecrypt('5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3', '1409659589', '263014780', echostr), '1616140317555161061');
    });

    it('decrypts the sample message', () => {
      const encrypt =
        'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==';
      const raw = parseXmlObject(crypt.verifyAndDecrypt('477715d11cdb4164915debcba66cb864d751f3e6', '1409659813', '1372623149', encrypt));
      assert.equal(raw.Content, 'hello');
      assert.equal(raw.FromUserName, 'mycreate');
      assert.equal(raw.AgentID, '218');
    });
  });

  describe('round trip and bad input', () => {
    const crypt = createMsgCrypt({ token: 't', encodingAesKey: KEY, appId: 'wxappid' });

    it('round-trips messages whose length is a multiple of 32 (a full pad block)', () => {
      for (const len of [0, 1, 12, 31, 32, 44, 100]) {
        const msg = 'x'.repeat(len);
        assert.equal(crypt.decrypt(crypt.encrypt(msg)).message, msg);
      }
    });

    it('rejects a key that is not 43 characters', () => {
      assert.throws(() => createMsgCrypt({ token: 't', encodingAesKey: 'short', appId: 'a' }), (e: unknown) => e instanceof WechatCryptoError && e.wxCode === -40004);
    });

    it('rejects garbage ciphertext with a typed error', () => {
      assert.throws(() => crypt.decrypt('not base64 at all!'), WechatCryptoError);
      assert.throws(() => crypt.decrypt(Buffer.alloc(32, 7).toString('base64')), WechatCryptoError);
    });
  });
});

describe('randomBytesFromPool', () => {
  it('hands out fresh bytes of the asked size, never the same bytes twice, across refills', () => {
    const seen = new Set<string>();
    // 700 × 16 bytes crosses the 4 KB pool twice.
    for (let i = 0; i < 700; i++) {
      const bytes = randomBytesFromPool(16);
      assert.equal(bytes.length, 16);
      seen.add(bytes.toString('hex'));
    }
    assert.equal(seen.size, 700);
    assert.equal(randomBytesFromPool(10_000).length, 10_000);
  });

  it('gives each sealed reply its own random prefix and nonce', () => {
    const crypt = createMsgCrypt({ token: 't', encodingAesKey: KEY, appId: 'wxapp' });
    const a = crypt.sealReply('<xml/>', { timestamp: '1' });
    const b = crypt.sealReply('<xml/>', { timestamp: '1' });
    assert.notEqual(a.encrypt, b.encrypt);
    assert.notEqual(a.nonce, b.nonce);
    assert.notDeepEqual(crypt.decrypt(a.encrypt).random, crypt.decrypt(b.encrypt).random);
    assert.equal(crypt.decrypt(a.encrypt).message, '<xml/>');
  });
});
