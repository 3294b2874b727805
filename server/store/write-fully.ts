// Writing that is all or nothing. write(2) may write only part of a buffer when the disk fills
// (the rest fails with ENOSPC on the next call), so a write counts only once every byte is
// written and fsynced; when that fails the file is cut back to its previous length, so no
// half-written line or document remains for the next write to merge into.
import { StorageFullError, StorageUnavailableError } from '../errors.js';
import type { StoreFileHandle } from './store-fs.js';

/** Writes all of data at position (null: at the end of a file opened for appending). */
export async function writeFully(fh: StoreFileHandle, data: Uint8Array, position: number | null): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, position === null ? null : position + done);
    // A regular file never legitimately accepts zero bytes: treat it as full rather than spin.
    if (bytesWritten <= 0) throw Object.assign(new Error('write accepted no bytes'), { code: 'ENOSPC' });
    done += bytesWritten;
  }
}

/**
 * Appends data to a file whose acknowledged content is `size` bytes long, then fsyncs. On
 * failure the file is truncated back to `size`; when even that fails, onTorn is called so the
 * caller stops appending to this file (start-up drops a torn last line, never acknowledged).
 */
export async function appendWhole(fh: StoreFileHandle, data: Uint8Array, size: number, options: { fsync: boolean; file: string; onTorn: () => void }): Promise<void> {
  try {
    await writeFully(fh, data, null);
    if (options.fsync) await fh.sync();
  } catch (err) {
    if (!(await cutBack(fh, size, options.fsync))) options.onTorn();
    throw storageError(err, options.file);
  }
}

async function cutBack(fh: StoreFileHandle, size: number, fsync: boolean): Promise<boolean> {
  try {
    await fh.truncate(size);
    if (fsync) await fh.sync();
    return true;
  } catch {
    return false;
  }
}

const FULL = new Set(['ENOSPC', 'EDQUOT']);
const BROKEN = new Set(['EIO', 'EROFS']);
let lastReport = 0;

export interface StorageHealth {
  /** Writes the disk refused since start-up (all stores of this process). */
  refusedWrites: number;
  lastRefusal: { at: string; reason: string } | null;
}
const health: StorageHealth = { refusedWrites: 0, lastRefusal: null };

/** For the health page: no paths (they are in the operator's log), only counts and the errno. */
export const storageHealth = (): StorageHealth => structuredClone(health);

/**
 * The domain error for a failed write: StorageFullError (507) or StorageUnavailableError (503)
 * for a disk that is full or failing, otherwise the original error. Citizens see no paths; the
 * operator's log names the file (at most once every 10 s, a full disk fails every write).
 */
export function storageError(err: unknown, file: string): unknown {
  if (err instanceof StorageFullError || err instanceof StorageUnavailableError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (!FULL.has(code) && !BROKEN.has(code)) return err;
  health.refusedWrites++;
  health.lastRefusal = { at: new Date().toISOString(), reason: code };
  if (Date.now() - lastReport > 10_000) {
    lastReport = Date.now();
    console.error(`[onestop] 数据写入失败（${code}${FULL.has(code) ? '，磁盘空间或配额已满' : '，磁盘故障或只读'}），本次写入已撤销: ${file}`);
  }
  return FULL.has(code)
    ? new StorageFullError('服务器存储空间已满，本次操作没有保存，请稍后再试', { reason: code })
    : new StorageUnavailableError('服务器存储暂时不可用，本次操作没有保存，请稍后再试', { reason: code });
}

export function isStorageError(err: unknown): boolean {
  return err instanceof StorageFullError || err instanceof StorageUnavailableError;
}
