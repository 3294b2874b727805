// 进度: staff move their department's applications through the stages; the citizen hears of it.
import type { StaffActor } from '../actor.js';
import { ConflictError, ValidationError } from '../../errors.js';
import { clockOf, type LoopDeps } from '../deps.js';
import { applicationsOf, loadApplication } from '../applications/application-access.js';
import { STAGE_LABELS, type Application, type Stage } from '../applications/application-types.js';
import { ALL_STAGES, applyMove } from './apply-move.js';
import { notifyCitizen } from './notify-citizen.js';
import { closeStoppedGroup } from './terminate-group.js';

export interface StaffMove {
  no: string;
  to: unknown;
  note?: unknown;
  amountFen?: unknown;
  staff: StaffActor;
}

const STAGES = Object.keys(STAGE_LABELS) as Stage[];

export function parseStage(value: unknown): Stage {
  if (typeof value !== 'string' || !STAGES.includes(value as Stage)) {
    throw new ValidationError('请选择要变更的办理状态', { field: 'to', allowed: ALL_STAGES });
  }
  return value as Stage;
}

/** The service's declared stages and fee ceiling; a service no longer published keeps the full vocabulary. */
export function serviceRules(deps: LoopDeps, app: Application) {
  const service = deps.live.current().services.find((s) => s.ref === app.service);
  const fee = service?.steps.payment?.fee;
  return {
    service,
    stages: service ? (service.steps.progress?.stages ?? ALL_STAGES) : ALL_STAGES,
    maxFen: fee?.mode === 'assessed' ? fee.maxFen : undefined,
    templateId: service?.steps.progress?.notifyTemplateId,
  };
}

export async function moveApplication(deps: LoopDeps, input: StaffMove): Promise<Application> {
  const to = parseStage(input.to);
  if (to === 'submitted') throw new ConflictError('“已收件”只能由申请人补正材料后重新提交');
  if (to === 'terminated') throw new ConflictError('“终止办理”只在一件事因其他部门不予办理而终止时由系统设定');
  if (input.note !== undefined && typeof input.note !== 'string') throw new ValidationError('说明须为文字', { field: 'note' });
  if (input.amountFen !== undefined && typeof input.amountFen !== 'number') throw new ValidationError('核定金额须为整数（单位：分）', { field: 'amountFen' });
  const current = await loadApplication(deps.store, input.no, { kind: 'staff', ...input.staff });
  const rules = serviceRules(deps, current);
  const calendar = deps.live.current().account.calendar;
  const now = clockOf(deps);
  const moved = await applicationsOf(deps.store).update(current.no, (app) =>
    applyMove(app, {
      to,
      note: input.note as string | undefined,
      amountFen: input.amountFen as number | undefined,
      actor: { kind: 'staff', name: input.staff.label },
      maxFen: rules.maxFen,
      stages: rules.stages,
      calendar,
      now,
    }),
  );
  await notifyCitizen(deps, moved, moved.timeline[moved.timeline.length - 1]!, rules.templateId);
  // The refusal notice is the citizen's one notice of it: the parts it closes notify nobody.
  await closeStoppedGroup(deps, moved);
  return moved;
}
