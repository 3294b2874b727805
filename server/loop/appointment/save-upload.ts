// Receiving one pre-check upload: checked exactly as an application attachment is (declared
// size, type sniffed from the bytes), written under a random name outside any public path, then
// recorded. The file is removed again if the record cannot be written, so nothing is half-kept.
import { AppError } from '../../errors.js';
import { blobsOf, nowOf, type LoopDeps } from '../deps.js';
import { deleteAttachments, discardingIncoming, saveAttachments } from '../processing/attachment-files.js';
import { checkAttachments, type UploadedFile } from '../processing/check-attachments.js';
import type { UploadTarget } from './upload-spec.js';
import { type Upload, uploadsOf } from '../uploads/upload-types.js';
import { withinUploadQuota } from '../uploads/upload-quota.js';

/** Uploads one citizen may make in 24 hours: bounds the disk a single session can fill. */
export const MAX_UPLOADS_PER_DAY = 50;

/** 429: the error middleware falls back to `status` for codes it does not map. */
export class TooManyUploadsError extends AppError {
  override readonly code = 'TOO_MANY_UPLOADS';
  readonly status = 429;
}

export interface UploadInput {
  openid: string;
  target: UploadTarget;
  files: UploadedFile[];
}

export async function saveUpload(deps: LoopDeps, input: UploadInput): Promise<Upload> {
  return discardingIncoming(input.files, () => save(deps, input));
}

async function save(deps: LoopDeps, input: UploadInput): Promise<Upload> {
  const { openid, target } = input;
  const [checked] = await checkAttachments([target.spec], input.files);
  const now = nowOf(deps);
  const uploads = uploadsOf(deps.store);
  return deps.store.withLock(`uploads:${openid}`, async () => {
    const since = now.getTime() - 24 * 3600_000;
    const recent = (await uploads.findBy('openid', openid)).filter((u) => new Date(u.createdAt).getTime() > since);
    if (recent.length >= MAX_UPLOADS_PER_DAY) throw new TooManyUploadsError(`24 小时内最多上传 ${MAX_UPLOADS_PER_DAY} 个文件，请稍后再试`);
    const file = checked!;
    return withinUploadQuota(deps, openid, [file.meta], async () => {
      await saveAttachments(blobsOf(deps), [file]);
      try {
        return await uploads.insert({
          id: file.meta.id,
          openid,
          service: target.service.ref,
          field: target.field,
          department: target.service.department,
          type: file.meta.ext,
          mime: file.meta.mime,
          size: file.meta.size,
          name: file.meta.originalName,
          createdAt: now.toISOString(),
        });
      } catch (err) {
        await deleteAttachments(blobsOf(deps), [file.meta.id]);
        throw err;
      }
    });
  });
}
