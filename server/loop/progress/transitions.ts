// Which stage may follow which. The table is over the whole national vocabulary; a service only
// reaches the stages it declares (submitted and completed are always there).
//
//   from          → to
//   submitted     → accepted | not-accepted | supplement
//   supplement    → submitted (the citizen re-submits) | accepted | in-progress (only if accepted before)
//                   | not-accepted | denied (only if accepted before)
//   accepted      → in-progress | suspended | supplement | completed | denied
//   in-progress   → completed | denied | suspended | supplement
//   suspended     → in-progress | accepted | denied
//   not-accepted, completed, denied: final
//   terminated    final; no move leads there: the loop closes the other parts of a group that
//                 stops on refusal (terminate-group.ts)
import { ConflictError } from '../../errors.js';
import { STAGE_LABELS, type DeclaredStage, type Stage } from '../applications/application-types.js';

export const TRANSITIONS: Readonly<Record<Stage, readonly Stage[]>> = {
  submitted: ['accepted', 'not-accepted', 'supplement'],
  supplement: ['submitted', 'accepted', 'in-progress', 'not-accepted', 'denied'],
  accepted: ['in-progress', 'suspended', 'supplement', 'completed', 'denied'],
  'in-progress': ['completed', 'denied', 'suspended', 'supplement'],
  suspended: ['in-progress', 'accepted', 'denied'],
  'not-accepted': [],
  completed: [],
  denied: [],
  terminated: [],
};

export { FINAL_STAGES, REFUSED_STAGES } from '../applications/application-types.js';
/** The promised-time clock stops in these (补齐补正 and 挂起). */
export const CLOCK_STOPPED: readonly Stage[] = ['supplement', 'suspended'];
/** Moves that must tell the citizen why (一次性告知). */
export const NOTE_REQUIRED: readonly Stage[] = ['supplement', 'suspended', 'not-accepted', 'denied'];
/** Stages reachable only after the first acceptance. */
const AFTER_ACCEPTANCE: readonly Stage[] = ['in-progress', 'denied'];

export function declaredStages(stages: readonly DeclaredStage[] | undefined): Stage[] {
  return [...new Set<Stage>(['submitted', ...(stages ?? []), 'completed'])];
}

/** Stages the application may move to next, given the service's declared stages. */
export function nextStages(from: Stage, stages: readonly DeclaredStage[] | undefined, accepted: boolean): Stage[] {
  const declared = declaredStages(stages);
  return TRANSITIONS[from].filter(
    (to) => declared.includes(to) && !(from === 'supplement' && AFTER_ACCEPTANCE.includes(to) && !accepted),
  );
}

export function assertTransition(from: Stage, to: Stage, stages: readonly DeclaredStage[] | undefined, accepted: boolean): void {
  if (!(to in TRANSITIONS)) throw new ConflictError(`未知的办理状态：${to}`, { from, to });
  if (!nextStages(from, stages, accepted).includes(to)) {
    throw new ConflictError(`办件当前为“${STAGE_LABELS[from]}”，不能变更为“${STAGE_LABELS[to]}”`, {
      from,
      to,
      allowed: nextStages(from, stages, accepted),
    });
  }
}
