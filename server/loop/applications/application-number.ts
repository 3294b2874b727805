// Human-readable application numbers: <department prefix>-<city date>-<per-day sequence>, e.g.
// JJ-20261122-0007. The sequence is per prefix and day and is taken under a store lock, so
// concurrent submissions never share a number even when two departments share a prefix.
import { cityDate } from '../../calendar/index.js';
import type { Doc, Store } from '../../store/index.js';

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

export async function nextApplicationNumber(store: Store, department: string, now: Date): Promise<string> {
  const prefix = departmentPrefix(department);
  const day = cityDate(now).replace(/-/g, '');
  const key = `${prefix}-${day}`;
  const counters = store.collection<Counter>('applicationCounters');
  return store.withLock(`application-number:${key}`, async () => {
    const value = ((await counters.get(key))?.value ?? 0) + 1;
    await counters.put({ id: key, value });
    return `${key}-${String(value).padStart(4, '0')}`;
  });
}
