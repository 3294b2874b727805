// The files a service accepts: its declared attachments plus any `file` fields of its form,
// and the multipart limits that follow from them.
import type { Attachment, FileType, ProcessingStep } from '../../model/index.js';

export const DEFAULT_FILE_FIELD_KB = 5120;
/** Room for the form's text fields and multipart framing on top of the files. */
export const FIELD_BYTES = 16 * 1024;
export const MAX_FIELDS = 100;

export const TYPE_LABELS: Record<FileType, string> = { pdf: 'PDF', jpg: 'JPG', png: 'PNG' };

export function attachmentSpecs(step: ProcessingStep): Attachment[] {
  const fromFields = (step.fields ?? [])
    .filter((f) => f.type === 'file')
    .map<Attachment>((f) => ({
      name: f.name,
      label: f.label,
      required: f.required ?? false,
      types: f.accept ?? ['pdf', 'jpg', 'png'],
      maxSizeKb: f.maxSizeKb ?? DEFAULT_FILE_FIELD_KB,
    }));
  return [...(step.attachments ?? []), ...fromFields];
}

export interface UploadLimits {
  fileSize: number;
  files: number;
  fields: number;
  fieldSize: number;
  parts: number;
  /** Bound on the whole request body (Content-Length), checked before parsing. */
  totalBytes: number;
}

export function uploadLimits(specs: Attachment[], fieldCount: number): UploadLimits {
  const sizes = specs.map((s) => s.maxSizeKb * 1024);
  const fields = Math.min(fieldCount + 5, MAX_FIELDS);
  return {
    // multer has one per-file limit; each attachment's own size is checked after parsing.
    fileSize: Math.max(0, ...sizes),
    files: specs.length,
    fields,
    fieldSize: 4096,
    parts: fields + specs.length,
    totalBytes: sizes.reduce((a, b) => a + b, 0) + FIELD_BYTES + fields * 4096,
  };
}
