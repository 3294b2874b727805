// The audit room: the append-only record of who did what in the console and publishing.
// Other rooms import this folder only through this file; everything else in it is private.
export { AUDIT_ACTION_NAMES, audit, readAudit } from './audit.js';
export type { AuditRecord } from './audit.js';
