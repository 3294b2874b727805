// Who may read an upload, and whether a booking may use it. Someone else's upload is "not found"
// (never "forbidden") so ids cannot be probed; a booking may only cite the caller's own upload
// made for the same service and field.
import { NotFoundError } from '../../errors.js';
import type { FormField } from '../../model/index.js';
import type { Store } from '../../store/index.js';
import type { FieldError } from '../forms/validate-form.js';
import { type Upload, uploadsOf } from './upload-types.js';

export type UploadViewer = { kind: 'citizen'; openid: string } | { kind: 'staff'; department: string };

const ID = /^[0-9a-f]{32}$/;

/** The upload if the viewer owns it (citizen) or serves its department (staff). */
export async function loadUpload(store: Store, id: string, viewer: UploadViewer): Promise<Upload> {
  const upload = ID.test(id) ? await uploadsOf(store).get(id) : undefined;
  const allowed = upload && (viewer.kind === 'citizen' ? upload.openid === viewer.openid : upload.department === viewer.department);
  if (!allowed) throw new NotFoundError('文件不存在', { id });
  return upload;
}

/** One error per file field whose id is not the citizen's upload for this service and field. */
export async function checkUploadFields(store: Store, fields: FormField[], values: Record<string, unknown>, openid: string, service: string): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  for (const field of fields) {
    const id = values[field.name];
    if (field.type !== 'file' || typeof id !== 'string') continue;
    const upload = await uploadsOf(store).get(id);
    if (!upload || upload.openid !== openid || upload.service !== service || upload.field !== field.name) {
      errors.push({ field: field.name, label: field.label, message: `“${field.label}”不是您为本事项上传的文件，请重新上传` });
    }
  }
  return errors;
}
