// The matter application (一件事办件): one citizen's submission of a cross-department matter. It holds
// no answers of its own parts — each part is an ordinary application in its department's queue
// (the loop's record, with `group` naming this one) — only which parts exist and what the matter's
// own questions were answered. Stored in the 'matterApplications' collection, keyed by number.
import type { Doc, Store } from '../store/index.js';

export interface MatterPart {
  /** The part's application number, e.g. BDC-20261202-0001. */
  no: string;
  service: string;
  serviceName: string;
  department: string;
}

export interface MatterRating {
  level: string;
  at: string;
  /** The rectification case a bad rating opened (owned by the lead department). */
  caseId?: string;
}

export interface MatterApplication extends Doc {
  /** Same as id: e.g. YJS-20261202-0001. */
  no: string;
  /** The matter's id in the build (matters/<id>.json). */
  matter: string;
  name: string;
  lead: string;
  openid: string;
  /** The account the citizen came through (its id); absent: the primary (and every record from before several accounts). */
  account?: string;
  /**
   * creating: written before the parts, so a crash half-way is recognisable (recover-matters.ts);
   * open: every part exists. Only open records are shown to anyone.
   */
  state: 'creating' | 'open';
  /** Answers to the matter's own questions (which members apply). */
  answers: Record<string, string>;
  parts: MatterPart[];
  /** Members that did not apply, for the progress page (“无需办理”). */
  skipped: Array<{ service: string; serviceName: string; department: string }>;
  submittedAt: string;
  rating?: MatterRating;
}

export const matterApplicationsOf = (store: Store) => store.collection<MatterApplication>('matterApplications', { indexes: ['openid'] });

/** Numbers start with YJS (一件事): departmentPrefix of this id. */
export const MATTER_NUMBER_PREFIX_ID = 'yijianshi';
