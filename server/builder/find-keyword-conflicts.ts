// Finds pairs of keywords that would answer the same message, without comparing all pairs:
// claims are indexed by normalised text, and for each distinct text only its substrings are
// looked up among contains-keywords. Cost: O(distinct texts × length²), keywords being ≤ 30 chars.
import type { KeywordClaim } from './keyword-claims.js';
import { compareStrings } from './diagnostics.js';

export interface ClaimPair {
  /** The text a message must contain (or be) for both claims to match; the longer side's text. */
  contested: string;
  /** The claim whose text is `contested`. */
  captured: KeywordClaim;
  /** Same text as `captured`, or a contains-claim whose text lies inside it. */
  other: KeywordClaim;
  relation: 'same' | 'captures';
}

export interface KeywordIndex {
  byText: Map<string, KeywordClaim[]>;
  containsByText: Map<string, KeywordClaim[]>;
  containsLengths: number[];
}

export function indexClaims(claims: KeywordClaim[]): KeywordIndex {
  const byText = new Map<string, KeywordClaim[]>();
  const containsByText = new Map<string, KeywordClaim[]>();
  const lengths = new Set<number>();
  for (const c of claims) {
    push(byText, c.normalized, c);
    if (c.match === 'contains') {
      push(containsByText, c.normalized, c);
      lengths.add(c.normalized.length);
    }
  }
  return { byText, containsByText, containsLengths: [...lengths].sort((a, b) => a - b) };
}

/** Contains-claims whose text is a proper substring of `text`: they capture any message holding `text`. */
export function capturersOf(index: KeywordIndex, text: string): KeywordClaim[] {
  const found: KeywordClaim[] = [];
  const seen = new Set<string>();
  for (const length of index.containsLengths) {
    if (length >= text.length) break;
    for (let start = 0; start + length <= text.length; start++) {
      const part = text.slice(start, start + length);
      if (seen.has(part)) continue;
      seen.add(part);
      const claims = index.containsByText.get(part);
      if (claims) found.push(...claims);
    }
  }
  return found;
}

/** Every pair of claims that can both match one message, in a stable order. */
export function findClaimPairs(index: KeywordIndex): ClaimPair[] {
  const pairs: ClaimPair[] = [];
  const texts = [...index.byText.keys()].sort(compareStrings);
  for (const contested of texts) {
    const group = index.byText.get(contested)!;
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        pairs.push({ contested, captured: group[i]!, other: group[j]!, relation: 'same' });
      }
    }
    const capturers = capturersOf(index, contested);
    for (const captured of group) {
      for (const other of capturers) pairs.push({ contested, captured, other, relation: 'captures' });
    }
  }
  return pairs;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
