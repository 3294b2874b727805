// Durable job queues (the notices outbox and scheduler). A job is leased by one worker at a time
// and ends done or failed; a worker that dies holding a lease (kill -9) loses it when the lease
// runs out, and the job is claimed again. Enqueueing an id that exists — in any state — does
// nothing, so a planner may run as often as it likes: the id is the exactly-once key.
//
// Two implementations: over a store collection (memory and lowdb, one process per data
// directory) below, and a table claimed with FOR UPDATE SKIP LOCKED on PostgreSQL
// (postgres/postgres-jobs.ts), shared by every process.
import { randomBytes } from 'node:crypto';
import { ConflictError } from '../errors.js';
import type { ClaimOptions, Job, JobQueue, JobState, NewJob } from './job-types.js';
import type { Collection, Doc, Store } from './types.js';

export type { ClaimOptions, Job, JobQueue, JobState, NewJob };

/** Queues are cached per store and name, so every caller shares one in-process index. */
const queues = new WeakMap<Store, Map<string, JobQueue<unknown>>>();

const QUEUE_NAME = /^[a-z][a-z0-9-]{0,47}$/;

/** The job queue `name` in this store: the store's own when it has one (PostgreSQL), else one over a collection. */
export function jobQueueOf<P>(store: Store, name: string): JobQueue<P> {
  if (!QUEUE_NAME.test(name)) throw new Error(`队列名称不合法: ${name}`);
  let byName = queues.get(store);
  if (!byName) queues.set(store, (byName = new Map()));
  let queue = byName.get(name);
  if (!queue) byName.set(name, (queue = store.jobs ? store.jobs<unknown>(name) : new CollectionJobQueue<unknown>(store.collection<Job<unknown> & Doc>(`jobs-${name}`, { onDisk: true }))));
  return queue as JobQueue<P>;
}

export const newLease = () => randomBytes(9).toString('base64url');

interface IndexEntry {
  state: JobState;
  runAt: number;
  leaseUntil: number;
}

/**
 * A queue over one collection, for stores that serve one process (memory, lowdb). Every change
 * is a collection write, so it is as durable as the store; an in-memory index of states keeps
 * claims from reading every document. The process that opens the queue owns the data directory,
 * so leases left by a dead process are free at once.
 */
export class CollectionJobQueue<P> implements JobQueue<P> {
  private index: Map<string, IndexEntry> | undefined;
  private loading: Promise<Map<string, IndexEntry>> | undefined;
  /** Claims run one at a time, so two claimers never take the same job. */
  private claiming: Promise<unknown> = Promise.resolve();

  constructor(private readonly docs: Collection<Job<P> & Doc>) {}

  private async loaded(): Promise<Map<string, IndexEntry>> {
    if (this.index) return this.index;
    const index = new Map<string, IndexEntry>();
    // The filter sees every job without copying it (a restart after 20,000 reminders) and keeps none.
    // Leases of an earlier process are void: this process owns the data directory now.
    this.loading ??= this.docs
      .list((j) => (index.set(j.id, { state: j.state, runAt: j.runAt, leaseUntil: j.state === 'leased' ? 0 : (j.leaseUntil ?? 0) }), false))
      .then(() => (this.index = index));
    return this.loading;
  }

  private track(job: Job<P>, leaseUntil = job.leaseUntil ?? 0) {
    this.index?.set(job.id, { state: job.state, runAt: job.runAt, leaseUntil });
  }

  async enqueue(jobs: NewJob<P>[], now = Date.now()): Promise<number> {
    const index = await this.loaded();
    const seen = new Set<string>();
    const fresh = jobs.filter((j) => !index.has(j.id) && !seen.has(j.id) && seen.add(j.id));
    const results = await Promise.all(
      fresh.map(async (j) => {
        const job: Job<P> & Doc = { id: j.id, payload: j.payload, runAt: j.runAt, state: 'queued', attempts: 0, createdAt: now };
        if (index.has(j.id)) return 0;
        index.set(j.id, { state: 'queued', runAt: j.runAt, leaseUntil: 0 });
        try {
          await this.docs.insert(job);
          return 1;
        } catch (err) {
          if ((await this.docs.get(j.id)) === undefined) index.delete(j.id);
          if (err instanceof ConflictError) return 0;
          throw err;
        }
      }),
    );
    return results.reduce<number>((a, b) => a + b, 0);
  }

  claim(options: ClaimOptions): Promise<Job<P>[]> {
    const run = this.claiming.then(() => this.claimNow(options));
    this.claiming = run.catch(() => undefined);
    return run;
  }

  private async claimNow({ now, limit, leaseMs }: ClaimOptions): Promise<Job<P>[]> {
    const index = await this.loaded();
    const due: Array<[string, number]> = [];
    for (const [id, e] of index) {
      if ((e.state === 'queued' && e.runAt <= now) || (e.state === 'leased' && e.leaseUntil <= now)) due.push([id, e.runAt]);
    }
    due.sort((a, b) => a[1] - b[1]);
    const claimed: Job<P>[] = [];
    for (const [id] of due.slice(0, limit)) {
      const lease = newLease();
      const job = await this.docs.update(id, (j) => ({ ...j, state: 'leased', attempts: j.attempts + 1, lease, leaseUntil: now + leaseMs }));
      this.track(job);
      claimed.push(job);
    }
    return claimed;
  }

  private async ifLeased(job: Job<P>, change: (current: Job<P> & Doc) => Job<P> & Doc): Promise<boolean> {
    let held = false;
    const next = await this.docs.update(job.id, (current) => {
      if (current.state !== 'leased' || current.lease !== job.lease) return current;
      held = true;
      return change(current);
    });
    if (held) this.track(next);
    return held;
  }

  finish(job: Job<P>, state: 'done' | 'failed', now: number, error?: string) {
    return this.ifLeased(job, ({ lease: _l, leaseUntil: _u, ...j }) => ({ ...j, state, finishedAt: now, ...(error ? { lastError: error } : {}) }));
  }

  release(job: Job<P>, runAt: number, options: { error?: string; countAttempt?: boolean } = {}) {
    return this.ifLeased(job, ({ lease: _l, leaseUntil: _u, ...j }) => ({
      ...j,
      state: 'queued',
      runAt,
      attempts: options.countAttempt === false ? Math.max(0, j.attempts - 1) : j.attempts,
      ...(options.error ? { lastError: options.error } : {}),
    }));
  }

  get(id: string) {
    return this.docs.get(id);
  }

  async counts(): Promise<Record<JobState, number>> {
    const out: Record<JobState, number> = { queued: 0, leased: 0, done: 0, failed: 0 };
    for (const e of (await this.loaded()).values()) out[e.state]++;
    return out;
  }
}
