// Every `contains` keyword of a build as one Aho–Corasick automaton over UTF-16 code units, kept in
// a few typed arrays: no object per keyword or per trie node, so a city of 20,000 keywords adds a
// few megabytes of flat memory that the garbage collector never has to trace. One pass over the
// message finds the best keyword occurring anywhere in it; the number of keywords does not enter.

/** The rank the automaton reports when no keyword occurs in the text. */
export const NO_KEYWORD = -1;

export class ContainsAutomaton {
  /**
   * Transitions, open addressing: slot h is slots[4h..4h+3] = (state + 1, code unit, next state,
   * the next state's best rank), side by side so a step reads one cache line (a 20,000-keyword
   * table is megabytes, far past the caches, and each message finds it cold); state + 1 = 0 marks
   * an empty slot. A state's best rank: the lowest among the keywords that end its text, itself
   * or a suffix; NO_KEYWORD when none.
   */
  private readonly slots: Int32Array;
  private readonly mask: number;
  /** Per state: the longest proper suffix of its text that is also a state (0, the root, when none). */
  private readonly fail: Int32Array;
  readonly states: number;

  /**
   * keys[rank] is a keyword's normalised text, rank 0 the keyword that wins over every other;
   * keys are non-empty. A key given twice keeps its better rank.
   */
  constructor(keys: readonly string[]) {
    let bound = 1;
    for (const key of keys) bound += key.length;
    let capacity = 16;
    while (capacity < 2 * bound) capacity *= 2;
    this.slots = new Int32Array(4 * capacity);
    this.mask = capacity - 1;

    // The trie, with each node's parent, last code unit and depth for the breadth-first pass below.
    const parent = new Int32Array(bound);
    const unit = new Uint16Array(bound);
    const depth = new Int32Array(bound);
    const own = new Int32Array(bound).fill(NO_KEYWORD);
    let states = 1;
    let maxDepth = 0;
    keys.forEach((key, rank) => {
      let state = 0;
      for (let i = 0; i < key.length; i++) {
        const c = key.charCodeAt(i);
        let next = this.next(state, c);
        if (next < 0) {
          next = states++;
          this.insert(state, c, next);
          parent[next] = state;
          unit[next] = c;
          depth[next] = depth[state]! + 1;
          if (depth[next]! > maxDepth) maxDepth = depth[next]!;
        }
        state = next;
      }
      if (state !== 0 && (own[state] === NO_KEYWORD || rank < own[state]!)) own[state] = rank;
    });
    this.states = states;

    // Failure links and best outputs, shallow states first: a state's suffix is always shallower.
    const byDepth = new Int32Array(maxDepth + 2);
    for (let s = 1; s < states; s++) byDepth[depth[s]! + 1]!++;
    for (let d = 1; d < byDepth.length; d++) byDepth[d]! += byDepth[d - 1]!;
    const order = new Int32Array(states);
    for (let s = 1; s < states; s++) order[byDepth[depth[s]!]!++] = s;
    const fail = new Int32Array(states);
    const best = new Int32Array(states).fill(NO_KEYWORD);
    for (let i = 0; i < states - 1; i++) {
      const s = order[i]!;
      const p = parent[s]!;
      if (p !== 0) {
        const c = unit[s]!;
        let f = fail[p]!;
        let next = this.next(f, c);
        while (next < 0 && f !== 0) {
          f = fail[f]!;
          next = this.next(f, c);
        }
        fail[s] = next < 0 ? 0 : next;
      }
      const mine = own[s]!;
      const inherited = best[fail[s]!]!;
      best[s] = mine === NO_KEYWORD || (inherited !== NO_KEYWORD && inherited < mine) ? inherited : mine;
    }
    this.fail = fail;
    const { slots } = this;
    for (let h = 0; h < capacity; h++) if (slots[4 * h] !== 0) slots[4 * h + 3] = best[slots[4 * h + 2]!]!;
  }

  /** The best rank among the keys occurring in `text`, or NO_KEYWORD. */
  bestIn(text: string): number {
    const { fail, slots } = this;
    let state = 0;
    let found = NO_KEYWORD;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let h = this.find(state, c);
      while (h < 0 && state !== 0) {
        state = fail[state]!;
        h = this.find(state, c);
      }
      if (h < 0) {
        state = 0; // the root ends no keyword
        continue;
      }
      state = slots[4 * h + 2]!;
      const rank = slots[4 * h + 3]!;
      if (rank !== NO_KEYWORD && (found === NO_KEYWORD || rank < found)) {
        found = rank;
        if (found === 0) break;
      }
    }
    return found;
  }

  private slot(state: number, c: number): number {
    let h = Math.imul(state, 0x9e3779b1) ^ c;
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    return (h ^ (h >>> 12)) & this.mask;
  }

  /** The slot of the transition from state on c, or -1. */
  private find(state: number, c: number): number {
    const { slots, mask } = this;
    for (let h = this.slot(state, c); slots[4 * h] !== 0; h = (h + 1) & mask) {
      if (slots[4 * h] === state + 1 && slots[4 * h + 1] === c) return h;
    }
    return -1;
  }

  private next(state: number, c: number): number {
    const h = this.find(state, c);
    return h < 0 ? -1 : this.slots[4 * h + 2]!;
  }

  private insert(state: number, c: number, next: number) {
    const { slots, mask } = this;
    let h = this.slot(state, c);
    while (slots[4 * h] !== 0) h = (h + 1) & mask;
    slots[4 * h] = state + 1;
    slots[4 * h + 1] = c;
    slots[4 * h + 2] = next;
  }
}
