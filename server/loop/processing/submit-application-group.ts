// Several applications submitted as one (the parts of a cross-department matter, 一件事): one set of
// files checked and stored once, one application per part in its own department's queue, all or
// nothing. The store has no multi-document transaction (lowdb files, or PostgreSQL where every
// write commits on its own), so "nothing" is made by compensation: every part is inserted, then the
// caller's commit runs (it marks its own record complete); if an insert or the commit fails, the
// parts already inserted and the files are removed again before the error reaches the caller.
// A crash in between leaves parts whose group never committed; the caller's record says so and
// its recovery removes them (see server/matters/recover-matters.ts).
import type { Attachment } from '../../model/index.js';
import { ValidationError } from '../../errors.js';
import { blobsOf, clockOf, type LoopDeps } from '../deps.js';
import { applicationsOf } from '../applications/application-access.js';
import { insertWithNextNumber } from '../applications/application-number.js';
import type { Application, ApplicationGroup, StoredAttachment, TimelineEntry } from '../applications/application-types.js';
import { findOnlineService } from '../catalog.js';
import { notifyCitizen } from '../progress/notify-citizen.js';
import { deleteAttachments, discardingIncoming, saveAttachments } from './attachment-files.js';
import { attachmentSpecs } from './attachment-specs.js';
import { checkAttachments, type CheckedFile, type FieldError, type UploadedFile } from './check-attachments.js';
import { initialPayment } from './compute-fee.js';
import { newApplication } from './new-application.js';
import { withinUploadQuota } from '../uploads/upload-quota.js';
import { answerFields, checkAnswers, throwFieldErrors } from './validate-answers.js';

export interface GroupPart {
  serviceRef: string;
  /** The part's own answers, named as its service's form names them. */
  body: Record<string, unknown>;
  /** Which uploaded document (by its name in `specs`) the part keeps under which of its attachment names. */
  attachments: Array<{ from: string; name: string }>;
}

export interface GroupInput {
  openid: string;
  /** The account the citizen came through; absent: the primary. */
  account?: string;
  /** The documents of the one form, each checked once against its own spec. */
  specs: Attachment[];
  files: UploadedFile[];
  parts: GroupPart[];
  /**
   * Runs once everything is checked, before anything is written: the caller writes its own record
   * (so a refused form uses up no number) and names the group the parts belong to.
   */
  begin: () => Promise<ApplicationGroup>;
  /** Runs once every part is stored; a throw undoes the parts. */
  commit: (apps: Application[]) => Promise<void>;
}

/** A field error of one part: `service` says whose form the field name belongs to. */
export type PartFieldError = FieldError & { service?: string };

export async function submitApplicationGroup(deps: LoopDeps, input: GroupInput): Promise<Application[]> {
  return discardingIncoming(input.files, () => submitGroup(deps, input));
}

async function submitGroup(deps: LoopDeps, input: GroupInput): Promise<Application[]> {
  const build = deps.live.current();
  const services = input.parts.map((p) => findOnlineService(build, p.serviceRef));
  const errors: PartFieldError[] = [];
  const datas = input.parts.map((part, i) => {
    const { data, errors: found } = checkAnswers(answerFields(services[i]!.steps.processing!.fields), part.body);
    errors.push(...found.map((e) => ({ ...e, service: part.serviceRef })));
    return data;
  });
  let files: CheckedFile[] = [];
  try {
    files = await checkAttachments(input.specs, input.files);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    errors.push(...(err.details as FieldError[]));
  }
  const uploaded = new Map(files.map((f) => [f.meta.name, f.meta]));
  const kept = input.parts.map((part, i) => {
    const own = attachmentSpecs(services[i]!.steps.processing!);
    const metas: StoredAttachment[] = [];
    for (const spec of own) {
      const link = part.attachments.find((a) => a.name === spec.name);
      const meta = link ? uploaded.get(link.from) : undefined;
      if (meta) metas.push({ ...meta, name: spec.name, label: spec.label });
      else if (spec.required && !errors.some((e) => e.field === link?.from)) {
        errors.push({ field: spec.name, label: spec.label, message: `请上传“${spec.label}”`, service: part.serviceRef });
      }
    }
    return metas;
  });
  throwFieldErrors(errors);
  const payments = input.parts.map((_, i) => initialPayment(services[i]!.steps.payment, datas[i]!, services[i]!.steps.processing!.fields));

  const now = clockOf(deps);
  const at = now.toISOString();
  const apps = await withinUploadQuota(deps, input.openid, files.map((f) => f.meta), async () => {
    const group = await input.begin();
    await saveAttachments(blobsOf(deps), files);
    const created: Application[] = [];
    try {
      for (const [i, service] of services.entries()) {
        const entry: TimelineEntry = { at, from: null, to: 'submitted', actor: { kind: 'citizen', name: input.openid }, note: `网上申请已提交（${group.name}）` };
        created.push(
          await insertWithNextNumber<Application>(deps.store, applicationsOf(deps.store), service.department, now, (no) =>
            newApplication(no, { service, openid: input.openid, account: input.account, data: datas[i]!, attachments: kept[i]!, payment: payments[i]!, entry, group }),
          ),
        );
      }
      await input.commit(created);
      return created;
    } catch (err) {
      await withdrawApplications(deps, created.map((a) => a.no));
      await deleteAttachments(blobsOf(deps), files.map((f) => f.meta.id));
      throw err;
    }
  });
  for (const app of apps) {
    const service = services.find((s) => s.ref === app.service)!;
    await notifyCitizen(deps, app, app.timeline[0]!, service.steps.progress?.notifyTemplateId);
  }
  return apps;
}

/**
 * Removes applications of a group that never committed. Best effort per part: one failed delete
 * does not keep the others; what is left the group's recovery removes later.
 */
export async function withdrawApplications(deps: LoopDeps, nos: string[]): Promise<void> {
  const applications = applicationsOf(deps.store);
  await Promise.all(nos.map((no) => applications.delete(no).catch(() => false)));
}
