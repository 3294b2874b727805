// Reminders whose date is refreshed through the binding's department system (follows.refresh):
// before an occurrence is planned, the planner asks the bindings room for the binding's current
// data — at most once per city day per binding, a bounded number per pass, a few at a time — and
// plans on the date the system answers. A binding the system no longer knows gets no reminder;
// when the system cannot be asked, the stored date is followed and the notice says why (a stale
// date is better than no reminder: the citizen can still check it on the linked page).
import type { BuiltReminder } from '../builder/index.js';
import type { BindingPage, NoticesDeps } from './notice-types.js';

export interface RefreshTally {
  /** Bindings whose system answered in this pass. */
  refreshed: number;
  /** Of those, how many answered another date than the stored one. */
  moved: number;
  /** Bindings the system no longer knows (no reminder). */
  gone: number;
  /** Bindings whose system could not be asked (reminded on the stored date). */
  failed: number;
  /** Due bindings left for a later pass (this pass's refreshPerPass was used up). */
  deferred: number;
}

/** What the notice's history and the delivery log say of a reminder whose date could not be refreshed. */
export const refreshFailureNote = (reason: string) => `到期日未能经部门系统刷新（${reason}），按已登记的日期发送`;

export const emptyTally = (): RefreshTally => ({ refreshed: 0, moved: 0, gone: 0, failed: 0, deferred: 0 });

type Binding = BindingPage[number];
export type FollowBinding = (b: Binding, data: Record<string, unknown>, refreshFailure?: string) => void;

/** The data fields the build's refreshed reminders follow on this kind: the answer must carry a date in each. */
export function refreshedDates(reminders: readonly BuiltReminder[], department: string, kind: string): string[] {
  const out = new Set<string>();
  for (const r of reminders) if (r.department === department && 'binding' in r.follows && r.follows.binding === kind && r.follows.refresh) out.add(r.follows.field);
  return [...out].sort();
}

/**
 * Refreshes each candidate (their occurrences are due and not planned yet) and hands `follow`
 * the data to plan on. `budget.left` counts down across the pass; candidates past it are left for
 * the next pass (counted as deferred, not planned, so they are refreshed before they go).
 */
export async function refreshAndFollow(
  deps: NoticesDeps,
  input: { candidates: Binding[]; today: string; dates: readonly string[]; concurrency: number; budget: { left: number }; tally: RefreshTally },
  follow: FollowBinding,
): Promise<void> {
  const { candidates, tally, budget } = input;
  let next = 0;
  const lane = async () => {
    while (next < candidates.length) {
      const b = candidates[next++]!;
      if (budget.left <= 0) {
        tally.deferred++;
        continue;
      }
      budget.left--;
      if (!deps.refreshBinding || !b.id) {
        tally.failed++;
        follow(b, b.data, '未接入绑定刷新');
        continue;
      }
      const answer = await deps.refreshBinding({ id: b.id, today: input.today, dates: input.dates });
      // Asked earlier today (another reminder, another process), or being asked: no call was made, nothing spent.
      if (answer.outcome === 'removed' || answer.outcome === 'busy' || ((answer.outcome === 'current' || answer.outcome === 'gone') && !answer.asked)) budget.left++;
      if (answer.outcome === 'removed') continue;
      if (answer.outcome === 'busy') {
        tally.deferred++;
        continue;
      }
      if (answer.outcome === 'gone') {
        tally.gone++;
        continue;
      }
      if (answer.outcome === 'failed') {
        tally.failed++;
        follow(b, b.data, answer.reason);
        continue;
      }
      if (answer.asked) tally.refreshed++;
      if (input.dates.some((f) => answer.data[f] !== b.data[f])) tally.moved++;
      follow(b, answer.data);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(input.concurrency, candidates.length)) }, lane));
}
