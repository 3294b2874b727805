// WeChat callback signatures (docs/wechat.md §1, §3): sha1 over the lexicographically
// sorted parts joined without separator, hex lower case. Compared in constant time so the
// answer time does not reveal how many leading characters of a forged signature were right.
import { hash } from 'node:crypto';

function sha1OfSorted(parts: string[]): string {
  // Insertion sort in place: three or four parts, on every push; Array#sort allocates its own work space.
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    let j = i - 1;
    for (; j >= 0 && parts[j]! > part; j--) parts[j + 1] = parts[j]!;
    parts[j + 1] = part;
  }
  return hash('sha1', parts.join(''), 'hex');
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
  // Every character is looked at whatever the first difference (no early exit), without the two
  // buffers timingSafeEqual needs: this runs on every push. Upper-case hex is accepted.
  let diff = 0;
  for (let i = 0; i < expected.length; i++) {
    const c = given.charCodeAt(i);
    diff |= expected.charCodeAt(i) ^ (c >= 65 && c <= 90 ? c + 32 : c);
  }
  return diff === 0;
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
