// Department access tokens for window staff and department systems calling the API. Only the
// token's hash is stored; the plain token is shown once when it is issued.
import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../store/index.js';

export interface StaffToken {
  id: string; // sha256 of the token, hex
  department: string;
  label: string;
  createdAt: string;
  /** Set by `onestop staff-token --revoke`; the token is then refused. Kept, not deleted, for the record. */
  revokedAt?: string;
}

export const staffTokensOf = (store: Store) => store.collection<StaffToken>('staffTokens', { indexes: ['department'] });

/** How a token is named in the CLI (--list, --revoke): the first 8 hex digits of its hash. */
export const staffTokenShortId = (token: Pick<StaffToken, 'id'>) => token.id.slice(0, 8);

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a staff token for a department; returns the plain token (shown once) and stores its hash. */
export async function createStaffToken(store: Store, department: string, label: string, now = new Date()): Promise<string> {
  const token = `ost_${randomBytes(24).toString('base64url')}`;
  await staffTokensOf(store).insert({
    id: hashToken(token),
    department,
    label,
    createdAt: now.toISOString(),
  });
  return token;
}
