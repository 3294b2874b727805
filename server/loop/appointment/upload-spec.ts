// What one appointment `file` field accepts. The field is turned into an attachment spec by the
// processing step's own attachmentSpecs(), so defaults (PDF/JPG/PNG, 5 MB) and messages are the
// same wherever a citizen uploads.
import type { AccountBuild, BuiltService } from '../../builder/index.js';
import { ValidationError } from '../../errors.js';
import type { Attachment, FileType } from '../../model/index.js';
import { appointmentStepOf } from './slots.js';
import { serviceOf } from '../catalog.js';
import { attachmentSpecs } from '../processing/attachment-specs.js';

export interface UploadTarget {
  service: BuiltService;
  /** The field as an attachment spec, named `file` after the multipart part that carries it. */
  spec: Attachment;
  field: string;
}

/** The multipart part name the file travels in. */
export const FILE_PART = 'file';

const ACCEPT: Record<FileType, string> = { pdf: '.pdf,application/pdf', jpg: '.jpg,.jpeg,image/jpeg', png: '.png,image/png' };

/** The <input type="file" accept> value for a list of types. */
export const acceptAttribute = (types: FileType[]) => types.map((t) => ACCEPT[t]).join(',');

/** Resolves service=<dept>/<service> and field=<name> to a declared appointment file field. */
export function uploadTarget(build: AccountBuild, serviceInput: unknown, fieldInput: unknown): UploadTarget {
  if (typeof serviceInput !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(serviceInput)) {
    throw new ValidationError('请指明上传材料所属的事项（service=部门/事项）', { field: 'service' });
  }
  if (typeof fieldInput !== 'string' || fieldInput === '') throw new ValidationError('请指明上传的是哪一项材料（field）', { field: 'field' });
  const service = serviceOf(build, serviceInput);
  const step = appointmentStepOf(service);
  const field = (step.fields ?? []).find((f) => f.name === fieldInput && f.type === 'file');
  if (!field) throw new ValidationError(`“${service.name}”的预约表单没有名为“${fieldInput}”的上传项`, { field: 'field' });
  // timeLimitDays/online are irrelevant here: only the field list is read.
  const [spec] = attachmentSpecs({ online: true, timeLimitDays: 0, fields: [field] });
  return { service, field: field.name, spec: { ...spec!, name: FILE_PART, required: true } };
}

/**
 * The largest file any appointment field of the build accepts, in KB: the bound on a request
 * that names its service and field only inside the multipart body (read after the file).
 */
export function largestUploadKb(build: AccountBuild): number {
  const fields = build.services.flatMap((s) => (s.steps.appointment?.online ? (s.steps.appointment.fields ?? []) : [])).filter((f) => f.type === 'file');
  return Math.max(0, ...attachmentSpecs({ online: true, timeLimitDays: 0, fields }).map((a) => a.maxSizeKb));
}
