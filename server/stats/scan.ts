// Reading a collection for counting. The store's list filter sees the stored documents
// themselves, and only documents it keeps are copied; the dashboard keeps references to what it
// needs instead, so a page over 100,000 applications copies none. Nothing here may change what it
// is given (the figures are pure functions over read-only documents).
import type { Collection, Doc } from '../store/index.js';

export async function scan<T extends Doc>(collection: Collection<T>, keep: (doc: T) => boolean): Promise<readonly T[]> {
  const kept: T[] = [];
  await collection.list((doc) => {
    if (keep(doc)) kept.push(doc);
    return false;
  });
  return kept;
}

/**
 * Whether an ISO instant falls on the city dates from..to, by comparing strings with the range's
 * UTC bounds (instants are stored as toISOString(), which sorts as it reads).
 */
export function instantsBetween(fromInstant: Date, toInstant: Date): (iso: string | undefined) => boolean {
  const lo = fromInstant.toISOString();
  const hi = toInstant.toISOString();
  return (iso) => !!iso && iso >= lo && iso < hi;
}
