// The HMAC-SHA256 request signature departments' systems verify (docs/connectors.md):
//   X-Onestop-Signature = hex(HMAC-SHA256(secret, METHOD \n path?query \n timestamp \n nonce \n hex(SHA-256(body))))
// with X-Onestop-Timestamp (Unix seconds) and X-Onestop-Nonce beside it. The path is everything
// after the host, exactly as sent, so the signature also pins the base path and the query string.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADERS = { signature: 'x-onestop-signature', timestamp: 'x-onestop-timestamp', nonce: 'x-onestop-nonce' } as const;
/** A signature older or newer than this is refused by the verifier (a replayed request). */
export const MAX_SKEW_S = 300;

/** SHA-256 of the empty body every GET signs. */
const EMPTY_BODY_SHA256 = createHash('sha256').update('').digest('hex');

export function signingString(method: string, pathWithQuery: string, timestamp: string, nonce: string, body: string): string {
  return [method.toUpperCase(), pathWithQuery, timestamp, nonce, body === '' ? EMPTY_BODY_SHA256 : createHash('sha256').update(body).digest('hex')].join('\n');
}

// Nonces come from a pool of random bytes drawn 4 KB at a time (one system call per 512 nonces).
let noncePool = Buffer.alloc(0);
let nonceAt = 0;
function freshNonce(): string {
  if (nonceAt + 8 > noncePool.length) {
    noncePool = randomBytes(4096);
    nonceAt = 0;
  }
  nonceAt += 8;
  return noncePool.toString('hex', nonceAt - 8, nonceAt);
}

export function signRequest(secret: string, method: string, pathWithQuery: string, body: string, now = new Date(), nonce = freshNonce()): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = createHmac('sha256', secret).update(signingString(method, pathWithQuery, timestamp, nonce, body)).digest('hex');
  return { [SIGNATURE_HEADERS.timestamp]: timestamp, [SIGNATURE_HEADERS.nonce]: nonce, [SIGNATURE_HEADERS.signature]: signature };
}

/**
 * The nonces a verifier has accepted within the skew window, so a captured request replayed
 * inside those five minutes is refused too. Bounded: entries older than the window are dropped,
 * and past `max` entries the oldest go first (a replay of an evicted nonce is then at least
 * `max` requests old, which a real system sizes to outlast the window).
 */
export interface NonceMemory {
  /** True the first time `nonce` is seen at `nowS`; false for a replay. */
  remember(nonce: string, nowS: number): boolean;
  readonly size: number;
}

export function createNonceMemory(max = 100_000): NonceMemory {
  const seen = new Map<string, number>();
  return {
    get size() {
      return seen.size;
    },
    remember(nonce, nowS) {
      for (const [n, at] of seen) {
        if (nowS - at <= 2 * MAX_SKEW_S && seen.size < max) break;
        seen.delete(n);
      }
      if (seen.has(nonce)) return false;
      seen.set(nonce, nowS);
      return true;
    },
  };
}

/**
 * What a department's system does with a request: true when signed with the secret, recently,
 * and — when given a nonce memory — with a nonce not seen before.
 */
export function verifyRequest(secret: string, method: string, pathWithQuery: string, body: string, headers: Record<string, string | string[] | undefined>, now = new Date(), nonces?: NonceMemory): boolean {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const timestamp = one(SIGNATURE_HEADERS.timestamp);
  const nonce = one(SIGNATURE_HEADERS.nonce);
  const given = one(SIGNATURE_HEADERS.signature);
  if (!timestamp || !nonce || !given || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > MAX_SKEW_S) return false;
  const expected = createHmac('sha256', secret).update(signingString(method, pathWithQuery, timestamp, nonce, body)).digest('hex');
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return false;
  return nonces ? nonces.remember(`${timestamp}:${nonce}`, Math.floor(now.getTime() / 1000)) : true;
}
