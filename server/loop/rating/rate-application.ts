// 评价: the citizen rates a finished application once. Completed, denied and not accepted all
// count as finished: a refusal is exactly when a citizen may want to complain. A bad review
// (不满意 / 非常不满意) opens a rectification case at once.
import { addWorkingDays, cityDate } from '../../calendar/index.js';
import { ConflictError } from '../../errors.js';
import { clockOf, type LoopDeps } from '../deps.js';
import { applicationsOf, loadApplication } from '../applications/application-access.js';
import type { Application } from '../applications/application-types.js';
import { serviceOf } from '../catalog.js';
import { FINAL_STAGES } from '../progress/transitions.js';
import { isBad, parseComment, parseLevel } from './rating-levels.js';
import { casesOf, type RectificationCase } from './rectification-case.js';

export interface RateInput {
  no: string;
  openid: string;
  level: unknown;
  comment?: unknown;
  /** Set by a matter (一件事) rating its lead part: a part of a matter is not rated on its own. */
  viaGroup?: boolean;
}

const ALREADY_RATED = '您已评价过该办件，每件只能评价一次';

export async function rateApplication(deps: LoopDeps, input: RateInput): Promise<{ application: Application; case?: RectificationCase }> {
  const level = parseLevel(input.level);
  const comment = parseComment(input.comment);
  const current = await loadApplication(deps.store, input.no, { kind: 'citizen', openid: input.openid });
  const build = deps.live.current();
  const service = serviceOf(build, current.service);
  if (!service.steps.rating?.online) throw new ConflictError(`“${service.name}”暂不支持在线评价`);
  if (!FINAL_STAGES.includes(current.stage)) throw new ConflictError('办件办结后才能评价');
  if (current.group && !input.viaGroup) throw new ConflictError(`该办件属于“${current.group.name}”，请在一件事的办理进度页统一评价`);

  const now = clockOf(deps);
  const at = now.toISOString();
  const bad = isBad(level);
  const caseId = `${current.no}-ZG`;
  const rate = () =>
    applicationsOf(deps.store).update(current.no, (app) => {
      if (app.rating) throw new ConflictError(ALREADY_RATED);
      return { ...app, updatedAt: at, rating: { level, ...(comment ? { comment } : {}), at, ...(bad ? { caseId } : {}) } };
    });
  if (!bad) return { application: await rate() };

  const fields = service.steps.processing?.fields ?? [];
  const contact = fields.filter((f) => f.type === 'phone').map((f) => String(current.data[f.name] ?? '')).filter(Boolean);
  const draft: RectificationCase = {
    id: caseId,
    applicationNo: current.no,
    service: current.service,
    serviceName: current.serviceName,
    department: service.steps.rating.badReviewDepartment ?? current.department,
    handlingDepartment: current.department,
    openid: current.openid,
    level,
    ...(comment ? { comment } : {}),
    contact,
    openedAt: at,
    deadline: addWorkingDays(cityDate(now), build.account.badReviewDeadlineDays, build.account.calendar),
    callbacks: [],
  };
  // The case is written before the application is marked rated: a rating pointing at a missing
  // case would be a bad review no one follows up, and the citizen could not rate again. Under the
  // lock, an unrated application has no genuine case, so put replaces one left by a failed attempt.
  return deps.store.withLock(`rating:${current.no}`, async () => {
    const latest = await loadApplication(deps.store, current.no, { kind: 'citizen', openid: input.openid });
    if (latest.rating) throw new ConflictError(ALREADY_RATED);
    const cases = casesOf(deps.store);
    const opened = await cases.put(draft);
    try {
      return { application: await rate(), case: opened };
    } catch (err) {
      await cases.delete(caseId).catch(() => false);
      throw err;
    }
  });
}
