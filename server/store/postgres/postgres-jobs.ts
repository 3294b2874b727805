// A job queue as rows of the jobs table (migration 10). Claims take due rows with
// FOR UPDATE SKIP LOCKED in one statement, so any number of processes claim concurrently without
// waiting on each other and without two of them leasing the same job; a lease is a token plus
// an end time, so a process killed mid-job loses the job once its lease runs out.
import type { ClaimOptions, Job, JobQueue, JobState, NewJob } from '../job-types.js';
import { newLease } from '../job-queue.js';
import type { Sessions } from './sessions.js';

interface JobRow {
  id: string;
  payload: unknown;
  run_at: string;
  state: JobState;
  attempts: number;
  lease: string | null;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

/** Rows per INSERT when enqueueing many jobs: one statement each, far below the parameter limit (one JSON parameter). */
const ENQUEUE_CHUNK = 5000;

function toJob<P>(r: JobRow): Job<P> {
  return {
    id: r.id,
    payload: r.payload as P,
    runAt: Number(r.run_at),
    state: r.state,
    attempts: r.attempts,
    ...(r.lease ? { lease: r.lease } : {}),
    ...(r.lease_until ? { leaseUntil: Number(r.lease_until) } : {}),
    ...(r.last_error ? { lastError: r.last_error } : {}),
    createdAt: Number(r.created_at),
    ...(r.finished_at ? { finishedAt: Number(r.finished_at) } : {}),
  };
}

export class PostgresJobQueue<P> implements JobQueue<P> {
  constructor(
    private readonly db: Sessions,
    private readonly queue: string,
  ) {}

  async enqueue(jobs: NewJob<P>[], now = Date.now()): Promise<number> {
    let added = 0;
    for (let i = 0; i < jobs.length; i += ENQUEUE_CHUNK) {
      const chunk = jobs.slice(i, i + ENQUEUE_CHUNK).map((j) => ({ id: j.id, payload: j.payload, run_at: Math.round(j.runAt) }));
      const { rowCount } = await this.db.query(
        `insert into jobs (queue, id, payload, run_at, created_at)
         select $1, x.id, x.payload, x.run_at, $2 from jsonb_to_recordset($3::jsonb) as x(id text, payload jsonb, run_at bigint)
         on conflict do nothing`,
        [this.queue, now, JSON.stringify(chunk)],
      );
      added += rowCount ?? 0;
    }
    return added;
  }

  async claim({ now, limit, leaseMs }: ClaimOptions): Promise<Job<P>[]> {
    const { rows } = await this.db.query<JobRow>(
      `with due as (
         select id from jobs
         where queue = $1 and state in ('queued', 'leased')
           and ((state = 'queued' and run_at <= $2) or (state = 'leased' and lease_until <= $2))
         order by run_at
         limit $3
         for update skip locked
       )
       update jobs j set state = 'leased', attempts = j.attempts + 1, lease = $4, lease_until = $5
       from due where j.queue = $1 and j.id = due.id
       returning j.*`,
      [this.queue, now, limit, newLease(), now + leaseMs],
    );
    return rows.map((r) => toJob<P>(r)).sort((a, b) => a.runAt - b.runAt);
  }

  async finish(job: Job<P>, state: 'done' | 'failed', now: number, error?: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `update jobs set state = $3, finished_at = $4, last_error = coalesce($5, last_error), lease = null, lease_until = null
       where queue = $1 and id = $2 and state = 'leased' and lease = $6`,
      [this.queue, job.id, state, now, error ?? null, job.lease ?? ''],
    );
    return (rowCount ?? 0) > 0;
  }

  async release(job: Job<P>, runAt: number, options: { error?: string; countAttempt?: boolean } = {}): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `update jobs set state = 'queued', run_at = $3, last_error = coalesce($4, last_error), lease = null, lease_until = null,
         attempts = case when $5 then attempts else greatest(attempts - 1, 0) end
       where queue = $1 and id = $2 and state = 'leased' and lease = $6`,
      [this.queue, job.id, Math.round(runAt), options.error ?? null, options.countAttempt !== false, job.lease ?? ''],
    );
    return (rowCount ?? 0) > 0;
  }

  async get(id: string): Promise<Job<P> | undefined> {
    const { rows } = await this.db.query<JobRow>('select * from jobs where queue = $1 and id = $2', [this.queue, id]);
    return rows[0] && toJob<P>(rows[0]);
  }

  async counts(): Promise<Record<JobState, number>> {
    const { rows } = await this.db.query<{ state: JobState; n: string }>('select state, count(*) as n from jobs where queue = $1 group by state', [this.queue]);
    const out: Record<JobState, number> = { queued: 0, leased: 0, done: 0, failed: 0 };
    for (const r of rows) out[r.state] = Number(r.n);
    return out;
  }
}
