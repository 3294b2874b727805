// 好差评 statistics over rated applications. A rating whose appeal the platform upheld (a mistaken
// or malicious review) is removed from them, as the national rules require.
import type { LoopDeps } from '../deps.js';
import { applicationsOf } from '../applications/application-access.js';
import type { RatingLevel } from '../applications/application-types.js';
import { RATING_LEVELS, isBad } from './rating-levels.js';
import { casesOf } from './rectification-case.js';

export interface RatingStatistics {
  /** Ratings counted. */
  total: number;
  /** Ratings removed by an upheld appeal. */
  excluded: number;
  byLevel: Record<RatingLevel, number>;
  bad: number;
  /** Share of counted ratings that are not bad reviews, 0..1 (undefined without ratings). */
  satisfaction?: number;
}

export async function ratingStatistics(deps: Pick<LoopDeps, 'store'>, filter: { department?: string } = {}): Promise<RatingStatistics> {
  const upheld = new Set((await casesOf(deps.store).list((c) => c.appeal?.status === 'upheld')).map((c) => c.id));
  const byLevel = Object.fromEntries(RATING_LEVELS.map((l) => [l.value, 0])) as Record<RatingLevel, number>;
  let total = 0;
  let excluded = 0;
  let bad = 0;
  const rated = await applicationsOf(deps.store).list((a) => a.rating !== undefined && (!filter.department || a.department === filter.department));
  for (const app of rated) {
    const rating = app.rating!;
    if (rating.caseId && upheld.has(rating.caseId)) {
      excluded++;
      continue;
    }
    total++;
    byLevel[rating.level]++;
    if (isBad(rating.level)) bad++;
  }
  return { total, excluded, byLevel, bad, ...(total ? { satisfaction: (total - bad) / total } : {}) };
}
