// What one citizen may upload in 24 hours, files and bytes, across application attachments and
// pre-check uploads: one person cannot fill the disk (40 × 5 MB in a second was possible). Only
// accepted uploads count; the check and the count run under one per-citizen lock, so concurrent
// submissions cannot all slip under the cap.
import { AppError } from '../../errors.js';
import type { Doc, Store } from '../../store/index.js';
import { nowOf, type LoopDeps } from '../deps.js';

interface QuotaEntry {
  at: string;
  files: number;
  bytes: number;
}

interface UploadQuota extends Doc {
  entries: QuotaEntry[];
}

const quotaOf = (store: Store) => store.collection<UploadQuota>('uploadQuota');
const DAY_MS = 24 * 3600_000;

/** 429: too many files today. */
export class UploadCountExceededError extends AppError {
  override readonly code = 'UPLOAD_QUOTA_FILES';
  readonly status = 429;
}

/** 413: too many bytes today. */
export class UploadBytesExceededError extends AppError {
  override readonly code = 'UPLOAD_QUOTA_BYTES';
  readonly status = 413;
}

const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/**
 * Runs `store` (which keeps the files) only if `files` fit what the citizen has left for the last
 * 24 hours, then counts them. Nothing is counted when `store` throws.
 */
export async function withinUploadQuota<T>(deps: LoopDeps, openid: string, files: Array<{ size: number }>, store: () => Promise<T>): Promise<T> {
  if (files.length === 0) return store();
  const { filesPerDay, bytesPerDay } = deps.config.uploadQuota;
  const quotas = quotaOf(deps.store);
  return deps.store.withLock(`upload-quota:${openid}`, async () => {
    const now = nowOf(deps);
    const since = now.getTime() - DAY_MS;
    const recent = ((await quotas.get(openid))?.entries ?? []).filter((e) => new Date(e.at).getTime() > since);
    const usedFiles = recent.reduce((n, e) => n + e.files, 0);
    const usedBytes = recent.reduce((n, e) => n + e.bytes, 0);
    const bytes = files.reduce((n, f) => n + f.size, 0);
    if (usedFiles + files.length > filesPerDay) {
      throw new UploadCountExceededError(`24 小时内每人最多上传 ${filesPerDay} 个文件（已上传 ${usedFiles} 个），请明天再试`);
    }
    if (usedBytes + bytes > bytesPerDay) {
      throw new UploadBytesExceededError(`24 小时内每人最多上传 ${megabytes(bytesPerDay)}（已上传 ${megabytes(usedBytes)}），请明天再试`);
    }
    const result = await store();
    const entries = [...recent, { at: now.toISOString(), files: files.length, bytes }];
    await quotas.put({ id: openid, entries });
    return result;
  });
}
