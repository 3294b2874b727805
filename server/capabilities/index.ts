// The capabilities front door: what each WeChat account type may do (one table), broadcast quotas, the missing-capability error.
// Other rooms import this folder only through this file; everything else in it is private.
export { ACCOUNT_TYPE_NAMES, broadcastQuota, can, capabilityMatrix, capabilityRow } from './capabilities.js';
export type { AccountKind, AccountType, BroadcastQuota, Capability, CapabilityRow } from './capabilities.js';
export { CapabilityMissingError, describeMissingCapability, requireCapability } from './capability-missing-error.js';
