// WeChat callback signatures (docs/wechat.md §1, §3): sha1 over the lexicographically
// sorted parts joined without separator, hex lower case. Compared in constant time so the
// answer time does not reveal how many leading characters of a forged signature were right.
import { createHash, timingSafeEqual } from 'node:crypto';

function sha1OfSorted(parts: string[]): string {
  return createHash('sha1').update(parts.sort().join('')).digest('hex');
}

/** The plain URL `signature`: sha1(sort(token, timestamp, nonce)). */
export function plainSignature(token: string, timestamp: string, nonce: string): string {
  return sha1OfSorted([token, timestamp, nonce]);
}

/** The safe-mode `msg_signature` / reply `MsgSignature`: sha1(sort(token, timestamp, nonce, encrypt)). */
export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return sha1OfSorted([token, timestamp, nonce, encrypt]);
}

/** Constant-time comparison of two hex signatures; false for a missing or differently sized value. */
export function signaturesEqual(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(given.toLowerCase(), 'latin1'));
}

export function verifyPlainSignature(token: string, query: { signature?: unknown; timestamp?: unknown; nonce?: unknown }): boolean {
  const { signature, timestamp, nonce } = query;
  if (typeof timestamp !== 'string' || typeof nonce !== 'string') return false;
  return signaturesEqual(plainSignature(token, timestamp, nonce), signature);
}

export function verifyMsgSignature(token: string, timestamp: unknown, nonce: unknown, encrypt: string, given: unknown): boolean {
  if (typeof timestamp !== 'string' || typeof nonce !== 'string') return false;
  return signaturesEqual(msgSignature(token, timestamp, nonce, encrypt), given);
}
