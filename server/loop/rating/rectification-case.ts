// 差评整改: a bad review opens a case owned by the unit that handled the matter ("谁办理、谁负责"),
// or the service's declared badReviewDepartment, with a deadline in working days set by the city.
import type { Doc, Store } from '../../store/index.js';
import type { Actor, RatingLevel } from '../applications/application-types.js';

export interface CaseNote {
  at: string;
  actor: Actor;
  note: string;
}

export interface RectificationCase extends Doc {
  applicationNo: string;
  service: string;
  serviceName: string;
  /** Owner of the follow-up. */
  department: string;
  handlingDepartment: string;
  openid: string;
  level: RatingLevel;
  comment?: string;
  /** Phone answers of the application, so the owner can call back. */
  contact: string[];
  openedAt: string;
  /** City date by which the department must have fixed or explained. */
  deadline: string;
  callbacks: CaseNote[];
  resolution?: CaseNote & { kind: 'fixed' | 'explained' };
  citizenRating?: { level: RatingLevel; comment?: string; at: string };
  appeal?: CaseNote & { status: AppealStatus; decision?: CaseNote };
  /** A matter's case passed by the lead department to the department whose part caused it. */
  transfers?: Array<CaseNote & { from: string; to: string }>;
}

/** 申诉复核, decided by the platform team: upheld removes the rating, rejected keeps the case going. */
export type AppealStatus = 'pending' | 'upheld' | 'rejected';

export const casesOf = (store: Store) => store.collection<RectificationCase>('rectificationCases', { indexes: ['department', 'openid'] });

export type CaseStatus = 'open' | 'resolved' | 'closed' | 'appeal-upheld';

export interface CaseView extends Omit<RectificationCase, 'openid'> {
  status: CaseStatus;
  /** Computed, never stored: past the deadline and neither fixed nor explained. */
  overdue: boolean;
}

export function caseView(c: RectificationCase, today: string): CaseView {
  const { openid: _openid, ...rest } = c;
  const upheld = c.appeal?.status === 'upheld';
  const status: CaseStatus = upheld ? 'appeal-upheld' : c.citizenRating ? 'closed' : c.resolution ? 'resolved' : 'open';
  return { ...rest, status, overdue: !upheld && !c.resolution && today > c.deadline };
}
