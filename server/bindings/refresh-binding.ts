// Refreshing a binding's data for a reminder (docs/bindings.md, "Reminders that refresh their
// date"): before the scheduler plans a reminder that follows a binding's date with follows.refresh,
// it asks the kind's verifying system again — the same connector, signing, timeouts and circuit
// breaker as verification and queries — at most once per city day per binding, and keeps what it
// answers (resealed, the reminder-day index moved with it). A system that no longer knows the
// binding marks it (goneOn); one that cannot be reached changes nothing, and the caller decides.
import { kindOf, type BindingRecord, type BindingsDeps } from './binding-types.js';
import { reindexAround } from './binding-due-index.js';
import { bindingsOf } from './manage-bindings.js';
import { openContent, sealContent } from './open-binding.js';
import { askVerifyingSystem } from './verify-binding.js';

/**
 * current: the data to follow (asked: the system answered now, not earlier today);
 * gone: the system no longer knows the binding; failed: it could not be asked (reason in Chinese,
 * nothing personal), the stored data stands; busy: another process is asking right now (ask again
 * on a later pass); removed: the citizen unbound it meanwhile.
 */
export type BindingRefresh =
  | { outcome: 'current'; data: Record<string, unknown>; asked: boolean }
  | { outcome: 'gone'; asked: boolean }
  | { outcome: 'failed'; reason: string }
  | { outcome: 'busy' }
  | { outcome: 'removed' };

/** How long an ask holds its claim on a binding: longer than any connector call, short enough to retry after a crash. */
export const REFRESH_CLAIM_MS = 60_000;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** YYYY-MM-DD naming a real day (not 2027-02-30). */
const isDate = (v: unknown): boolean => {
  if (typeof v !== 'string' || !DATE.test(v)) return false;
  const t = Date.parse(`${v}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === v;
};

/**
 * The binding's current data for a reminder due on city day `today`. `dates` are the data fields
 * reminders follow: an answer without a valid date in one of them is treated as a failure (a
 * changed answer shape must not silently end the reminders). The ask is claimed on the binding
 * under a short lock (refreshClaim), then made with no lock held — a PostgreSQL advisory lock would
 * pin a pooled connection for the whole call — and its answer stored under the lock again; a second
 * caller that day gets what the first stored, one that comes while the first is asking gets busy.
 */
export async function refreshForReminder(deps: BindingsDeps, input: { id: string; today: string; dates: readonly string[] }): Promise<BindingRefresh> {
  const collection = bindingsOf(deps);
  const lock = `binding-refresh:${input.id}`;
  const now = () => (deps.now ? deps.now() : new Date()).getTime();
  const claimed = await deps.store.withLock(lock, async (): Promise<BindingRefresh | BindingRecord> => {
    const record = await collection.get(input.id);
    if (!record) return { outcome: 'removed' };
    const claim = record.refreshClaim;
    if (claim !== undefined && now() - claim < REFRESH_CLAIM_MS && now() >= claim) return { outcome: 'busy' };
    if (record.refreshedOn === input.today && claim === undefined) return record.goneOn ? { outcome: 'gone', asked: false } : { outcome: 'current', data: openContent(deps.vault, record).data, asked: false };
    return collection.update(record.id, (r) => ({ ...r, refreshClaim: now() }));
  });
  if ('outcome' in claimed) return claimed;
  const kind = kindOf(deps.live.current(), claimed.department, claimed.kind);
  if (!kind) return { outcome: 'failed', reason: '绑定类型已不在当前发布的版本中' };
  const { fields } = openContent(deps.vault, claimed);
  const answer = await askVerifyingSystem(deps.connectors, kind, fields);
  // A failed ask leaves its claim to lapse: nothing else is written (20,000 failures are no 20,000 writes more).
  if (answer.kind === 'failed') return { outcome: 'failed', reason: answer.reason };
  const missing = answer.kind === 'found' ? input.dates.filter((f) => !isDate(answer.data[f])) : [];
  if (missing.length) return { outcome: 'failed', reason: `部门系统的答复中没有有效的日期（${missing.join('、')}）` };
  return deps.store.withLock(lock, async (): Promise<BindingRefresh> => {
    const record = await collection.get(input.id);
    if (!record) return { outcome: 'removed' };
    if (answer.kind === 'not-found') {
      await collection.update(record.id, (r) => ({ ...withoutClaim(r), refreshedOn: input.today, goneOn: r.goneOn ?? input.today }));
      return { outcome: 'gone', asked: true };
    }
    const before = openContent(deps.vault, record).data;
    const at = new Date(now()).toISOString();
    await reindexAround(deps, record, before, answer.data, () =>
      collection.update(record.id, (r): BindingRecord => {
        const { goneOn: _gone, ...kept } = withoutClaim(r);
        return { ...kept, sealed: sealContent(deps.vault, r.id, { fields: openContent(deps.vault, r).fields, data: answer.data }), dataUpdatedAt: at, refreshedOn: input.today };
      }),
    );
    return { outcome: 'current', data: answer.data, asked: true };
  });
}

function withoutClaim(r: BindingRecord): BindingRecord {
  const { refreshClaim: _claim, ...rest } = r;
  return rest;
}
