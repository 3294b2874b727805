// The matters room's front door: cross-department matters (一件事) at run time — one submission
// creating a part in each applicable department's queue (through the loop), the matter's state
// derived from its parts, one payment, one rating.
// Other rooms import this folder only through this file; everything else in it is private.
export { applies, matterOf, matterUploadSpecs, readAnswers } from './matter-catalog.js';
export { allPartsFinal, deriveMatterState, isFinal, isRefused, MATTER_STATE_LABELS } from './matter-state.js';
export type { MatterState } from './matter-state.js';
export { matterApplicationsOf } from './matter-types.js';
export type { MatterApplication, MatterPart, MatterRating } from './matter-types.js';
export { loadMatterApplication, loadSettledMatter, matterView, paymentSummary } from './matter-view.js';
export type { LoadedMatter, MatterPaymentView, MatterView, PartView } from './matter-view.js';
export { recoverUnfinishedMatters } from './recover-matters.js';
export { matterReturnUrl, payMatter } from './pay-matter.js';
export { rateMatter } from './rate-matter.js';
export type { RateMatterInput } from './rate-matter.js';
export { partsOf, submitMatter } from './submit-matter.js';
export type { SubmitMatterInput } from './submit-matter.js';
