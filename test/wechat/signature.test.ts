import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { msgSignature, plainSignature, signaturesEqual, verifyMsgSignature, verifyPlainSignature } from '../../server/wechat/signature.js';

describe('plainSignature', () => {
  const cases = [
    { source: 'official example (§1)', token: 'AAAAA', timestamp: '1714036504', nonce: '1514711492', expected: 'f464b24fc39322e44b38aa78f5edd27bd1441696' },
    { source: 'wechatpy test_utils', token: 'test', timestamp: '1410685589', nonce: 'test', expected: 'f21891de399b4e33a1a93c9a7b8a8fffb5a443ff' },
    { source: 'V1 derived URL signature', token: 'spamtest', timestamp: '1409735669', nonce: '1320562132', expected: '16120ec1b8dbb870f510d87ce6bc2463eae6ca1a' },
  ];
  for (const c of cases) {
    it(`matches the ${c.source}`, () => {
      assert.equal(plainSignature(c.token, c.timestamp, c.nonce), c.expected);
      assert.equal(verifyPlainSignature(c.token, { signature: c.expected, timestamp: c.timestamp, nonce: c.nonce }), true);
    });
  }

  it('rejects a wrong signature, a wrong nonce and missing parameters', () => {
    const q = { timestamp: '1714036504', nonce: '1514711492' };
    assert.equal(verifyPlainSignature('AAAAA', { ...q, signature: 'f464b24fc39322e44b38aa78f5edd27bd1441697' }), false);
    assert.equal(verifyPlainSignature('AAAAA', { ...q, nonce: '1514711493', signature: 'f464b24fc39322e44b38aa78f5edd27bd1441696' }), false);
    assert.equal(verifyPlainSignature('AAAAA', { signature: 'f464b24fc39322e44b38aa78f5edd27bd1441696' }), false);
    assert.equal(verifyPlainSignature('AAAAA', { ...q, signature: ['f464b24fc39322e44b38aa78f5edd27bd1441696'] }), false);
  });
});

describe('signatures over sorted parts', () => {
  it('sort the parts as Array#sort does, in every order', () => {
    const sha1 = (parts: string[]) => createHash('sha1').update([...parts].sort().join('')).digest('hex');
    const pick = () => ['', 'a', 'A', 'ab', 'b', '1714036504', '171403650', '你好', 'z'][Math.floor(Math.random() * 9)]!;
    for (let n = 0; n < 500; n++) {
      const [a, b, c, d] = [pick(), pick(), pick(), pick()];
      assert.equal(plainSignature(a, b, c), sha1([a, b, c]));
      assert.equal(msgSignature(a, b, c, d), sha1([a, b, c, d]));
    }
  });
});

describe('msgSignature', () => {
  it('matches V8 (node-webot/wechat-crypto)', () => {
    assert.equal(msgSignature('RMNlACHlV5ThzfRlVS4D4', 'timestamp', 'nonce', 'encrypt'), '8edac0945683c119ee71c9f6256d76c48aa08a96');
  });

  it('matches the V1 official sample msg_signature', () => {
    const encrypt =
      'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';
    assert.equal(verifyMsgSignature('spamtest', '1409735669', '1320562132', encrypt, '5d197aaffba7e9b25a30732f161a50dee96bd5fa'), true);
    assert.equal(verifyMsgSignature('spamtest', '1409735669', '1320562133', encrypt, '5d197aaffba7e9b25a30732f161a50dee96bd5fa'), false);
  });
});

describe('signaturesEqual', () => {
  it('compares case-insensitively and refuses other lengths or types', () => {
    assert.equal(signaturesEqual('abcdef', 'ABCDEF'), true);
    assert.equal(signaturesEqual('abcdef', 'abcde'), false);
    assert.equal(signaturesEqual('abcdef', undefined), false);
    assert.equal(signaturesEqual('abcdef', 'abcdeg'), false);
  });

  it('refuses a difference in any position, and characters that only lower-case to hex', () => {
    const expected = 'f464b24fc39322e44b38aa78f5edd27bd1441696';
    for (let i = 0; i < expected.length; i++) assert.equal(signaturesEqual(expected, `${expected.slice(0, i)}${expected[i] === '0' ? '1' : '0'}${expected.slice(i + 1)}`), false, `position ${i}`);
    // 'İ' lower-cases to two characters: refused as false, not thrown (it threw with timingSafeEqual).
    assert.equal(signaturesEqual('abcdei', 'ABCDEİ'), false);
    assert.equal(signaturesEqual('abcdef', 'ABCDE\u0106'), false);
  });
});
