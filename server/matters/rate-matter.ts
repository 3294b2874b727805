// 一次评价: the citizen rates the matter once, when no part can move any more. The rating is the
// lead department's (its part carries it, through the loop's rateApplication), so a bad rating opens
// the rectification case for the lead department ("谁牵头、谁负责"), which may pass it on to the
// department whose part caused it (passCase in the loop).
import { ConflictError } from '../errors.js';
import { clockOf, rateApplication, type LoopDeps } from '../loop/index.js';
import { allPartsFinal } from './matter-state.js';
import { matterApplicationsOf, type MatterApplication } from './matter-types.js';
import { loadMatterApplication } from './matter-view.js';

export interface RateMatterInput {
  no: string;
  openid: string;
  level: unknown;
  comment?: unknown;
}

const ALREADY = '您已评价过该一件事，每件只能评价一次';

export async function rateMatter(deps: LoopDeps, input: RateMatterInput): Promise<{ record: MatterApplication; caseId: string | null }> {
  const { record, parts } = await loadMatterApplication(deps.store, input.no, { kind: 'citizen', openid: input.openid });
  if (record.rating) throw new ConflictError(ALREADY);
  if (!allPartsFinal(parts.map((p) => p.stage))) throw new ConflictError('一件事的各部门全部办结后才能评价');
  const lead = parts.find((p) => p.department === record.lead);
  if (!lead) throw new ConflictError('牵头部门的办件不存在，无法评价');
  const rated = await rateApplication(deps, { no: lead.no, openid: input.openid, level: input.level, comment: input.comment, viaGroup: true });
  const rating = { level: rated.application.rating!.level, at: clockOf(deps).toISOString(), ...(rated.case ? { caseId: rated.case.id } : {}) };
  const updated = await matterApplicationsOf(deps.store).update(record.no, (r) => ({ ...r, rating }));
  return { record: updated, caseId: rated.case?.id ?? null };
}
