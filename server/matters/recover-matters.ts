// What a crash in the middle of a submission leaves: a matter record still 'creating' and perhaps
// some of its parts. Nobody sees either (views show open records only; the parts' group names a
// record that never opened), and this removes both. Run at start-up, for records older than any
// submission takes, so a submission in flight in another process is never touched.
import { applicationsOf, withdrawApplications, type LoopDeps } from '../loop/index.js';
import { matterApplicationsOf } from './matter-types.js';

export const UNFINISHED_AFTER_MS = 10 * 60_000;

export async function recoverUnfinishedMatters(deps: LoopDeps, now = new Date()): Promise<number> {
  const records = matterApplicationsOf(deps.store);
  const stale = await records.list((r) => r.state === 'creating' && now.getTime() - new Date(r.submittedAt).getTime() > UNFINISHED_AFTER_MS);
  for (const record of stale) {
    const parts = await applicationsOf(deps.store).findBy('openid', record.openid);
    await withdrawApplications(deps, parts.filter((a) => a.group?.id === record.no).map((a) => a.no));
    await records.delete(record.no);
  }
  return stale.length;
}
