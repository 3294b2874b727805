import assert from 'node:assert/strict';
import nock from 'nock';
import { WechatApiError } from '../../server/errors.js';
import type { WechatMenu } from '../../server/builder/types.js';
import { createWechatClient, redactSecrets } from '../../server/wechat/wechat-client.js';
import { createMemoryTokenStore } from '../../server/wechat/token-store.js';
import { rejection } from './wechat-assertions.js';

const WX = 'https://api.weixin.qq.com';
const SECRET = 'topsecret0123456789abcdef';
const TOKEN = 'ACCESS_TOKEN_SHOULD_NOT_LEAK';
const menu: WechatMenu = { button: [{ type: 'click', name: '办事', key: 'K1' }] } as WechatMenu;


/** Everything about the error that may be logged or shown: message, errmsg, details, JSON. */
const exposed = (err: WechatApiError) => [err.message, err.errmsg, JSON.stringify(err.details), JSON.stringify(err), String(err)].join('\n');

describe('createWechatClient error redaction', () => {
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  it('keeps the AppSecret out of a failed token request', async () => {
    const scope = nock(WX).get('/cgi-bin/token').query(true).replyWithError('socket hang up');
    const client = createWechatClient({ appId: 'wx1234567890abcdef', secret: SECRET, tokenStore: createMemoryTokenStore() });
    const err = await rejection(client.createMenu(menu));
    assert.ok(scope.isDone());
    assert.equal(err.errcode, -1);
    assert.match(err.message, /无法访问微信接口/);
    assert.doesNotMatch(exposed(err), new RegExp(SECRET));
  });

  it('keeps the access_token out of a failed API request', async () => {
    const scope = nock(WX)
      .get('/cgi-bin/token').query(true).reply(200, { access_token: TOKEN, expires_in: 7200 })
      .post('/cgi-bin/menu/create').query({ access_token: TOKEN }).replyWithError('connect ECONNRESET');
    const client = createWechatClient({ appId: 'wx1234567890abcdef', secret: SECRET, tokenStore: createMemoryTokenStore() });
    const err = await rejection(client.createMenu(menu));
    assert.ok(scope.isDone());
    assert.doesNotMatch(exposed(err), new RegExp(TOKEN));
    assert.doesNotMatch(exposed(err), new RegExp(SECRET));
  });

  it('keeps both out when a proxy answers HTML instead of JSON', async () => {
    const scope = nock(WX).get('/cgi-bin/token').query(true).reply(502, '<html>Bad Gateway</html>', { 'Content-Type': 'text/html' });
    const client = createWechatClient({ appId: 'wx1234567890abcdef', secret: SECRET, tokenStore: createMemoryTokenStore() });
    const err = await rejection(client.getMenu());
    assert.ok(scope.isDone());
    assert.doesNotMatch(exposed(err), new RegExp(SECRET));
  });

  describe('redactSecrets', () => {
    const cases: Array<[string, string]> = [
      ['GET https://x/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=abc123 -1', 'GET https://x/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=*** -1'],
      ['POST https://x/cgi-bin/menu/create?access_token=T0K-EN_1&x=1', 'POST https://x/cgi-bin/menu/create?access_token=***&x=1'],
      ['no secrets here', 'no secrets here'],
    ];
    for (const [input, expected] of cases) it(`redacts ${input.slice(0, 40)}…`, () => assert.equal(redactSecrets(input), expected));
  });
});
