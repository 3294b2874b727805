// Keyword matching with WeChat-console semantics (exact / contains, priority), at a cost that
// does not grow with the number of rules: exact rules are one Map lookup; contains rules are
// found by probing every substring of the message whose length is the length of some
// contains keyword. A city with 20,000 keywords answers as fast as one with 20.
import { type CompiledKeyword, normalizeKeyword } from '../builder/index.js';

/** Longer messages are not keyword questions; capping bounds the probing cost. */
export const MAX_MATCHED_LENGTH = 100;

export interface KeywordMatch {
  rule: CompiledKeyword;
  match: 'exact' | 'contains';
}

export interface KeywordMatcher {
  match(text: string): KeywordMatch | undefined;
  /**
   * For unmatched text: the owner of the keyword that best matches the message (a guess for the
   * human desk), or undefined. Best = most two-character pieces shared with the message, then the
   * larger share of the keyword covered, then priority, then declaration order; the order of the
   * keywords in the files never decides alone.
   */
  guessOwner(text: string): string | undefined;
  readonly size: number;
}

interface Ranked {
  rule: CompiledKeyword;
  order: number;
}

// Exact beats contains (separate maps); among contains: priority, then length, then order.
function better(a: Ranked, b: Ranked): boolean {
  if (a.rule.priority !== b.rule.priority) return a.rule.priority > b.rule.priority;
  if (a.rule.normalized.length !== b.rule.normalized.length) return a.rule.normalized.length > b.rule.normalized.length;
  return a.order < b.order;
}

function keep(map: Map<string, Ranked>, key: string, candidate: Ranked) {
  const current = map.get(key);
  if (!current || better(candidate, current)) map.set(key, candidate);
}

export function createKeywordMatcher(keywords: CompiledKeyword[]): KeywordMatcher {
  const exact = new Map<string, Ranked>();
  const contains = new Map<string, Ranked>();
  // Two-character piece -> the keywords containing it (indexes into `pieceCounts`/`keywords`).
  const keywordsWithPiece = new Map<string, number[]>();
  const pieceCounts: number[] = [];
  keywords.forEach((rule, order) => {
    const key = rule.normalized || normalizeKeyword(rule.text);
    if (!key) return;
    const ranked = { rule: key === rule.normalized ? rule : { ...rule, normalized: key }, order };
    keep(rule.match === 'exact' ? exact : contains, key, ranked);
    const pieces = bigrams(key);
    pieceCounts[order] = pieces.size;
    for (const piece of pieces) {
      const list = keywordsWithPiece.get(piece);
      if (list) list.push(order);
      else keywordsWithPiece.set(piece, [order]);
    }
  });
  // Probe only lengths some contains keyword has, longest first (a long hit usually wins).
  const lengths = [...new Set([...contains.keys()].map((k) => k.length))].sort((a, b) => b - a);

  return {
    size: keywords.length,
    match(text) {
      const message = normalizeKeyword(text).slice(0, MAX_MATCHED_LENGTH);
      if (!message) return undefined;
      const hit = exact.get(message);
      if (hit) return { rule: hit.rule, match: 'exact' };
      let best: Ranked | undefined;
      for (const len of lengths) {
        for (let i = 0; i + len <= message.length; i++) {
          const found = contains.get(message.slice(i, i + len));
          if (found && (!best || better(found, best))) best = found;
        }
      }
      return best && { rule: best.rule, match: 'contains' };
    },
    guessOwner(text) {
      const shared = new Map<number, number>();
      for (const piece of bigrams(normalizeKeyword(text).slice(0, MAX_MATCHED_LENGTH))) {
        for (const order of keywordsWithPiece.get(piece) ?? []) shared.set(order, (shared.get(order) ?? 0) + 1);
      }
      let best: Guess | undefined;
      for (const [order, count] of shared) {
        const guess = { order, count, share: count / (pieceCounts[order] ?? 1), priority: keywords[order]!.priority };
        if (!best || compareGuesses(guess, best) > 0) best = guess;
      }
      return best && keywords[best.order]!.owner;
    },
  };
}

interface Guess {
  order: number;
  count: number;
  share: number;
  priority: number;
}

/** Positive when `a` matches the message better than `b`. */
const compareGuesses = (a: Guess, b: Guess) => a.count - b.count || a.share - b.share || a.priority - b.priority || b.order - a.order;

function bigrams(text: string): Set<string> {
  const pieces = new Set<string>();
  for (let i = 0; i + 2 <= text.length; i++) pieces.add(text.slice(i, i + 2));
  return pieces;
}
