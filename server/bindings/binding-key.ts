// A binding's key (号牌种类 + 号牌号码): canonical text, and the blind index it is found by.
import type { BuiltBindingKind } from '../builder/index.js';
import { ValidationError } from '../errors.js';
import type { Vault } from '../vault/index.js';

/** Spelled as the form check leaves it: NFKC, trimmed, capitals where the field upper-cases. */
function canonicalPart(kind: BuiltBindingKind, name: string, value: unknown): string {
  const field = kind.fields.find((f) => f.name === name);
  const text = String(value ?? '').normalize('NFKC').trim();
  return field?.upperCase || field?.type === 'idcard' ? text.toUpperCase() : text;
}

/**
 * The key as one string: key fields' values joined by ':' in the declared order. Accepts the
 * fields ({plateType, plateNumber, …}) or a department system's string ("02:鄂A12345", or the
 * value alone for a one-field key).
 */
export function bindingKeyOf(kind: BuiltBindingKind, key: string | Record<string, unknown>): string {
  const parts = typeof key === 'string' ? key.split(':') : kind.key.map((name) => key[name]);
  if (parts.length !== kind.key.length) throw new ValidationError(`绑定“${kind.name}”的标识须为 ${kind.key.join(':')}`, { key: kind.key });
  const canonical = kind.key.map((name, i) => canonicalPart(kind, name, parts[i]));
  if (canonical.some((p) => p === '')) throw new ValidationError(`绑定“${kind.name}”的标识须为 ${kind.key.join(':')}`, { key: kind.key });
  return canonical.join(':');
}

export function keyIndexOf(vault: Vault, kind: BuiltBindingKind, canonicalKey: string): string {
  return vault.blindIndex('binding-key', `${kind.ref}\n${canonicalKey}`);
}

export const sealContext = (id: string) => `binding:${id}`;
