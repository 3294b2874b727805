// 好差评: ratings given in the range by level and the satisfaction rate (an appeal upheld on
// review removes its rating), the bad reviews' rectification (on time, overdue, pending, appealed)
// and the citizens' re-ratings of the fix.
import { cityDate } from '../calendar/index.js';
import type { Application, RectificationCase } from '../loop/index.js';

export const RATING_LEVELS = ['very-satisfied', 'satisfied', 'basically-satisfied', 'dissatisfied', 'very-dissatisfied'] as const;
export const RATING_NAMES: Record<string, string> = {
  'very-satisfied': '非常满意', satisfied: '满意', 'basically-satisfied': '基本满意', dissatisfied: '不满意', 'very-dissatisfied': '非常不满意',
};
const SATISFIED = new Set(['very-satisfied', 'satisfied', 'basically-satisfied']);

export interface LevelCount {
  level: string;
  name: string;
  count: number;
}

export interface CaseFigures {
  total: number;
  /** Fixed or explained by the deadline. */
  onTime: number;
  /** Past the deadline unresolved, or resolved after it. */
  overdue: number;
  /** Unresolved, deadline not yet passed. */
  pending: number;
  appealed: number;
  /** Appeals upheld: the rating is removed and the case closed. */
  upheld: number;
}

export interface RatingFigures {
  ratings: LevelCount[];
  totalRatings: number;
  satisfactionRate: number | null;
  cases: CaseFigures;
  /** Citizens' ratings of the fix, given in the range. */
  reRatings: LevelCount[];
  totalReRatings: number;
  reSatisfactionRate: number | null;
}

function byLevel(levels: string[]): { counts: LevelCount[]; total: number; rate: number | null } {
  const n = new Map<string, number>();
  for (const l of levels) n.set(l, (n.get(l) ?? 0) + 1);
  const counts = RATING_LEVELS.map((level) => ({ level, name: RATING_NAMES[level]!, count: n.get(level) ?? 0 }));
  const total = counts.reduce((s, c) => s + c.count, 0);
  const satisfied = counts.filter((c) => SATISFIED.has(c.level)).reduce((s, c) => s + c.count, 0);
  return { counts, total, rate: total > 0 ? satisfied / total : null };
}

interface RatingInput {
  /** Applications in scope (any submission date: a rating counts on the day it was given). */
  applications: readonly Application[];
  /** Cases in scope (any opening date). */
  cases: readonly RectificationCase[];
  dayIn: (iso: string | undefined) => boolean;
  today: string;
}

export function ratingFigures(input: RatingInput): RatingFigures {
  const { dayIn, today } = input;
  const upheldCases = new Set(input.cases.filter((c) => c.appeal?.status === 'upheld').map((c) => c.id));
  const given = input.applications.filter((a) => a.rating && dayIn(a.rating.at) && !(a.rating.caseId && upheldCases.has(a.rating.caseId)));
  const first = byLevel(given.map((a) => a.rating!.level));

  const cases: CaseFigures = { total: 0, onTime: 0, overdue: 0, pending: 0, appealed: 0, upheld: 0 };
  for (const c of input.cases) {
    if (!dayIn(c.openedAt)) continue;
    cases.total += 1;
    if (c.appeal) cases.appealed += 1;
    if (c.appeal?.status === 'upheld') cases.upheld += 1;
    else if (c.resolution) {
      if (cityDate(new Date(c.resolution.at)) <= c.deadline) cases.onTime += 1;
      else cases.overdue += 1;
    } else if (today > c.deadline) cases.overdue += 1;
    else cases.pending += 1;
  }

  const again = byLevel(input.cases.filter((c) => c.citizenRating && dayIn(c.citizenRating.at)).map((c) => c.citizenRating!.level));
  return {
    ratings: first.counts, totalRatings: first.total, satisfactionRate: first.rate, cases,
    reRatings: again.counts, totalReRatings: again.total, reSatisfactionRate: again.rate,
  };
}
