// Canonical JSON: object keys sorted, no whitespace. The build hash is taken over this form, so it
// does not depend on the order in which the builder happened to add keys.
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  // The native serialiser with a key-sorting replacer is an order of magnitude faster than a
  // hand-written recursive one on a 10 MB build; objects already in order are passed through.
  return JSON.stringify(value, sortKeysReplacer) ?? 'null';
}

function sortKeysReplacer(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      sorted = false;
      break;
    }
  }
  if (sorted) return value;
  const out: Record<string, unknown> = {};
  for (const key of keys.sort()) out[key] = (value as Record<string, unknown>)[key];
  return out;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
