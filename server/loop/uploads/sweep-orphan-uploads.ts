// Removes upload files that no record references: what a crash (or a full disk) leaves between
// writing a file and storing the record that names it. A file younger than the grace period is
// never removed, whatever the records say: an upload in flight has written its file but not yet
// its record. Runs at start-up and then periodically; the health page shows the last run.
import type { Application } from '../applications/application-types.js';
import { APPLICATIONS } from '../applications/application-types.js';
import type { Store } from '../../store/index.js';
import { uploadsOf } from './upload-types.js';

/** Far longer than any upload takes between its file and its record. */
export const ORPHAN_GRACE_MS = 60 * 60_000;
export const SWEEP_INTERVAL_MS = 60 * 60_000;

/** The upload files, as the sweep sees them (the blob store of uploads and attachments). */
export interface UploadFiles {
  list(): Promise<Array<{ id: string; modifiedAt: Date }>>;
  remove(ids: string[]): Promise<void>;
  /** Removes partly received files (streamed uploads) older than `before`; returns how many. */
  removeIncomingBefore?(before: Date): Promise<number>;
}

export interface SweepDeps {
  store: Store;
  files: UploadFiles;
  now?: () => Date;
  graceMs?: number;
}

export interface SweepResult {
  at: string;
  /** Files looked at, files removed, and unreferenced files kept because they are recent. */
  files: number;
  removed: number;
  recent: number;
  /** Partly received uploads older than the grace period, removed. */
  incoming: number;
}

const FILE_ID = /^[0-9a-f]{32}$/;

/** Every file id a record names: pre-check uploads, application attachments, any id an appointment's form carries, broadcast images. */
async function referencedIds(store: Store): Promise<Set<string>> {
  const ids = new Set<string>();
  // The filters see the stored documents and return false, so nothing is cloned.
  await uploadsOf(store).list((u) => (ids.add(u.id), false));
  await store.collection<Application>(APPLICATIONS).list((a) => {
    for (const f of a.attachments ?? []) ids.add(f.id);
    return false;
  });
  await store.collection<{ id: string }>('appointments').list((doc) => (collectIds(doc, ids), false));
  // Broadcast covers and body images share the blob store; the broadcasts room records each one.
  await store.collection<{ id: string }>('broadcast-images').list((doc) => (ids.add(doc.id), false));
  return ids;
}

function collectIds(value: unknown, into: Set<string>) {
  if (typeof value === 'string') {
    if (FILE_ID.test(value)) into.add(value);
  } else if (Array.isArray(value)) for (const v of value) collectIds(v, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectIds(v, into);
}

export async function sweepOrphanUploads(deps: SweepDeps): Promise<SweepResult> {
  const now = deps.now?.() ?? new Date();
  const grace = deps.graceMs ?? ORPHAN_GRACE_MS;
  // Files first: a file written after this listing is not looked at; one listed here whose record
  // is stored before the records are read is referenced; any other is older than its record could be.
  const files = await deps.files.list();
  const referenced = await referencedIds(deps.store);
  const orphans = files.filter((f) => !referenced.has(f.id));
  const old = orphans.filter((f) => now.getTime() - f.modifiedAt.getTime() >= grace);
  if (old.length) await deps.files.remove(old.map((f) => f.id));
  const incoming = (await deps.files.removeIncomingBefore?.(new Date(now.getTime() - grace))) ?? 0;
  return { at: now.toISOString(), files: files.length, removed: old.length, recent: orphans.length - old.length, incoming };
}

export interface UploadSweeper {
  /** Sweeps now and then every interval; resolves after the first sweep. */
  start(): Promise<void>;
  stop(): void;
  /** The last sweep, or its failure; null before the first. */
  status(): { last: SweepResult | null; lastError: { at: string; message: string } | null };
}

export function createUploadSweeper(deps: SweepDeps & { intervalMs?: number; warn?: (line: string) => void }): UploadSweeper {
  const warn = deps.warn ?? ((line: string) => console.warn(line));
  let last: SweepResult | null = null;
  let lastError: { at: string; message: string } | null = null;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const sweep = () =>
    (running ??= sweepOrphanUploads(deps)
      .then((result) => {
        last = result;
        if (result.removed) warn(`[onestop] 已清理 ${result.removed} 个没有任何记录引用的上传文件`);
        if (result.incoming) warn(`[onestop] 已清理 ${result.incoming} 个中断的上传（未接收完的文件）`);
      })
      .catch((e: unknown) => {
        lastError = { at: new Date().toISOString(), message: (e as Error).message };
        warn(`[onestop] 上传文件清理失败: ${(e as Error).message}`);
      })
      .finally(() => (running = undefined)));
  return {
    async start() {
      timer ??= setInterval(() => void sweep(), deps.intervalMs ?? SWEEP_INTERVAL_MS);
      timer.unref();
      await sweep();
    },
    stop: () => clearInterval(timer),
    status: () => ({ last, lastError }),
  };
}
