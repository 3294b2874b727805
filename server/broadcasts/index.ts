// The broadcasts room's front door (群发): issues and articles, the review chain, previews,
// quotas, sending through WeChat, completion events, reminders and the suggested send time.
// Other rooms import this folder only through this file; everything else in it is private.
export { accountOf, broadcastAccountOf, canDeliver, requireDelivery } from './accounts.js';
export { LIMITS, articleGaps } from './article-rules.js';
export { diffArticle } from './article-diff.js';
export type { DiffPart, FieldDiff } from './article-diff.js';
export { issuesOf, noticesOf, revisionsOf } from './broadcast-types.js';
export type * from './broadcast-types.js';
export { startBroadcastTimer } from './broadcast-timer.js';
export { canActOn, canWriteColumn, chainProgress, isEditor, restartStepFor } from './chain.js';
export type { ChainProgress, StepProgress } from './chain.js';
export { BROADCAST_IMAGES, createBlobImages, createMemoryImages } from './images.js';
export { articleRevisions, articlesInOrder, columnName, columnStatus, columnsOn, createIssue, issueGaps, issueIdOf, listIssues, loadIssue, saveArticle, setSendTime } from './issues.js';
export type { ColumnStatus } from './issues.js';
export { JOB_EVENTS, outcomeStatusName, recordJobEvent } from './job-events.js';
export { checkQuota } from './quotas.js';
export { noticesFor, owingUsers, remindDue } from './reminders.js';
export { approveStep, rejectStep } from './review.js';
export { BODY_IMAGE_SRC, bodyText, sanitizeBody } from './sanitize-body.js';
export { BroadcastQuotaError, scheduleIssue, unscheduleIssue } from './schedule.js';
export { BroadcastUnavailableError, BroadcastUnsentUnknownError, CLIENTMSGID_WINDOW_MS, ensureDraft, needsUnsentConfirmation, sendDueIssues, sendIssue, sendPreviews } from './send-issue.js';
export { reconcileIssue, reconcileSendingIssues } from './reconcile.js';
export { suggestSendTime } from './suggest-time.js';
export type { SendTimeSuggestion } from './suggest-time.js';
