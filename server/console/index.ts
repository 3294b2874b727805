// The console's front door: drafts and review, users and roles, diffs and the phone preview. Its pages live in server/http/console/.
// Other rooms import this folder only through this file; everything else in it is private.
export { describeDiff, diffBuilds } from './diff.js';
export { diffFiles } from './line-diff.js';
export type { FileDiff } from './line-diff.js';
export { DRAFT_STATUS_NAMES, MAX_DRAFT_BYTES, createDraftService, departmentPath, isPlatformFile, isTableFile, ownerOf, withFile } from './drafts.js';
export type { Draft, DraftService } from './drafts.js';
export { phonePreview } from './phone-preview.js';
export { isMatterKey, matterPartDiff } from './matter-drafts.js';
export { ROLE_NAMES, addUser, canAccessDepartment, canEditDepartment, publicUser, usersOf, verifyLogin } from './users.js';
export type { Role, SessionUser } from './users.js';
export { normalizeUsername } from './users.js';
export { changeRole, createUser, listUsers, resetPassword, setDisabled } from './manage-users.js';
export type { ManageDeps } from './manage-users.js';
