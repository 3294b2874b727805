// Signed WeChat pushes for the benches that drive the callback (bench/wechat.ts and
// bench/wechat-instructions.ts): the same credentials the bench servers are configured with.
import path from 'node:path';
import { buildAccount } from '../../server/builder/build-account.js';
import { loadCityFromDir } from '../../server/builder/load-city.js';
import { projectRoot } from '../../server/config.js';
import { createMsgCrypt } from '../../server/wechat/crypto.js';
import { msgSignature, plainSignature } from '../../server/wechat/signature.js';
import { LOCAL_STANDIN_CREDENTIALS } from '../../server/wechat/standin/standin-state.js';

export type Mode = 'plain' | 'safe';
export const TOKEN = 'bench-wechat-token';
export const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const APP_ID = LOCAL_STANDIN_CREDENTIALS.appId;
export const tokenOf = (account?: string) => (account ? `${TOKEN}-${account}` : TOKEN);

/** Messages that hit the sample city's first 20 `contains` keywords of services (a service card each). */
export async function keywordTexts(): Promise<string[]> {
  const small = buildAccount(await loadCityFromDir(path.join(projectRoot, 'topics')), { publicBaseUrl: 'https://gov.example.cn' });
  return small.keywords
    .filter((k) => k.target.kind === 'service' && k.match === 'contains')
    .slice(0, 20)
    .map((k) => `我想问${k.text}`);
}

/**
 * Messages that hit the 出行 account's first 20 plain service keywords (a service card, no query, no
 * conflict): the same work on every callback of the three-account sample city and on the one-account one.
 */
export async function accountTexts(): Promise<string[]> {
  const chuxing = buildAccount(await loadCityFromDir(path.join(projectRoot, 'topics')), { publicBaseUrl: 'https://gov.example.cn', account: 'chuxing' });
  return chuxing.keywords
    .filter((k) => k.target.kind === 'service' && k.match === 'contains' && !k.resolution && !chuxing.services.find((s) => k.target.kind === 'service' && s.ref === k.target.service)?.steps.query)
    .slice(0, 20)
    .map((k) => `我想问${k.text}`);
}

/** Pre-built signed requests, each with its own MsgId and nonce (safe mode: its own Encrypt and msg_signature). */
export function requests(texts: string[], mode: Mode, count: number, account?: string, first = 0) {
  const TOKEN = tokenOf(account);
  const callback = account ? `/wechat/${account}` : '/wechat';
  const crypt = createMsgCrypt({ token: TOKEN, encodingAesKey: AES_KEY, appId: APP_ID });
  const ts = String(Math.floor(Date.now() / 1000));
  return Array.from({ length: count }, (_, n) => {
    const i = first + n;
    // Each push its own nonce, as WeChat sends them: the gateway refuses a nonce reused with another body.
    const nonce = String(20251122 + i);
    const signature = plainSignature(TOKEN, ts, nonce);
    const xml = `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[o-bench-${i % 997}]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${texts[i % texts.length]}]]></Content><MsgId>${8_000_000_000_000_000_000n + BigInt(i)}</MsgId></xml>`;
    if (mode === 'plain') return { path: `${callback}?signature=${signature}&timestamp=${ts}&nonce=${nonce}`, body: xml };
    const encrypt = crypt.encrypt(xml);
    const ms = msgSignature(TOKEN, ts, nonce, encrypt);
    return {
      path: `${callback}?signature=${signature}&timestamp=${ts}&nonce=${nonce}&encrypt_type=aes&msg_signature=${ms}`,
      body: `<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
    };
  });
}
