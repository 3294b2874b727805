// The incremental job behind every rollup: read only the log records appended since the cursor
// (by log position where the store can, else by count), fold them into per-day documents, add
// those to the stored ones, move the cursor. Under one store lock, so two page views never fold
// the same records twice. A cursor of an older rollup version starts over from the raw log.
import { LogPositionError, type Collection, type Doc, type Store } from '../store/index.js';

interface Cursor extends Doc {
  version: number;
  /** Records of the log already folded in. */
  folded: number;
  /** The log's own position after them, where the store offers one. */
  position?: string;
}

export interface FoldJob<E, R extends Doc> {
  log: string;
  version: number;
  rollups: Collection<R>;
  fold: (into: Map<string, R>, record: E) => void;
  add: (stored: R, fresh: R) => R;
}

const cursorsOf = (store: Store) => store.collection<Cursor>('statsCursors');

export async function foldNewRecords<E, R extends Doc>(store: Store, job: FoldJob<E, R>): Promise<number> {
  return store.withLock(`stats-rollups:${job.log}`, async () => {
    const stored = await cursorsOf(store).get(job.log);
    const log = store.log<E>(job.log);
    // A cursor counted by records in a store that now reads by position (a store that gained
    // readAfter) starts over, as does an older rollup version.
    let restart = !stored || stored.version !== job.version || (log.readAfter !== undefined && stored.folded > 0 && stored.position === undefined);
    let cursor: Cursor = restart || !stored ? { id: job.log, version: job.version, folded: 0 } : stored;
    let fresh: E[];
    let position: string | undefined;
    if (log.readAfter) {
      try {
        ({ records: fresh, position } = await log.readAfter(cursor.position));
      } catch (err) {
        // A position another store gave (a cursor copied from the file store into PostgreSQL).
        if (!(err instanceof LogPositionError)) throw err;
        restart = true;
        cursor = { id: job.log, version: job.version, folded: 0 };
        ({ records: fresh, position } = await log.readAfter(undefined));
      }
    } else {
      await log.flush();
      fresh = (await log.read()).slice(cursor.folded);
    }
    if (fresh.length === 0 && !restart) return 0;
    const delta = new Map<string, R>();
    for (const record of fresh) job.fold(delta, record);
    if (restart) for (const old of await job.rollups.list()) await job.rollups.delete(old.id);
    for (const d of delta.values()) {
      const old = restart ? undefined : await job.rollups.get(d.id);
      await job.rollups.put(old ? job.add(old, d) : d);
    }
    await cursorsOf(store).put({ id: job.log, version: job.version, folded: cursor.folded + fresh.length, ...(position !== undefined ? { position } : {}) });
    return fresh.length;
  });
}
