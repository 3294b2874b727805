// The durable outbox: a notice is a record in 'notices' plus a job in the 'notices' queue with
// the same id. Both writes are idempotent (the id is the exactly-once key), so a caller that
// died between them simply calls again: the record is found, the job is added.
import { ConflictError } from '../errors.js';
import { type JobQueue, jobQueueOf, type NewJob, type Store } from '../store/index.js';
import { type NoticeRecord, noticesOf } from './notice-types.js';

export type NoticeJob = Record<string, never>;

export const noticeQueueOf = (store: Store): JobQueue<NoticeJob> => jobQueueOf<NoticeJob>(store, 'notices');

/** Stores the notice (unless its id exists) and queues its delivery; resolves the stored record and whether it is new. */
export async function enqueueNotice(store: Store, record: NoticeRecord, runAt: number): Promise<{ record: NoticeRecord; created: boolean }> {
  const notices = noticesOf(store);
  let stored: NoticeRecord;
  let created = true;
  try {
    stored = await notices.insert(record);
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    stored = (await notices.get(record.id))!;
    created = false;
  }
  await noticeQueueOf(store).enqueue([{ id: record.id, payload: {}, runAt }], Date.parse(record.createdAt));
  return { record: stored, created };
}

/** Writes in flight at once: enough for group commit, few enough that a big batch does not pile up in memory. */
const CHUNK = 250;

/** Many at once (the scheduler): records first, then their jobs, CHUNK at a time; returns how many records were new. */
export async function enqueueNotices(store: Store, items: Array<{ record: NoticeRecord; runAt: number }>, now: number): Promise<number> {
  const notices = noticesOf(store);
  let created = 0;
  for (let i = 0; i < items.length; i += CHUNK) {
    const chunk = items.slice(i, i + CHUNK);
    const results = await Promise.all(
      chunk.map(async ({ record }) => {
        if (await notices.get(record.id)) return 0;
        try {
          await notices.insert(record);
          return 1;
        } catch (err) {
          if (err instanceof ConflictError) return 0;
          throw err;
        }
      }),
    );
    const jobs: NewJob<NoticeJob>[] = chunk.map(({ record, runAt }) => ({ id: record.id, payload: {}, runAt }));
    await noticeQueueOf(store).enqueue(jobs, now);
    created += results.reduce<number>((a, b) => a + b, 0);
  }
  return created;
}
