// Keyword matching with WeChat-console semantics (exact / contains, priority), at a cost that
// does not grow with the number of rules: exact rules are one Map lookup; contains rules are one
// pass of an Aho–Corasick automaton over the message (contains-automaton.ts), built once per
// build in flat typed arrays. A city with 20,000 keywords answers as fast as one with 20.
import { type CompiledKeyword, normalizeKeyword } from '../builder/index.js';
import { ContainsAutomaton, NO_KEYWORD } from './contains-automaton.js';

/** Longer messages are not keyword questions; capping bounds the matching cost. */
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
  return new IndexedKeywords(keywords);
}

/**
 * What a build's keywords become for matching. Only the rules themselves stay referenced (the
 * build holds them anyway) beside flat arrays: the ranking objects of the constructor are left
 * for the collector, so a large city's live heap, which every major GC walks, stays small.
 */
class IndexedKeywords implements KeywordMatcher {
  readonly size: number;
  private readonly exact = new Map<string, CompiledKeyword>();
  /** Contains rules by rank, the winner of any two first: the automaton answers with the best rank present. */
  private readonly contains: CompiledKeyword[];
  private readonly automaton: ContainsAutomaton;
  private readonly pieces: PieceIndex;
  private readonly keywords: CompiledKeyword[];
  private readonly priorities: Float64Array;

  constructor(keywords: CompiledKeyword[]) {
    this.size = keywords.length;
    const exactRules = new Map<string, Ranked>();
    const containsRules = new Map<string, Ranked>();
    this.pieces = new PieceIndex(keywords.length);
    keywords.forEach((rule, order) => {
      const key = rule.normalized || normalizeKeyword(rule.text);
      if (!key) return;
      const ranked = { rule: key === rule.normalized ? rule : { ...rule, normalized: key }, order };
      keep(rule.match === 'exact' ? exactRules : containsRules, key, ranked);
      this.pieces.add(order, key);
    });
    this.pieces.seal();
    for (const [key, { rule }] of exactRules) this.exact.set(key, rule);
    const ranked = [...containsRules].sort(([, a], [, b]) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
    this.contains = ranked.map(([, r]) => r.rule);
    this.automaton = new ContainsAutomaton(ranked.map(([key]) => key));
    this.keywords = keywords;
    this.priorities = Float64Array.from(keywords, (k) => k.priority);
  }

  match(text: string): KeywordMatch | undefined {
    const message = normalizeKeyword(text).slice(0, MAX_MATCHED_LENGTH);
    if (!message) return undefined;
    const exact = this.exact.get(message);
    if (exact) return { rule: exact, match: 'exact' };
    const rank = this.automaton.bestIn(message);
    return rank === NO_KEYWORD ? undefined : { rule: this.contains[rank]!, match: 'contains' };
  }

  guessOwner(text: string): string | undefined {
    const order = this.pieces.best(normalizeKeyword(text).slice(0, MAX_MATCHED_LENGTH), this.priorities);
    return order === undefined ? undefined : this.keywords[order]!.owner;
  }
}

/**
 * Two-character piece -> the keywords containing it, as one flat list per piece (offsets into a
 * single Int32Array), with a reusable counter per keyword: a common piece such as 查询 shared by
 * thousands of keywords costs a pass over integers, not a Map entry per keyword per message.
 */
class PieceIndex {
  private readonly ids = new Map<string, number>();
  private building: number[][] = [];
  private start = new Int32Array(1);
  private list = new Int32Array(0);
  /** Per keyword: how many distinct pieces it has (0 for keywords without any). */
  private readonly pieceCounts: Int32Array;
  /** Scratch for best(): shared pieces per keyword, reset after each call. */
  private readonly shared: Int32Array;

  constructor(keywords: number) {
    this.pieceCounts = new Int32Array(keywords);
    this.shared = new Int32Array(keywords);
  }

  add(order: number, key: string) {
    const seen = bigrams(key);
    this.pieceCounts[order] = seen.size;
    for (const piece of seen) {
      let id = this.ids.get(piece);
      if (id === undefined) {
        this.ids.set(piece, (id = this.building.length));
        this.building.push([]);
      }
      this.building[id]!.push(order);
    }
  }

  seal() {
    const start = new Int32Array(this.building.length + 1);
    this.building.forEach((orders, id) => (start[id + 1] = start[id]! + orders.length));
    const list = new Int32Array(start[this.building.length]!);
    this.building.forEach((orders, id) => list.set(orders, start[id]!));
    this.start = start;
    this.list = list;
    this.building = [];
  }

  /** The keyword sharing the most pieces with `message` (then share, priority, earlier order), or undefined. */
  best(message: string, priorities: Float64Array): number | undefined {
    const { start, list, shared, pieceCounts } = this;
    const touched: number[] = [];
    for (const piece of bigrams(message)) {
      const id = this.ids.get(piece);
      if (id === undefined) continue;
      for (let i = start[id]!; i < start[id + 1]!; i++) {
        const order = list[i]!;
        const count = shared[order]!;
        if (count === 0) touched.push(order);
        shared[order] = count + 1;
      }
    }
    let best: Guess | undefined;
    for (const order of touched) {
      const count = shared[order]!;
      shared[order] = 0;
      if (best && count < best.count) continue;
      const guess = { order, count, share: count / (pieceCounts[order] || 1), priority: priorities[order]! };
      if (!best || compareGuesses(guess, best) > 0) best = guess;
    }
    return best?.order;
  }
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
