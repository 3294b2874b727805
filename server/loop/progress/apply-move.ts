// One stage change applied to an application record: the table, the payment and note rules,
// the clock and the timeline. Pure, so the store can run it inside its serialised update.
import { cityDate } from '../../calendar/index.js';
import type { Calendar } from '../../model/index.js';
import { ConflictError, ValidationError } from '../../errors.js';
import { STAGE_LABELS, type Actor, type Application, type DeclaredStage, type Stage } from '../applications/application-types.js';
import { advanceClock } from './clock.js';
import { assertTransition, NOTE_REQUIRED } from './transitions.js';

/** The national vocabulary (what a service may declare); `terminated` is the loop's own. */
export const ALL_STAGES = (Object.keys(STAGE_LABELS) as Stage[]).filter((s): s is DeclaredStage => s !== 'terminated');
export const MAX_NOTE = 500;

export interface MoveRequest {
  to: Stage;
  note?: string;
  /** Staff's assessed amount at acceptance, for `assessed` fees. */
  amountFen?: number;
  actor: Actor;
  /** The assessed fee's ceiling, when the fee is assessed. */
  maxFen?: number;
  stages: readonly DeclaredStage[] | undefined;
  calendar: Calendar;
  now: Date;
}

function assessAtAcceptance(app: Application, req: MoveRequest): Application['payment'] {
  const p = app.payment;
  if (p.state !== 'awaiting-assessment') {
    if (req.amountFen !== undefined) throw new ValidationError('该事项的费用不需核定，请勿填写金额', { field: 'amountFen' });
    return p;
  }
  const amount = req.amountFen;
  const max = req.maxFen ?? Number.MAX_SAFE_INTEGER;
  if (amount === undefined || !Number.isInteger(amount) || amount < 0 || amount > max) {
    throw new ValidationError(`受理时须核定费用：请填写 0 至 ${max} 之间的整数金额（单位：分）`, { field: 'amountFen', maxFen: req.maxFen });
  }
  return { ...p, amountFen: amount, state: amount === 0 ? 'none' : 'unpaid' };
}

export function applyMove(app: Application, req: MoveRequest): Application {
  const { to } = req;
  const note = req.note?.trim() || undefined;
  if (note && note.length > MAX_NOTE) throw new ValidationError(`说明不能超过 ${MAX_NOTE} 字`, { field: 'note' });
  assertTransition(app.stage, to, req.stages, !!app.acceptedAt);
  if (NOTE_REQUIRED.includes(to) && !note) {
    throw new ValidationError(`变更为“${STAGE_LABELS[to]}”须写明原因或需补正的材料，以便一次性告知申请人`, { field: 'note' });
  }
  let payment = app.payment;
  if (to === 'accepted') {
    if (payment.timing === 'before-acceptance' && payment.state === 'unpaid') throw new ConflictError('申请人尚未缴费，缴费后才能受理');
    payment = assessAtAcceptance(app, req);
  } else if (req.amountFen !== undefined) {
    throw new ValidationError('只有受理时才能核定费用', { field: 'amountFen' });
  }
  if (to === 'completed' && payment.state === 'unpaid') throw new ConflictError('申请人尚未缴清费用，暂不能办结');

  const at = req.now.toISOString();
  return {
    ...app,
    stage: to,
    payment,
    acceptedAt: app.acceptedAt ?? (to === 'accepted' ? at : undefined),
    clock: advanceClock(app.clock, to, cityDate(req.now), req.calendar),
    updatedAt: at,
    timeline: [...app.timeline, { at, from: app.stage, to, actor: req.actor, ...(note ? { note } : {}) }],
  };
}
