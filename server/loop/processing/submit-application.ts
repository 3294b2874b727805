// 业务办理: a citizen's online application. Everything is checked before anything is written;
// files are written before the record and removed again if the record cannot be stored.
import type { ProcessingStep } from '../../model/index.js';
import { ValidationError } from '../../errors.js';
import { blobsOf, clockOf, type LoopDeps } from '../deps.js';
import { applicationsOf } from '../applications/application-access.js';
import { insertWithNextNumber } from '../applications/application-number.js';
import type { Application, TimelineEntry } from '../applications/application-types.js';
import { findOnlineService } from '../catalog.js';
import { notifyCitizen } from '../progress/notify-citizen.js';
import { deleteAttachments, discardingIncoming, saveAttachments } from './attachment-files.js';
import { attachmentSpecs } from './attachment-specs.js';
import { checkAttachments, type CheckedFile, type FieldError, type UploadedFile } from './check-attachments.js';
import { initialPayment } from './compute-fee.js';
import { newApplication } from './new-application.js';
import { withinUploadQuota } from '../uploads/upload-quota.js';
import { answerFields, checkAnswers, throwFieldErrors } from './validate-answers.js';

export interface SubmitInput {
  serviceRef: string;
  openid: string;
  /** The account the citizen came through; absent: the primary. */
  account?: string;
  body: Record<string, unknown>;
  files: UploadedFile[];
}

/** Answers and files checked together, so the citizen sees every problem at once. */
async function checkSubmission(step: ProcessingStep, input: SubmitInput) {
  const fields = answerFields(step.fields);
  const specs = attachmentSpecs(step);
  const { data, errors } = checkAnswers(fields, input.body);
  let files: CheckedFile[] = [];
  try {
    files = await checkAttachments(specs, input.files);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    errors.push(...(err.details as FieldError[]));
  }
  throwFieldErrors(errors);
  return { fields, data, files };
}

export async function submitApplication(deps: LoopDeps, input: SubmitInput): Promise<Application> {
  return discardingIncoming(input.files, () => submit(deps, input));
}

async function submit(deps: LoopDeps, input: SubmitInput): Promise<Application> {
  const build = deps.live.current();
  const service = findOnlineService(build, input.serviceRef);
  const step = service.steps.processing!;
  const { fields, data, files } = await checkSubmission(step, input);
  const payment = initialPayment(service.steps.payment, data, fields);

  const now = clockOf(deps);
  const { app, entry } = await withinUploadQuota(deps, input.openid, files.map((f) => f.meta), async () => {
    await saveAttachments(blobsOf(deps), files);
    try {
      const at = now.toISOString();
      const entry: TimelineEntry = { at, from: null, to: 'submitted', actor: { kind: 'citizen', name: input.openid }, note: '网上申请已提交' };
      const app = await insertWithNextNumber<Application>(deps.store, applicationsOf(deps.store), service.department, now, (no) =>
        newApplication(no, { service, openid: input.openid, account: input.account, data, attachments: files.map((f) => f.meta), payment, entry }),
      );
      return { app, entry };
    } catch (err) {
      await deleteAttachments(blobsOf(deps), files.map((f) => f.meta.id));
      throw err;
    }
  });
  await notifyCitizen(deps, app, entry, service.steps.progress?.notifyTemplateId);
  return app;
}
