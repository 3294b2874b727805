// A table query without a result page answers the same inputs the same way all day: the whole
// answer (or the ask / invalid reply) is kept per build and city day, so the hot path of "限行 3"
// is one Map read. Only table queries use it: a connector's answer is personal and is never kept.
import type { QueryResult } from './query-types.js';

export type KeptPartial = Omit<QueryResult, 'service' | 'source' | 'latencyMs'>;

/** before: an ask / invalid reply (given before the citizen's limit is taken); answer: the table's answer. */
export type Kept = { before: KeptPartial } | { answer: KeptPartial };

export interface KeptAnswers {
  get(key: string): Kept | undefined;
  set(key: string, kept: Kept): void;
  readonly size: number;
}

/** Inputs longer than this (API callers can send anything) are answered without being kept. */
const MAX_KEY_LENGTH = 512;

/** The key of `inputs` asked on city day `today`, or undefined when they are not worth keeping. */
export function keptKey(today: string, inputs: Record<string, unknown>): string | undefined {
  let json: string;
  try {
    json = JSON.stringify(inputs);
  } catch {
    return undefined;
  }
  return json.length > MAX_KEY_LENGTH ? undefined : `${today}${json}`;
}

/** Bounded: past `max` entries everything is dropped (a new day's keys push the old ones out). */
export function createKeptAnswers(max = 2000): KeptAnswers {
  const kept = new Map<string, Kept>();
  return {
    get: (key) => kept.get(key),
    set(key, value) {
      if (kept.size >= max) kept.clear();
      kept.set(key, frozen(value));
    },
    get size() {
      return kept.size;
    },
  };
}

/** Kept answers are shared by every caller that gets them: nobody may change one (the rows are the build's own). */
function frozen(kept: Kept): Kept {
  const partial = 'before' in kept ? kept.before : kept.answer;
  if (partial.data) Object.freeze(partial.data);
  if (partial.errors) Object.freeze(partial.errors);
  Object.freeze(partial);
  return Object.freeze(kept);
}
