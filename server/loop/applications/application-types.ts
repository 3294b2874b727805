// The application (办件) record every step of the loop after submission reads and writes.
// One document per application, keyed by its human-readable number, in the 'applications' collection.
import type { Stage as DeclaredStage } from '../../model/index.js';
import type { Doc } from '../../store/index.js';

export type { DeclaredStage };

/**
 * An application's stage: one of the national vocabulary a service declares, or `terminated`
 * (终止办理), which no service declares and no staff move reaches: the loop closes a part of a
 * group that stops on refusal (一件事 with onRefusal: stop) when another part is refused.
 */
export type Stage = DeclaredStage | 'terminated';

/** Who caused a change: the citizen (their openid), a staff token's label, or the system (payments). */
export interface Actor {
  kind: 'citizen' | 'staff' | 'system';
  name: string;
}

export interface TimelineEntry {
  at: string;
  /** null for the submission itself. */
  from: Stage | null;
  to: Stage;
  actor: Actor;
  note?: string;
}

/** A stored upload. The file lives at <dataDir>/uploads/<id>; the original name is metadata only. */
export interface StoredAttachment {
  id: string;
  /** The declared attachment (or file field) name. */
  name: string;
  label: string;
  originalName: string;
  /** Sniffed from the content, never taken from the client. */
  ext: 'pdf' | 'jpg' | 'png';
  mime: string;
  size: number;
}

/**
 * none: nothing to pay; offline: paid at the hall; awaiting-assessment: staff set the amount at
 * acceptance; unpaid: an amount is due (when depends on timing); paid: credited once.
 */
export type PaymentState = 'none' | 'offline' | 'awaiting-assessment' | 'unpaid' | 'paid';

export interface ApplicationPayment {
  state: PaymentState;
  timing: 'before-acceptance' | 'after-acceptance' | null;
  amountFen: number | null;
  item?: string;
  orderNo?: string;
  transactionId?: string;
  paidAt?: string;
  /** Set when a part is terminated after its fee was paid: the department owes the money back. */
  refund?: PaymentRefund;
}

/**
 * What a terminated part's department owes the citizen, as a staff task: due when the part was
 * closed (or when a payment arrived for a part already closed), done once staff record the refund.
 */
export interface PaymentRefund {
  state: 'due' | 'done';
  amountFen: number;
  dueAt: string;
  doneAt?: string;
  /** The staff member who recorded the refund. */
  by?: string;
  /** How it was refunded (e.g. 原路退回、财政退付单号). */
  note?: string;
}

/**
 * The promised time limit (承诺时限). The clock starts at acceptance (受理), as in practice: before
 * that there is no due date. It stops during 补齐补正 and 挂起; paused working days extend it.
 */
export interface ApplicationClock {
  timeLimitDays: number;
  /** City date of the first acceptance; null until accepted. */
  startDate: string | null;
  pausedWorkingDays: number;
  /** City date the clock stopped, while stopped. */
  pausedSince: string | null;
}

export interface ApplicationRating {
  level: RatingLevel;
  comment?: string;
  at: string;
  caseId?: string;
}

export type RatingLevel = 'very-satisfied' | 'satisfied' | 'basically-satisfied' | 'dissatisfied' | 'very-dissatisfied';

/**
 * The cross-department matter (一件事) an application is one part of: submitted together with the
 * other parts, paid and rated through the matter. Each department still sees only its own part.
 */
export interface ApplicationGroup {
  /** The matter application's number, e.g. YJS-20261202-0001. */
  id: string;
  /** The matter's name, e.g. 二手房交易一件事. */
  name: string;
  /** Its lead department (牵头部门). */
  lead: string;
  /**
   * The matter's rule at submission (onRefusal: stop): when one part is refused (不予受理, 不予许可),
   * the loop terminates every other part still open. Absent: the others go on.
   */
  stopOnRefusal?: boolean;
}

export interface Application extends Doc {
  /** Same as id: e.g. JJ-20261122-0007. */
  no: string;
  /** <department>/<service id> */
  service: string;
  serviceName: string;
  department: string;
  openid: string;
  /** The account the citizen came through (its id); absent: the primary (and every record from before several accounts). */
  account?: string;
  stage: Stage;
  data: Record<string, unknown>;
  attachments: StoredAttachment[];
  payment: ApplicationPayment;
  clock: ApplicationClock;
  submittedAt: string;
  acceptedAt?: string;
  updatedAt: string;
  timeline: TimelineEntry[];
  rating?: ApplicationRating;
  /** Set when the application is a part of a cross-department matter. */
  group?: ApplicationGroup;
}

export const APPLICATIONS = 'applications';
export const APPLICATION_INDEXES = { indexes: ['openid', 'department'] };

/** No move leaves these. */
export const FINAL_STAGES: readonly Stage[] = ['not-accepted', 'completed', 'denied', 'terminated'];
/** Refused by the department: the citizen owes nothing, and a group that stops on refusal stops. */
export const REFUSED_STAGES: readonly Stage[] = ['not-accepted', 'denied'];

export const STAGE_LABELS: Record<Stage, string> = {
  submitted: '已收件',
  accepted: '已受理',
  'not-accepted': '不予受理',
  supplement: '补齐补正',
  suspended: '挂起',
  'in-progress': '办理中',
  completed: '已办结',
  denied: '不予许可',
  terminated: '终止办理',
};
