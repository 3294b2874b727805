// The matter's state is never stored: it follows from its parts' stages, each moved by its own
// department. A part asking for documents (补齐补正) shows first; a refused part either ends the
// matter (onRefusal: stop: the loop then terminates the other open parts, 终止办理) or lets the
// others go on (continue) and is shown with its reason.
import { FINAL_STAGES, REFUSED_STAGES, type Stage } from '../loop/index.js';

export type MatterState = 'submitted' | 'in-progress' | 'supplement' | 'completed' | 'partly-completed' | 'refused' | 'stopped';

export const MATTER_STATE_LABELS: Record<MatterState, string> = {
  submitted: '已提交',
  'in-progress': '办理中',
  supplement: '待补正材料',
  completed: '已全部办结',
  'partly-completed': '部分办结',
  refused: '未获办理',
  stopped: '已终止',
};

export const isRefused = (stage: Stage) => REFUSED_STAGES.includes(stage);
export const isFinal = (stage: Stage) => FINAL_STAGES.includes(stage);

export function deriveMatterState(stages: readonly Stage[], onRefusal: 'continue' | 'stop'): MatterState {
  const refused = stages.some(isRefused);
  // A terminated part exists only because the matter stopped (even if its rule changed since).
  if ((refused && onRefusal === 'stop') || stages.includes('terminated')) return 'stopped';
  if (stages.every(isFinal)) {
    const completed = stages.filter((s) => s === 'completed').length;
    if (completed === stages.length) return 'completed';
    return completed === 0 ? 'refused' : 'partly-completed';
  }
  if (stages.includes('supplement')) return 'supplement';
  if (stages.every((s) => s === 'submitted')) return 'submitted';
  return 'in-progress';
}

/** The matter is over (rating opens) once no part can move any more; a stopped matter's other parts are terminated at once. */
export const allPartsFinal = (stages: readonly Stage[]) => stages.every(isFinal);
