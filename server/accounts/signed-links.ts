// The subscription account's alternative to web authorisation (网页授权 is a service-account
// feature): the chat reply carries, for that one citizen, a short-lived single-use signed link
// that signs the browser in. Forwarded after it expired or was used, it is worthless.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.js';
import type { Doc, Store } from '../store/index.js';

export const SIGNED_LINK_TTL_MS = 10 * 60 * 1000;
export const SIGNED_LINK_PATH = '/auth/link';
const USED = 'signed-link-uses';

export class SignedLinkError extends AppError {
  override readonly code = 'SIGNED_LINK_INVALID';
}

interface LinkPayload {
  /** account id */
  a: string;
  /** openid (of that account) */
  o: string;
  /** expiry, ms epoch */
  e: number;
  /** nonce: one use */
  n: string;
  /** where to go (a path on this server) */
  p: string;
}

const mac = (payload: string, secret: string) => createHmac('sha256', secret).update(`signed-link:${payload}`).digest('base64url');

export interface SignLinkInput {
  account: string;
  openid: string;
  /** The H5 page the link opens (absolute on publicBaseUrl, or a path). */
  url: string;
  publicBaseUrl: string;
  secret: string;
  now: Date;
}

// Nonces come from a pool of random bytes refilled 4 KB at a time: a subscription account signs a link
// in nearly every reply, and one randomBytes call per link costs more than the HMAC beside it.
const NONCE_BYTES = 9;
let noncePool = Buffer.alloc(0);
let nonceAt = 0;
function freshNonce(): string {
  if (nonceAt + NONCE_BYTES > noncePool.length) {
    noncePool = randomBytes(NONCE_BYTES * 455);
    nonceAt = 0;
  }
  const nonce = noncePool.toString('base64url', nonceAt, nonceAt + NONCE_BYTES);
  nonceAt += NONCE_BYTES;
  return nonce;
}

/** `<publicBaseUrl>/auth/link?t=<token>`: the token carries account, openid, expiry, nonce and target. */
export function signLink(input: SignLinkInput): string {
  const base = input.publicBaseUrl.replace(/\/+$/, '');
  const path = input.url.startsWith(base) ? input.url.slice(base.length) || '/' : input.url;
  const payload: LinkPayload = { a: input.account, o: input.openid, e: input.now.getTime() + SIGNED_LINK_TTL_MS, n: freshNonce(), p: path };
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${base}${SIGNED_LINK_PATH}?t=${encoded}.${mac(encoded, input.secret)}`;
}

export interface RedeemedLink {
  account: string;
  openid: string;
  next: string;
  /** False when the same citizen opened an already-used link again (their session stands). */
  fresh: boolean;
}

interface UseDoc extends Doc {
  at: number;
  /** The minute of the use (ms epoch / 60 000, as a string): the sweep finds old uses by it. */
  bucket?: string;
}

const BUCKET_MS = 60_000;
const bucketOf = (ms: number) => Math.floor(ms / BUCKET_MS);
const usesOf = (store: Store) => store.collection<UseDoc>(USED, { indexes: ['bucket'] });
/** Per store, the last minute bucket already swept in this process (absent: not swept yet). */
const swept = new WeakMap<Store, number>();

/**
 * Removes the records of uses older than the links' lifetime: such a link is refused as expired
 * before its nonce is looked at, so its record can go. Bounded work: the first sweep of a process
 * reads the whole collection once (records of an earlier run, or from before buckets); later ones
 * look up only the minute buckets that expired since. Returns how many records went.
 */
export async function pruneUsedLinks(store: Store, now: Date): Promise<number> {
  const uses = usesOf(store);
  const cutoff = now.getTime() - SIGNED_LINK_TTL_MS;
  // Every bucket ending before the cutoff holds only uses the links' lifetime has passed.
  const last = bucketOf(cutoff) - 1;
  const from = swept.get(store);
  if (from !== undefined && from >= last) return 0;
  swept.set(store, last);
  const old = from === undefined ? await uses.list((u) => u.at < cutoff) : (await Promise.all(range(from + 1, last).map((b) => uses.findBy('bucket', String(b))))).flat();
  for (const u of old) await uses.delete(u.id);
  return old.length;
}

function range(from: number, to: number): number[] {
  // A process idle for days sweeps at most a day of buckets by index; older ones wait for a restart's full sweep.
  const start = Math.max(from, to - 24 * 60);
  return Array.from({ length: Math.max(0, to - start + 1) }, (_, i) => start + i);
}

/**
 * Checks a link and marks it used. Refused: forged or altered, expired, already used by a browser
 * that is not this citizen's, or opened in a browser signed in as another citizen.
 */
export async function redeemSignedLink(
  deps: { store: Store; secret: string; now: Date },
  token: string,
  signedInAs?: string,
  /** The account of the browser's session (absent: the primary, or no session). */
  signedInAccount?: string,
): Promise<RedeemedLink> {
  const [encoded, given, extra] = token.split('.');
  if (!encoded || !given || extra !== undefined) throw new SignedLinkError('链接无效，请回到公众号重新获取');
  const expected = Buffer.from(mac(encoded, deps.secret));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw new SignedLinkError('链接无效或被改动过，请回到公众号重新获取');
  let payload: LinkPayload;
  try {
    payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as LinkPayload;
  } catch {
    throw new SignedLinkError('链接无效，请回到公众号重新获取');
  }
  const next = typeof payload.p === 'string' && payload.p.startsWith('/') && !payload.p.startsWith('//') ? payload.p : '/';
  if (signedInAs !== undefined && signedInAs !== payload.o && signedInAccount !== payload.a) {
    // Openids differ per account: this may be the same person signed in through another account, or a
    // forwarded link; either way the session is not switched, but the citizen is told how to go on.
    throw new SignedLinkError('您的浏览器已用另一个公众号的身份登录，这个链接不能在这里使用；如果两个都是您本人，请先在页面底部“退出登录”，再回到公众号重新获取链接');
  }
  if (signedInAs !== undefined && signedInAs !== payload.o) {
    throw new SignedLinkError('这个链接属于另一位微信用户，不能在已登录其他身份的浏览器中使用；请在您自己的微信中从公众号重新获取');
  }
  if (deps.now.getTime() > payload.e) throw new SignedLinkError('链接已过期（有效期 10 分钟），请回到公众号重新发送消息获取新链接');
  const used = usesOf(deps.store);
  const redeemed = await deps.store.withLock(USED, async () => {
    if (await used.get(payload.n)) {
      if (signedInAs === payload.o) return { account: payload.a, openid: payload.o, next, fresh: false };
      throw new SignedLinkError('链接已使用过，只能使用一次；请回到公众号重新获取');
    }
    const at = deps.now.getTime();
    await used.insert({ id: payload.n, at, bucket: String(bucketOf(at)) });
    return { account: payload.a, openid: payload.o, next, fresh: true };
  });
  // The used-nonce records stay bounded (traffic × the links' lifetime): a sweep at most once a minute.
  await pruneUsedLinks(deps.store, deps.now);
  return redeemed;
}
