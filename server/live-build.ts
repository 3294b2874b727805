// The build citizens currently see. Publishing swaps it in one assignment, so a request that
// already read the old build finishes with it and the next request gets the new one.
import type { AccountBuild } from './builder/index.js';

export interface LiveBuild {
  current(): AccountBuild;
  swap(next: AccountBuild): void;
  /** Called after each swap (e.g. the gateway re-indexes keywords). */
  onSwap(listener: (build: AccountBuild) => void): void;
}

export function createLiveBuild(initial: AccountBuild): LiveBuild {
  let build = initial;
  const listeners: Array<(b: AccountBuild) => void> = [];
  return {
    current: () => build,
    swap(next) {
      build = next;
      for (const l of listeners) l(next);
    },
    onSwap(listener) {
      listeners.push(listener);
    },
  };
}
