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
 * nothing personal), the stored data stands; removed: the citizen unbound it meanwhile.
 */
export type BindingRefresh =
  | { outcome: 'current'; data: Record<string, unknown>; asked: boolean }
  | { outcome: 'gone'; asked: boolean }
  | { outcome: 'failed'; reason: string }
  | { outcome: 'removed' };

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
 * changed answer shape must not silently end the reminders). One process asks at a time per
 * binding; a second caller the same day gets what the first stored.
 */
export async function refreshForReminder(deps: BindingsDeps, input: { id: string; today: string; dates: readonly string[] }): Promise<BindingRefresh> {
  return deps.store.withLock(`binding-refresh:${input.id}`, async () => {
    const collection = bindingsOf(deps);
    const record = await collection.get(input.id);
    if (!record) return { outcome: 'removed' };
    if (record.refreshedOn === input.today) return record.goneOn ? { outcome: 'gone', asked: false } : { outcome: 'current', data: openContent(deps.vault, record).data, asked: false };
    const kind = kindOf(deps.live.current(), record.department, record.kind);
    if (!kind) return { outcome: 'failed', reason: '绑定类型已不在当前发布的版本中' };
    const { fields, data: before } = openContent(deps.vault, record);
    const answer = await askVerifyingSystem(deps.connectors, kind, fields);
    if (answer.kind === 'failed') return { outcome: 'failed', reason: answer.reason };
    if (answer.kind === 'not-found') {
      await collection.update(record.id, (r) => ({ ...r, refreshedOn: input.today, goneOn: r.goneOn ?? input.today }));
      return { outcome: 'gone', asked: true };
    }
    const missing = input.dates.filter((f) => !isDate(answer.data[f]));
    if (missing.length) return { outcome: 'failed', reason: `部门系统的答复中没有有效的日期（${missing.join('、')}）` };
    const at = (deps.now ? deps.now() : new Date()).toISOString();
    await reindexAround(deps, record, before, answer.data, () =>
      collection.update(record.id, (r): BindingRecord => {
        const { goneOn: _gone, ...rest } = r;
        return { ...rest, sealed: sealContent(deps.vault, r.id, { fields: openContent(deps.vault, r).fields, data: answer.data }), dataUpdatedAt: at, refreshedOn: input.today };
      }),
    );
    return { outcome: 'current', data: answer.data, asked: true };
  });
}
