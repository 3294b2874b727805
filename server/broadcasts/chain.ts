// The review chain, computed from an issue's approvals: pure, no store. An approval counts until
// an edit or a rejection voids it; a step is done when enough different people approved it, and
// a step can be approved only once every step before it is done.
import type { Actor, Approval, BroadcastAccount, BroadcastIssue, ChainStep } from './broadcast-types.js';

export interface StepProgress {
  step: ChainStep;
  index: number;
  approvals: Approval[];
  done: boolean;
  current: boolean;
  preview: boolean;
}

export interface ChainProgress {
  steps: StepProgress[];
  /** The first step not done; undefined once the chain is complete. */
  current?: StepProgress;
  complete: boolean;
}

export const liveApprovals = (issue: BroadcastIssue) => issue.approvals.filter((a) => !a.invalidatedAt);

export function chainProgress(issue: BroadcastIssue, chain: ChainStep[]): ChainProgress {
  const live = liveApprovals(issue);
  let blocked = false;
  const steps = chain.map((step, index) => {
    const approvals = live.filter((a) => a.step === step.id);
    const done = !blocked && approvals.length >= step.approvals;
    const current = !blocked && !done;
    if (!done) blocked = true;
    return { step, index, approvals, done, current, preview: !!step.previewers };
  });
  const current = steps.find((s) => s.current);
  return { steps, current, complete: current === undefined };
}

/** Whether this person may act on this step: named, a previewer, or of the step's role and department. */
export function canActOn(step: ChainStep, actor: Actor): boolean {
  if (step.users?.includes(actor.username)) return true;
  if (step.previewers?.some((p) => p.user === actor.username)) return true;
  if (step.role && actor.role === step.role) return !step.department || actor.departments.includes(step.department);
  return false;
}

/** Chain members and the platform team: they create issues, set the time, schedule and send. */
export function isEditor(account: BroadcastAccount, actor: Actor): boolean {
  return actor.role === 'platform' || account.config.chain.some((s) => canActOn(s, actor));
}

/** The columns this person writes: their departments' columns (all of them for editors). */
export function canWriteColumn(account: BroadcastAccount, column: string, actor: Actor): boolean {
  if (isEditor(account, actor)) return true;
  const col = account.config.columns.find((c) => c.id === column);
  return !!col && actor.role !== 'platform' && actor.departments.includes(col.department);
}

/**
 * The step an edit by this person restarts the chain from: the first step they act on (their own
 * review covers their edit, and the steps before them reviewed what they received), or the first
 * step for anyone outside the chain.
 */
export function restartStepFor(chain: ChainStep[], actor: Actor): number {
  const own = chain.findIndex((s) => canActOn(s, actor));
  return own < 0 ? 0 : own;
}

/** Approvals an edit by `actor` voids: every live approval at or after the restart step. */
export function approvalsVoidedBy(issue: BroadcastIssue, chain: ChainStep[], actor: Actor): Approval[] {
  const from = restartStepFor(chain, actor);
  const voided = new Set(chain.slice(from).map((s) => s.id));
  return liveApprovals(issue).filter((a) => voided.has(a.step));
}
