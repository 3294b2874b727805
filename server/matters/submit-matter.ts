// 一表申请: the citizen submits the matter's one form. The matter's questions decide which members
// apply; each applicable member gets its own answers (shared fields copied to its field names,
// its own section, the matter's presets) and keeps the shared documents under its own attachment
// names. The parts are created through the loop's submitApplicationGroup, all or nothing: once
// everything is checked this record is written first, as 'creating', and becomes 'open' as the
// group's commit, so a failure at any part leaves neither parts nor record, and a crash leaves a
// record recovery can recognise.
import type { BuiltMatter } from '../builder/index.js';
import { ValidationError } from '../errors.js';
import { clockOf, insertWithNextNumber, submitApplicationGroup, type GroupPart, type LoopDeps, type PartFieldError, removeIncoming, type UploadedFile } from '../loop/index.js';
import { applies, matterOf, matterUploadSpecs, readAnswers } from './matter-catalog.js';
import { MATTER_NUMBER_PREFIX_ID, matterApplicationsOf, type MatterApplication } from './matter-types.js';

export interface SubmitMatterInput {
  matter: string;
  openid: string;
  /** The account the citizen came through; absent: the primary. */
  account?: string;
  body: Record<string, unknown>;
  files: UploadedFile[];
}

/** What each applicable member receives from the one form. */
export function partsOf(matter: BuiltMatter, answers: Record<string, string>, body: Record<string, unknown>): GroupPart[] {
  return matter.members
    .filter((m) => applies(m, answers))
    .map((m) => {
      const own: Record<string, unknown> = { ...m.presets };
      for (const f of matter.fields) {
        for (const t of f.targets) if (t.service === m.service && body[f.field.name] !== undefined) own[t.name] = body[f.field.name];
      }
      const attachments = matter.attachments.flatMap((a) => a.targets.filter((t) => t.service === m.service).map((t) => ({ from: a.name, name: t.name })));
      return { serviceRef: m.service, body: own, attachments };
    });
}

/** A part's field error, named as the one form names the field (a shared field's error once). */
function formErrors(matter: BuiltMatter, errors: PartFieldError[]) {
  const out = new Map<string, { field: string; label: string; message: string; service?: string }>();
  for (const e of errors) {
    const target = (t: { service: string; name: string }) => t.service === e.service && t.name === e.field;
    const field = e.service ? matter.fields.find((f) => f.targets.some(target)) : undefined;
    const doc = e.service ? matter.attachments.find((a) => a.targets.some(target)) : undefined;
    const name = field?.field.name ?? doc?.name ?? e.field;
    const label = field?.field.label ?? doc?.label ?? e.label;
    if (!out.has(name)) out.set(name, { field: name, label, message: e.message.replaceAll(`“${e.label}”`, `“${label}”`), ...(e.service ? { service: e.service } : {}) });
  }
  return [...out.values()];
}

export async function submitMatter(deps: LoopDeps, input: SubmitMatterInput): Promise<MatterApplication> {
  try {
    return await submit(deps, input);
  } finally {
    await removeIncoming(input.files.map((f) => f.path));
  }
}

async function submit(deps: LoopDeps, input: SubmitMatterInput): Promise<MatterApplication> {
  const build = deps.live.current();
  const matter = matterOf(build, input.matter);
  const answers = readAnswers(matter, input.body);
  const parts = partsOf(matter, answers, input.body);
  const skipped = matter.members.filter((m) => !applies(m, answers)).map((m) => ({ service: m.service, serviceName: serviceName(build, m.service), department: m.department }));
  const now = clockOf(deps);
  const records = matterApplicationsOf(deps.store);
  // The record is written only once every answer and file passed (no number is used up by a
  // refused form), and first among the writes, as 'creating'.
  let record: MatterApplication | undefined;
  const begin = async () => {
    const created = await insertWithNextNumber<MatterApplication>(deps.store, records, MATTER_NUMBER_PREFIX_ID, now, (no) => ({
      id: no,
      no,
      matter: matter.id,
      name: matter.name,
      lead: matter.lead,
      openid: input.openid,
      ...(input.account !== undefined ? { account: input.account } : {}),
      state: 'creating',
      answers,
      parts: [],
      skipped,
      submittedAt: now.toISOString(),
    }));
    record = created;
    return { id: created.no, name: matter.name, lead: matter.lead, ...(matter.onRefusal === 'stop' ? { stopOnRefusal: true } : {}) };
  };
  try {
    let opened: MatterApplication | undefined;
    await submitApplicationGroup(deps, {
      openid: input.openid,
      ...(input.account !== undefined ? { account: input.account } : {}),
      specs: matterUploadSpecs(matter),
      files: input.files,
      parts,
      begin,
      commit: async (apps) => {
        const list = apps.map((a) => ({ no: a.no, service: a.service, serviceName: a.serviceName, department: a.department }));
        opened = await records.update(record!.no, (r) => ({ ...r, state: 'open', parts: list }));
      },
    });
    return opened!;
  } catch (err) {
    if (record) await records.delete(record.no).catch(() => false);
    if (err instanceof ValidationError && Array.isArray(err.details)) {
      const errors = formErrors(matter, err.details as PartFieldError[]);
      throw new ValidationError(errors.length === 1 ? errors[0]!.message : `有 ${errors.length} 处填写有误：${errors[0]!.message}`, errors);
    }
    throw err;
  }
}

const serviceName = (build: ReturnType<LoopDeps['live']['current']>, ref: string) => build.services.find((s) => s.ref === ref)?.name ?? ref;
