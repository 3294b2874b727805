// The error a step raises when its account lacks a WeChat capability (no HTTP in here).
import { AppError } from '../errors.js';
import { ACCOUNT_TYPE_NAMES, can, capabilityRow, type AccountKind, type Capability } from './capabilities.js';

export class CapabilityMissingError extends AppError {
  override readonly code = 'CAPABILITY_MISSING';
}

/** Names the account, its type and the missing capability, plus the alternative when there is one. */
export function describeMissingCapability(account: AccountKind & { id?: string; name?: string }, capability: Capability): string {
  const row = capabilityRow(capability);
  const who = account.name ? `公众号“${account.name}”` : '该公众号';
  const kind = `${account.verified === false ? '未认证' : ''}${ACCOUNT_TYPE_NAMES[account.type]}`;
  return `${who}是${kind}，没有“${row.name}”能力${row.alternative ? `；${row.alternative}` : ''}`;
}

/** Throws CapabilityMissingError unless the account has the capability. */
export function requireCapability(account: AccountKind & { id?: string; name?: string }, capability: Capability): void {
  if (!can(account, capability)) throw new CapabilityMissingError(describeMissingCapability(account, capability), { account: account.id, capability });
}
