// SharedOnce on PostgreSQL (migration 4's unlogged once_claims table), whichever process sends
// the claims. An expired claim is taken over by the next claimer; expired rows are deleted by a
// timer so the table stays the size of the live window.
//
// Every WeChat push claims its nonce and its dedup key here, settles its answer and, when the
// push changed the citizen's conversation, remembers it, so under load these are most of the
// statements a keyword reply sends. All three kinds of write go to the server together: those
// made while a statement is on its way wait for it and then go as one statement (a group commit
// of claims, settles and remembers alike): at one push in flight nothing waits, at thirty-two the
// server parses, plans and commits once for many, and a settle or remember rides along with the
// next claims instead of costing a statement of its own. With nothing on its way, a statement
// waits only for the rest of the current turn of the event loop (setImmediate), which gathers
// the pushes read in the same wake-up without adding a timer's delay. The rows travel as one JSON parameter
// per kind (serialised natively, where text[] parameters are escaped element by element in JS).
import type pg from 'pg';
import type { SharedOnce } from '../types.js';
import type { Sessions } from './sessions.js';

type Write =
  | { op: 'claim'; key: string; ttlMs: number; outcome: string | null }
  | { op: 'settle'; key: string; outcome: string }
  | { op: 'remember'; key: string; ttlMs: number; outcome: string };

const ms = (ttlMs: number) => Math.max(1, Math.round(ttlMs));

/**
 * One statement for claims, settles and remembers of distinct keys. Data-modifying CTEs run to
 * completion whether or not the outer query reads them; each kind touches only its own keys
 * (splitWrites sees to that), so no row is changed twice in the statement. Every kind is an
 * INSERT … ON CONFLICT, which finds its rows through the primary key whatever the plan: an UPDATE
 * joined to the JSON rows is planned for a hundred of them and, as a cached generic plan, turns
 * into a hash join over the whole table once it has grown (a settle took 2 ms at 1,600 rows and
 * 8 ms at 19,000). A settle of a key that is gone (swept) leaves a row expired from the start
 * ('-infinity'), which outcome() does not see, the next claimer takes over and the sweep deletes.
 */
export const WRITE_STATEMENT = `with settled as (
    insert into once_claims (key, expires, outcome)
    select k, '-infinity', v from json_to_recordset($2::json) as s(k text, v text)
    on conflict (key) do update set outcome = excluded.outcome
  ), remembered as (
    insert into once_claims (key, expires, outcome)
    select k, now() + t * interval '1 millisecond', v from json_to_recordset($3::json) as r(k text, t int, v text)
    on conflict (key) do update set expires = excluded.expires, outcome = excluded.outcome
  )
  insert into once_claims (key, expires, outcome)
  select k, now() + t * interval '1 millisecond', v from json_to_recordset($1::json) as c(k text, t int, v text)
  on conflict (key) do update set expires = excluded.expires, outcome = excluded.outcome where once_claims.expires <= now()
  returning key`;

/**
 * The writes one statement can carry, in arrival order: each key once. A second claim of a key
 * already claimed in the statement loses at once (its first claimer wins or loses it; either way
 * not this one), as ON CONFLICT cannot touch a row twice. Any other second write of a key waits
 * for the next statement, so writes of one key take effect in the order they were made.
 */
export function splitWrites<P extends { write: Pick<Write, 'op' | 'key'> }>(pending: readonly P[]): { now: P[]; lost: P[]; later: P[] } {
  const taken = new Map<string, Write['op']>();
  const out = { now: [] as P[], lost: [] as P[], later: [] as P[] };
  for (const p of pending) {
    const first = taken.get(p.write.key);
    if (first === undefined) {
      taken.set(p.write.key, p.write.op);
      out.now.push(p);
    } else if (p.write.op === 'claim' && first === 'claim') out.lost.push(p);
    else out.later.push(p);
  }
  return out;
}

interface Pending {
  write: Write;
  resolve: (claimed: boolean) => void;
  reject: (err: unknown) => void;
}

export function createPostgresOnce(db: Sessions, pool: pg.Pool): SharedOnce & { sweep(): Promise<number> } {
  let queued: Pending[] = [];
  /** A statement is on its way, or about to go at setImmediate. */
  let inFlight = false;
  // Straight on the pool: a statement carries writes of many callers, whatever lock one of them holds.
  const send = () => {
    const { now, lost, later } = splitWrites(queued);
    queued = later;
    for (const p of lost) p.resolve(false);
    inFlight = true;
    const rows = (op: Write['op']) =>
      JSON.stringify(now.flatMap(({ write: w }) => (w.op !== op ? [] : [{ k: w.key, t: w.op === 'settle' ? 0 : ms(w.ttlMs), v: w.outcome }])));
    pool
      .query<{ key: string }>({ name: 'onestop-once-write', text: WRITE_STATEMENT, values: [rows('claim'), rows('settle'), rows('remember')] })
      .then(
        ({ rows: won }) => {
          const claimed = new Set(won.map((r) => r.key));
          for (const p of now) p.resolve(p.write.op === 'claim' && claimed.has(p.write.key));
        },
        (err: unknown) => now.forEach((p) => p.reject(err)),
      )
      .finally(() => {
        inFlight = false;
        if (queued.length) send();
      });
  };
  const write = (w: Write) =>
    new Promise<boolean>((resolve, reject) => {
      queued.push({ write: w, resolve, reject });
      if (inFlight) return;
      // With nothing on its way, the statement leaves after the callbacks of this turn of the
      // event loop: the pushes read from the sockets in one wake-up go together, not one each.
      inFlight = true;
      setImmediate(send);
    });
  return {
    claim: (key, ttlMs, outcome) => write({ op: 'claim', key, ttlMs, outcome: outcome ?? null }),
    async settle(key, outcome) {
      await write({ op: 'settle', key, outcome });
    },
    async remember(key, outcome, ttlMs) {
      await write({ op: 'remember', key, ttlMs, outcome });
    },
    async outcome(key) {
      const { rows } = await db.query<{ outcome: string | null }>({
        name: 'onestop-once-outcome',
        text: 'select outcome from once_claims where key = $1 and expires > now()',
        values: [key],
      });
      return rows[0]?.outcome ?? undefined;
    },
    async sweep() {
      const { rowCount } = await db.query('delete from once_claims where expires <= now()');
      return rowCount ?? 0;
    },
  };
}
