// Human-readable application numbers: <department prefix>-<city date>-<per-day sequence>, e.g.
// JJ-20261122-0007. The sequence is per prefix and day. The application's id is its number, so
// the primary key makes a duplicate impossible whatever the locks do; the counter only moves
// after the insert succeeded, so a failed submission leaves no gap, and a counter left behind
// by a crash between the two writes is skipped past, not reused.
import { cityDate } from '../../calendar/index.js';
import { ConflictError } from '../../errors.js';
import type { Collection, Doc, Store } from '../../store/index.js';

interface Counter extends Doc {
  value: number;
}

// Pinyin syllable: optional initial, vowels, optional -n/-ng final not followed by a vowel.
const SYLLABLE = /(zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[aeiouv]+(ng(?![aeiouv])|n(?![aeiouv]))?/g;

/**
 * The letters that start a number. Hyphenated ids use each part's first letter
 * (traffic-police → TP); a single pinyin id its syllables' initials (jiaojing → JJ, shebao → SB);
 * anything else its first two letters.
 */
export function departmentPrefix(department: string): string {
  const parts = department.toLowerCase().split('-').filter(Boolean);
  if (parts.length > 1) return parts.map((p) => p[0]).join('').slice(0, 4).toUpperCase();
  const id = parts[0] ?? 'x';
  const syllables = id.match(SYLLABLE) ?? [];
  if (syllables.length > 1 && syllables.join('') === id) return syllables.map((s) => s[0]).join('').slice(0, 4).toUpperCase();
  return id.slice(0, 2).toUpperCase();
}

/**
 * Inserts the document make(no) builds with the day's next number. The lock (an advisory lock
 * with the PostgreSQL store) keeps concurrent submissions from trying the same number.
 */
export async function insertWithNextNumber<T extends Doc>(store: Store, into: Collection<T>, department: string, now: Date, make: (no: string) => T): Promise<T> {
  const prefix = departmentPrefix(department);
  const day = cityDate(now).replace(/-/g, '');
  const key = `${prefix}-${day}`;
  const counters = store.collection<Counter>('applicationCounters');
  return store.withLock(`application-number:${key}`, async () => {
    let value = (await counters.get(key))?.value ?? 0;
    for (;;) {
      value += 1;
      let inserted: T;
      try {
        inserted = await into.insert(make(`${key}-${String(value).padStart(4, '0')}`));
      } catch (err) {
        if (err instanceof ConflictError) continue; // taken by an insert whose counter write was lost
        throw err;
      }
      await counters.put({ id: key, value });
      return inserted;
    }
  });
}
