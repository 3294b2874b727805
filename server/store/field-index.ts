// The embedded collections' secondary indexes: field -> value -> ids of the documents holding that
// value. Only string values are indexed (findBy compares strings). An entry is as small as its ids
// allow: a value one document holds keeps its id alone, a few documents' ids sit in a short array,
// and only a crowded value gets a Set. Most values are unique (openids, blind indexes) or shared by
// a handful (a citizen's notices); 200,000 one- or two-element Sets cost ~40 MB.
import type { Doc } from './types.js';
import { fnv1a32 } from './shard-of.js';

type Entry = string | string[] | Set<string>;
type Key = string | number;

/** Ids kept in an array up to this many; a Set beyond (an array's includes() is a scan). */
const ARRAY_MAX = 16;

const valueOf = (doc: Doc, field: string): unknown => (doc as unknown as Record<string, unknown>)[field];

/** Values longer than this are kept as a 32-bit hash when the indexes are `hashed`. */
const HASH_OVER = 24;

/** FNV-1a cut to 31 bits: a small integer on every platform, unboxed in a Map key. */
const hash32 = (value: string): number => fnv1a32(value) >>> 1;

export class FieldIndexes {
  private readonly byField = new Map<string, Map<Key, Entry>>();

  /**
   * hashed: long values (openids, blind indexes) are keyed by a hash instead of a copy of the
   * string, ~110 bytes less per binding; ids() then gives candidates the caller checks against the
   * documents (on-disk collections read them anyway), and count() is exact only for short values.
   */
  constructor(private readonly hashed = false) {}

  private keyOf(value: string): Key {
    return this.hashed && value.length > HASH_OVER ? hash32(value) : value;
  }

  /** Whether ids(field, value) is exactly the documents holding value (not a superset sharing its hash). */
  exact(value: string): boolean {
    return !this.hashed || value.length <= HASH_OVER;
  }

  has(field: string): boolean {
    return this.byField.has(field);
  }

  get fields(): string[] {
    return [...this.byField.keys()];
  }

  /**
   * Just what the indexes read of doc (its id and indexed string fields): kept instead of the whole
   * document while a write waits for the disk, so a burst of writes holds little memory.
   */
  view(doc: Doc): Doc {
    const out: Record<string, unknown> = { id: doc.id };
    for (const field of this.byField.keys()) {
      const value = valueOf(doc, field);
      if (typeof value === 'string') out[field] = value;
    }
    return out as unknown as Doc;
  }

  /** Declares a field; the caller indexes the existing documents with addTo(field, doc). */
  declare(field: string): void {
    if (!this.byField.has(field)) this.byField.set(field, new Map());
  }

  add(doc: Doc): void {
    for (const field of this.byField.keys()) this.addTo(field, doc);
  }

  addTo(field: string, doc: Doc): void {
    const index = this.byField.get(field)!;
    const value = valueOf(doc, field);
    if (typeof value !== 'string') return;
    const key = this.keyOf(value);
    const entry = index.get(key);
    if (entry === undefined) index.set(key, doc.id);
    else if (typeof entry === 'string') {
      if (entry !== doc.id) index.set(key, [entry, doc.id]);
    } else if (Array.isArray(entry)) {
      if (entry.includes(doc.id)) return;
      if (entry.length < ARRAY_MAX) entry.push(doc.id);
      else index.set(key, new Set([...entry, doc.id]));
    } else entry.add(doc.id);
  }

  remove(doc: Doc): void {
    for (const [field, index] of this.byField) {
      const value = valueOf(doc, field);
      if (typeof value !== 'string') continue;
      const key = this.keyOf(value);
      const entry = index.get(key);
      if (entry === undefined) continue;
      if (typeof entry === 'string') {
        if (entry === doc.id) index.delete(key);
        continue;
      }
      if (Array.isArray(entry)) {
        const at = entry.indexOf(doc.id);
        if (at >= 0) entry.splice(at, 1);
      } else entry.delete(doc.id);
      const size = Array.isArray(entry) ? entry.length : entry.size;
      if (size === 0) index.delete(key);
      else if (size === 1) index.set(key, Array.isArray(entry) ? entry[0]! : entry.values().next().value!);
      else if (!Array.isArray(entry) && size <= ARRAY_MAX / 2) index.set(key, [...entry]);
    }
  }

  /** The ids under field = value (see exact()), iterated in place (callers must not change the index meanwhile). */
  ids(field: string, value: string): Iterable<string> {
    const entry = this.byField.get(field)?.get(this.keyOf(value));
    return entry === undefined ? [] : typeof entry === 'string' ? [entry] : entry;
  }

  /** How many ids ids(field, value) gives. */
  count(field: string, value: string): number {
    const entry = this.byField.get(field)?.get(this.keyOf(value));
    return entry === undefined ? 0 : typeof entry === 'string' ? 1 : Array.isArray(entry) ? entry.length : entry.size;
  }
}
