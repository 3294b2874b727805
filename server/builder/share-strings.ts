// A live build stays in memory as long as it is published, and every major garbage collection
// walks it: with 20,000 keywords, each string the builder made by concatenation (a source
// pointer, a URL, a diagnostic's message) is a chain of pieces, each one more object to trace,
// and equal texts (a keyword's text and its normalised form, a file name on every rule) are
// separate copies. One pass at the end of a build replaces every string by one flat string per
// distinct text, shared across the build. Nothing visible changes: the same texts, the same shape.

/**
 * One flat string per distinct text: normalize() copies a chain of pieces into a flat string; a
 * text it would change (not in NFC) is kept as it is.
 */
function flat(s: string): string {
  const copy = s.normalize();
  return copy === s ? copy : s;
}

/** Replaces, in place, every string in `root`'s plain objects and arrays by a shared flat copy; returns root. */
export function shareStrings<T extends object>(root: T): T {
  const texts = new Map<string, string>();
  const visited = new Set<object>();
  const shared = (s: string) => {
    let own = texts.get(s);
    if (own === undefined) texts.set(s, (own = flat(s)));
    return own;
  };
  const pending: object[] = [root];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (visited.has(node) || Object.isFrozen(node)) continue;
    visited.add(node);
    const visit = (value: unknown, set: (own: string) => void) => {
      // Always written back: strings compare by text, so a copy cannot be told from the original.
      if (typeof value === 'string') set(shared(value));
      else if (value !== null && typeof value === 'object' && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) pending.push(value);
    };
    if (Array.isArray(node)) {
      const list = node as unknown[];
      for (let i = 0; i < list.length; i++) visit(list[i], (own) => (list[i] = own));
    } else {
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) visit(record[key], (own) => (record[key] = own));
    }
  }
  return root;
}
