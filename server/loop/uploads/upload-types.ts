// Pre-check uploads (预检材料) as stored: one file a citizen uploaded for one `file` field of one
// service's appointment form. The bytes live beside the application attachments
// (<dataDir>/uploads/<id>, see processing/attachment-files.ts); this record says whose they are.
import type { FileType } from '../../model/index.js';
import type { Store } from '../../store/index.js';

export interface Upload {
  /** 32 hex chars: the booking form's file field carries it (UPLOAD_ID_PATTERN). */
  id: string;
  /** The citizen who uploaded it; only they can use it in a booking. */
  openid: string;
  /** Service ref (dept/service) and field name the file was checked against. */
  service: string;
  field: string;
  /** Department whose staff may read it. */
  department: string;
  /** Sniffed from the bytes, never taken from the name or the browser. */
  type: FileType;
  mime: string;
  size: number;
  /** Display name only (sanitised); the stored file is named by id. */
  name: string;
  createdAt: string;
}

export function uploadsOf(store: Store) {
  return store.collection<Upload>('uploads', { indexes: ['openid'] });
}
