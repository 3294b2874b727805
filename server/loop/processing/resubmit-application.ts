// 补齐补正: the citizen answers a supplement request. The whole form is checked again; uploaded
// files replace the ones of the same name, the others stay. The application returns to 收件.
// A fee that depends on an answer (byOption / perUnit) follows a changed answer while unpaid; once
// paid, an answer that would change the fee is refused (409): the money was taken for the old one,
// and a refund or top-up is the department's business, not a form edit.
import type { FormField, PaymentStep } from '../../model/index.js';
import { ConflictError } from '../../errors.js';
import { blobsOf, clockOf, type LoopDeps } from '../deps.js';
import { applicationsOf, loadApplication } from '../applications/application-access.js';
import type { Application, ApplicationPayment } from '../applications/application-types.js';
import { serviceOf } from '../catalog.js';
import { applyMove } from '../progress/apply-move.js';
import { serviceRules } from '../progress/move-application.js';
import { notifyCitizen } from '../progress/notify-citizen.js';
import { deleteAttachments, discardingIncoming, saveAttachments } from './attachment-files.js';
import { attachmentSpecs } from './attachment-specs.js';
import { checkAttachments, type UploadedFile } from './check-attachments.js';
import { withinUploadQuota } from '../uploads/upload-quota.js';
import { computeFeeFen, initialPayment } from './compute-fee.js';
import { answerFields, checkAnswers, throwFieldErrors } from './validate-answers.js';

export interface ResubmitInput {
  no: string;
  openid: string;
  body: Record<string, unknown>;
  files: UploadedFile[];
}

const NOT_IN_SUPPLEMENT = '办件当前不需要补正材料';

/**
 * The payment after a resubmission. Only a changed answer to the fee's field reprices (a changed
 * fee table in a newer build never reprices an existing application); the same amount keeps the
 * payment as it is.
 */
export function repricePayment(app: Application, step: PaymentStep | undefined, data: Record<string, unknown>, fields: FormField[]): ApplicationPayment {
  const fee = step?.fee;
  if (!step || !fee || (fee.mode !== 'byOption' && fee.mode !== 'perUnit')) return app.payment;
  if (String(data[fee.field] ?? '') === String(app.data[fee.field] ?? '')) return app.payment;
  const owed = computeFeeFen(step, data, fields);
  if (owed === app.payment.amountFen) return app.payment;
  if (app.payment.state === 'paid') {
    const label = fields.find((f) => f.name === fee.field)?.label ?? fee.field;
    throw new ConflictError(`已按原填写的“${label}”缴费，缴费后不能再更改此项；如需更改，请联系办理部门`, {
      field: fee.field,
      paidFen: app.payment.amountFen,
      newFen: owed,
    });
  }
  return initialPayment(step, data, fields);
}

export async function resubmitApplication(deps: LoopDeps, input: ResubmitInput): Promise<Application> {
  return discardingIncoming(input.files, () => resubmit(deps, input));
}

async function resubmit(deps: LoopDeps, input: ResubmitInput): Promise<Application> {
  const current = await loadApplication(deps.store, input.no, { kind: 'citizen', openid: input.openid });
  if (current.stage !== 'supplement') throw new ConflictError(NOT_IN_SUPPLEMENT);
  const service = serviceOf(deps.live.current(), current.service);
  const step = service.steps.processing ?? { online: true, timeLimitDays: current.clock.timeLimitDays };
  const fields = answerFields(step.fields);
  const { data, errors } = checkAnswers(fields, input.body);
  throwFieldErrors(errors);
  const files = await checkAttachments(attachmentSpecs(step), input.files, current.attachments.map((a) => a.name));
  // Checked before any file is written; checked again on the latest record inside the update.
  repricePayment(current, service.steps.payment, data, fields);

  const rules = serviceRules(deps, current);
  const now = clockOf(deps);
  const replaced = new Set(files.map((f) => f.meta.name));
  const moved = await withinUploadQuota(deps, input.openid, files.map((f) => f.meta), async () => {
    await saveAttachments(blobsOf(deps), files);
    try {
      return await applicationsOf(deps.store).update(current.no, (app) => {
        if (app.stage !== 'supplement') throw new ConflictError(NOT_IN_SUPPLEMENT);
        const payment = repricePayment(app, service.steps.payment, data, fields);
        const next = applyMove(app, {
          to: 'submitted',
          note: '申请人已补正材料',
          actor: { kind: 'citizen', name: input.openid },
          stages: rules.stages,
          calendar: deps.live.current().account.calendar,
          now,
        });
        return { ...next, data, payment, attachments: [...app.attachments.filter((a) => !replaced.has(a.name)), ...files.map((f) => f.meta)] };
      });
    } catch (err) {
      await deleteAttachments(blobsOf(deps), files.map((f) => f.meta.id));
      throw err;
    }
  });
  // A matter's parts share their documents: a replaced file may still be another part's, so it is
  // left to the orphan sweep, which removes it once no record names it.
  if (!current.group) await deleteAttachments(blobsOf(deps), current.attachments.filter((a) => replaced.has(a.name)).map((a) => a.id));
  await notifyCitizen(deps, moved, moved.timeline[moved.timeline.length - 1]!, rules.templateId);
  return moved;
}
