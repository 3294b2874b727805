// Personal fields sealed at the store boundary: a Store whose named collections seal chosen values
// of one object field (an application's `data`, an appointment's `fields`) on every write and open
// them on every read, so the loop's code and every reader see plain values while the files, the
// journal and a backup hold only ciphertext. Records written before sealing was switched on (plain
// values) read as they are and are sealed at their next write.
import type { Collection, Doc, Store } from '../store/index.js';
import type { Vault } from './vault.js';

export interface SealedFieldRule {
  collection: string;
  /** The object field holding the answers, e.g. data (applications) or fields (appointments). */
  container: string;
  /** Which keys of that object are personal (ID numbers, phones) for this document. */
  keysOf(doc: Doc): Iterable<string>;
}

type Container = Record<string, unknown>;

function containerOf(doc: Doc, rule: SealedFieldRule): Container | undefined {
  const value = (doc as unknown as Record<string, unknown>)[rule.container];
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Container) : undefined;
}

const contextOf = (rule: SealedFieldRule, doc: Doc, key: string) => `${rule.collection}/${doc.id}/${rule.container}/${key}`;

/** Seals the rule's keys, and keys sealed in the stored version (`before`), so nothing sealed is ever written back in clear. */
function sealDoc<T extends Doc>(vault: Vault, rule: SealedFieldRule, doc: T, before?: T): T {
  const container = containerOf(doc, rule);
  if (!container) return doc;
  const previous = before ? containerOf(before, rule) : undefined;
  const keys = new Set(rule.keysOf(doc));
  for (const [key, value] of Object.entries(previous ?? {})) if (vault.isSealed(value)) keys.add(key);
  let out: Container | undefined;
  for (const key of keys) {
    const value = container[key];
    if ((typeof value !== 'string' && typeof value !== 'number') || vault.isSealed(value)) continue;
    out ??= { ...container };
    out[key] = vault.seal(String(value), contextOf(rule, doc, key));
  }
  return out ? { ...doc, [rule.container]: out } : doc;
}

function openDoc<T extends Doc>(vault: Vault, rule: SealedFieldRule, doc: T): T {
  const container = containerOf(doc, rule);
  if (!container) return doc;
  let out: Container | undefined;
  for (const [key, value] of Object.entries(container)) {
    if (!vault.isSealed(value)) continue;
    out ??= { ...container };
    out[key] = vault.open(value, contextOf(rule, doc, key));
  }
  return out ? { ...doc, [rule.container]: out } : doc;
}

function sealingCollection<T extends Doc>(inner: Collection<T>, vault: Vault, rule: SealedFieldRule): Collection<T> {
  const open = (doc: T) => openDoc(vault, rule, doc);
  const seal = (doc: T, before?: T) => sealDoc(vault, rule, doc, before);
  return {
    get: async (id) => {
      const doc = await inner.get(id);
      return doc && open(doc);
    },
    insert: async (doc) => (await inner.insert(seal(doc)), doc),
    put: async (doc) => (await inner.put(seal(doc)), doc),
    update: async (id, fn) => open(await inner.update(id, (current) => seal(fn(open(current)), current))),
    delete: (id) => inner.delete(id),
    findBy: async (field, value) => (await inner.findBy(field, value)).map(open),
    list: async (filter) => (await inner.list(filter && ((doc) => filter(open(doc))))).map(open),
    count: () => inner.count(),
    // Counting compares indexed top-level fields, never the sealed answers: it goes straight through.
    ...(inner.countBy ? { countBy: inner.countBy.bind(inner) } : {}),
  };
}

/** The store with the rules' collections sealing and opening their personal values; everything else passes through. */
export function sealingStore(store: Store, vault: Vault, rules: readonly SealedFieldRule[]): Store {
  const byName = new Map(rules.map((r) => [r.collection, r]));
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'collection') {
        return <T extends Doc>(name: string, options?: Parameters<Store['collection']>[1]) => {
          const inner = target.collection<T>(name, options);
          const rule = byName.get(name);
          return rule ? sealingCollection(inner, vault, rule) : inner;
        };
      }
      if (prop === 'withLocksReading' && target.withLocksReading) {
        // The reads come back as stored: open the documents of the rules' collections.
        const withLocksReading: NonNullable<Store['withLocksReading']> = (keys, reads, fn) =>
          target.withLocksReading!(keys, reads, (results) =>
            fn(
              results.map((found, i) => {
                const rule = byName.get(reads[i]!.collection);
                return rule && Array.isArray(found) ? found.map((doc) => openDoc(vault, rule, doc)) : found;
              }),
            ),
          );
        return withLocksReading;
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
