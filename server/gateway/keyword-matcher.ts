// Keyword matching with WeChat-console semantics (exact / contains, priority), at a cost that
// does not grow with the number of rules: exact rules are one Map lookup; contains rules are
// found by probing every substring of the message whose length is the length of some
// contains keyword. A city with 20,000 keywords answers as fast as one with 20.
import { normalizeKeyword } from '../builder/normalize.js';
import type { CompiledKeyword } from '../builder/types.js';

/** Longer messages are not keyword questions; capping bounds the probing cost. */
export const MAX_MATCHED_LENGTH = 100;

export interface KeywordMatch {
  rule: CompiledKeyword;
  match: 'exact' | 'contains';
}

export interface KeywordMatcher {
  match(text: string): KeywordMatch | undefined;
  /**
   * For unmatched text: the department whose keywords share the most two-character pieces
   * with the message (a guess for the human desk), or undefined.
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
  const bigramOwners = new Map<string, string>();
  keywords.forEach((rule, order) => {
    const key = rule.normalized || normalizeKeyword(rule.text);
    if (!key) return;
    const ranked = { rule: key === rule.normalized ? rule : { ...rule, normalized: key }, order };
    keep(rule.match === 'exact' ? exact : contains, key, ranked);
    for (let i = 0; i + 2 <= key.length; i++) {
      const piece = key.slice(i, i + 2);
      if (!bigramOwners.has(piece)) bigramOwners.set(piece, rule.owner);
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
      const message = normalizeKeyword(text).slice(0, MAX_MATCHED_LENGTH);
      const votes = new Map<string, number>();
      for (let i = 0; i + 2 <= message.length; i++) {
        const owner = bigramOwners.get(message.slice(i, i + 2));
        if (owner) votes.set(owner, (votes.get(owner) ?? 0) + 1);
      }
      let winner: string | undefined;
      let most = 0;
      for (const [owner, n] of votes) if (n > most) [winner, most] = [owner, n];
      return winner;
    },
  };
}
