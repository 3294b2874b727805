// The embedded collections' secondary indexes: field -> value -> ids of the documents holding that
// value. Only string values are indexed (findBy compares strings). An entry is as small as its ids
// allow: a value one document holds keeps its id alone, a few documents' ids sit in a short array,
// and only a crowded value gets a Set. Most values are unique (openids, blind indexes) or shared by
// a handful (a citizen's notices); 200,000 one- or two-element Sets cost ~40 MB.
import type { Doc } from './types.js';

type Entry = string | string[] | Set<string>;

/** Ids kept in an array up to this many; a Set beyond (an array's includes() is a scan). */
const ARRAY_MAX = 16;

const valueOf = (doc: Doc, field: string): unknown => (doc as unknown as Record<string, unknown>)[field];

export class FieldIndexes {
  private readonly byField = new Map<string, Map<string, Entry>>();

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
    const entry = index.get(value);
    if (entry === undefined) index.set(value, doc.id);
    else if (typeof entry === 'string') {
      if (entry !== doc.id) index.set(value, [entry, doc.id]);
    } else if (Array.isArray(entry)) {
      if (entry.includes(doc.id)) return;
      if (entry.length < ARRAY_MAX) entry.push(doc.id);
      else index.set(value, new Set([...entry, doc.id]));
    } else entry.add(doc.id);
  }

  remove(doc: Doc): void {
    for (const [field, index] of this.byField) {
      const value = valueOf(doc, field);
      if (typeof value !== 'string') continue;
      const entry = index.get(value);
      if (entry === undefined) continue;
      if (typeof entry === 'string') {
        if (entry === doc.id) index.delete(value);
        continue;
      }
      if (Array.isArray(entry)) {
        const at = entry.indexOf(doc.id);
        if (at >= 0) entry.splice(at, 1);
      } else entry.delete(doc.id);
      const size = Array.isArray(entry) ? entry.length : entry.size;
      if (size === 0) index.delete(value);
      else if (size === 1) index.set(value, Array.isArray(entry) ? entry[0]! : entry.values().next().value!);
      else if (!Array.isArray(entry) && size <= ARRAY_MAX / 2) index.set(value, [...entry]);
    }
  }

  /** The ids under field = value, iterated in place (callers must not change the index meanwhile). */
  ids(field: string, value: string): Iterable<string> {
    const entry = this.byField.get(field)?.get(value);
    return entry === undefined ? [] : typeof entry === 'string' ? [entry] : entry;
  }

  count(field: string, value: string): number {
    const entry = this.byField.get(field)?.get(value);
    return entry === undefined ? 0 : typeof entry === 'string' ? 1 : Array.isArray(entry) ? entry.length : entry.size;
  }
}
