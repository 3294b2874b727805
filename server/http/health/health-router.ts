// GET /healthz (mounted at /healthz): what an operator (or a monitor) needs to see that the city is losing messages
// or filling its disk. Always 200 while the process answers; `status` says "degraded" while a
// failure is recent. No paths and no citizen data: the details are in the server's log.
import { Router } from 'express';
import type { Gateway } from '../../gateway/index.js';
import type { UploadSweeper } from '../../loop/index.js';
import type { PushGuardStats } from '../../wechat/index.js';
import { type StorageHealth, storageHealth } from '../../store/index.js';

/** A failure this recent makes the status "degraded". */
export const RECENT_FAILURE_MS = 15 * 60_000;

export interface HealthDeps {
  gateway: Gateway;
  uploadSweep?: Pick<UploadSweeper, 'status'>;
  /** Signed pushes refused for their timestamp or a replayed nonce. */
  pushes?: () => PushGuardStats;
  /** Default: the refused writes of every store in this process (one disk). */
  storage?: () => StorageHealth;
  now?: () => Date;
}

export function createHealthRouter(deps: HealthDeps): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    const now = (deps.now?.() ?? new Date()).getTime();
    const gateway = deps.gateway.health();
    const storage = (deps.storage ?? storageHealth)();
    const sweep = deps.uploadSweep?.status() ?? null;
    const recent = (at: string | undefined) => at !== undefined && now - Date.parse(at) < RECENT_FAILURE_MS;
    const pushes = deps.pushes?.() ?? null;
    // A recent stale timestamp most likely means our clock drifts: every push may be next.
    const degraded = recent(gateway.lastFailure?.at) || recent(storage.lastRefusal?.at) || recent(pushes?.lastStale?.at);
    res.set('Cache-Control', 'no-store');
    res.json({ status: degraded ? 'degraded' : 'ok', gateway, storage, uploadSweep: sweep, wechatPushes: pushes });
  });
  return router;
}
