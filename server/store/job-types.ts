// The job-queue contract (see job-queue.ts for what it is for and its implementations).

export type JobState = 'queued' | 'leased' | 'done' | 'failed';

export interface Job<P> {
  id: string;
  payload: P;
  /** ms epoch: not claimed before. */
  runAt: number;
  state: JobState;
  /** Claims so far (a claim after a crash counts too). */
  attempts: number;
  /** ms epoch the current lease ends (state leased). */
  leaseUntil?: number;
  /** Identifies the current lease: complete and release refuse a job whose lease moved on. */
  lease?: string;
  lastError?: string;
  createdAt: number;
  finishedAt?: number;
}

export interface NewJob<P> {
  id: string;
  payload: P;
  runAt: number;
}

export interface ClaimOptions {
  now: number;
  limit: number;
  leaseMs: number;
}

export interface JobQueue<P> {
  /** Adds the jobs whose ids are new; returns how many were added. */
  enqueue(jobs: NewJob<P>[], now?: number): Promise<number>;
  /** Leases up to `limit` jobs that are due (queued with runAt ≤ now, or leased past their lease), earliest first. */
  claim(options: ClaimOptions): Promise<Job<P>[]>;
  /** Ends a leased job; false when its lease was lost meanwhile (someone else holds the job now). */
  finish(job: Job<P>, state: 'done' | 'failed', now: number, error?: string): Promise<boolean>;
  /**
   * Gives a leased job back to run at runAt. `countAttempt: false` (a quiet-hours deferral, a rate
   * limit) takes back the attempt the claim counted.
   */
  release(job: Job<P>, runAt: number, options?: { error?: string; countAttempt?: boolean }): Promise<boolean>;
  get(id: string): Promise<Job<P> | undefined>;
  /** How many jobs are in each state. */
  counts(): Promise<Record<JobState, number>>;
}
