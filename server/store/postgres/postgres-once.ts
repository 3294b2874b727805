// SharedOnce on PostgreSQL (migration 4's unlogged once_claims table), whichever process sends
// the claims. An expired claim is taken over by the next claimer; expired rows are deleted by a
// timer so the table stays the size of the live window.
//
// Every WeChat push claims its nonce and its dedup key here and settles its answer, so under
// load these are most of the statements a keyword reply sends. Claims and settles made while one
// of their kind is on its way to the server wait for it and then go together, as one statement
// (a group commit): at one push in flight nothing waits, at thirty-two the server parses, plans
// and commits once for many.
import type pg from 'pg';
import type { SharedOnce } from '../types.js';
import type { Sessions } from './sessions.js';

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Calls `run` with every item that arrived while the previous call was on its way (the first one
 * at once, alone). `run` answers one result per item, in order.
 */
export function createBatcher<I, O>(run: (items: I[]) => Promise<O[]>): (item: I) => Promise<O> {
  let queued: Array<Pending<I, O>> = [];
  let inFlight = false;
  const send = () => {
    const batch = queued;
    queued = [];
    inFlight = true;
    run(batch.map((p) => p.item))
      .then(
        (results) => batch.forEach((p, i) => p.resolve(results[i]!)),
        (err: unknown) => batch.forEach((p) => p.reject(err)),
      )
      .finally(() => {
        inFlight = false;
        if (queued.length) send();
      });
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      queued.push({ item, resolve, reject });
      if (!inFlight) send();
    });
}

interface Claim {
  key: string;
  ttlMs: number;
  outcome: string | null;
}

const ms = (ttlMs: number) => Math.max(1, Math.round(ttlMs));

export function createPostgresOnce(db: Sessions, pool: pg.Pool): SharedOnce & { sweep(): Promise<number> } {
  // Straight on the pool: a batch carries claims of many callers, whatever lock one of them holds.
  const claim = createBatcher<Claim, boolean>(async (claims) => {
    // One row per key (ON CONFLICT cannot touch a row twice in one statement): a key claimed
    // twice in one batch goes to its first claimer.
    const first = new Map<string, Claim>();
    for (const c of claims) if (!first.has(c.key)) first.set(c.key, c);
    const rows = [...first.values()];
    const { rows: won } = await pool.query<{ key: string }>({
      name: 'onestop-once-claim',
      text: `insert into once_claims (key, expires, outcome)
             select key, now() + ttl * interval '1 millisecond', outcome from unnest($1::text[], $2::int[], $3::text[]) as t(key, ttl, outcome)
             on conflict (key) do update set expires = excluded.expires, outcome = excluded.outcome where once_claims.expires <= now()
             returning key`,
      values: [rows.map((c) => c.key), rows.map((c) => ms(c.ttlMs)), rows.map((c) => c.outcome)],
    });
    const claimed = new Set(won.map((r) => r.key));
    return claims.map((c) => first.get(c.key) === c && claimed.has(c.key));
  });
  const settle = createBatcher<{ key: string; outcome: string }, void>(async (settles) => {
    const last = new Map(settles.map((s) => [s.key, s.outcome]));
    await pool.query({
      name: 'onestop-once-settle',
      text: 'update once_claims o set outcome = t.outcome from unnest($1::text[], $2::text[]) as t(key, outcome) where o.key = t.key',
      values: [[...last.keys()], [...last.values()]],
    });
    return settles.map(() => undefined);
  });
  return {
    claim: (key, ttlMs, outcome) => claim({ key, ttlMs, outcome: outcome ?? null }),
    settle: (key, outcome) => settle({ key, outcome }),
    async remember(key, outcome, ttlMs) {
      await db.query(
        `insert into once_claims (key, expires, outcome) values ($1, now() + $2 * interval '1 millisecond', $3)
         on conflict (key) do update set expires = excluded.expires, outcome = excluded.outcome`,
        [key, ms(ttlMs), outcome],
      );
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
