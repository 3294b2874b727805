// SharedOnce on PostgreSQL (migration 4's unlogged once_claims table): one statement per claim,
// whichever process sends it. An expired claim is taken over by the next claimer; expired rows
// are deleted by a timer so the table stays the size of the live window.
import type { SharedOnce } from '../types.js';
import type { Sessions } from './sessions.js';

export function createPostgresOnce(db: Sessions): SharedOnce & { sweep(): Promise<number> } {
  return {
    async claim(key, ttlMs, outcome) {
      const { rowCount } = await db.query(
        `insert into once_claims (key, expires, outcome) values ($1, now() + $2 * interval '1 millisecond', $3)
         on conflict (key) do update set expires = excluded.expires, outcome = excluded.outcome where once_claims.expires <= now()`,
        [key, Math.max(1, Math.round(ttlMs)), outcome ?? null],
      );
      return (rowCount ?? 0) > 0;
    },
    async remember(key, outcome, ttlMs) {
      await db.query(
        `insert into once_claims (key, expires, outcome) values ($1, now() + $2 * interval '1 millisecond', $3)
         on conflict (key) do update set expires = excluded.expires, outcome = excluded.outcome`,
        [key, Math.max(1, Math.round(ttlMs)), outcome],
      );
    },
    async settle(key, outcome) {
      await db.query('update once_claims set outcome = $2 where key = $1', [key, outcome]);
    },
    async outcome(key) {
      const { rows } = await db.query<{ outcome: string | null }>('select outcome from once_claims where key = $1 and expires > now()', [key]);
      return rows[0]?.outcome ?? undefined;
    },
    async sweep() {
      const { rowCount } = await db.query('delete from once_claims where expires <= now()');
      return rowCount ?? 0;
    },
  };
}
