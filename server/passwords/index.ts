// The passwords room's front door: hashing and checking console passwords without blocking the
// event loop. New and changed passwords get scrypt ($scrypt$v=1$...); bcrypt hashes from before
// still verify (on a worker thread) and needsRehash() tells the caller to replace them.
import { ValidationError } from '../errors.js';

export { checkPasswordStrength, MIN_PASSWORD_SCORE } from './password-strength.js';
import { BCRYPT_HASH, verifyBcrypt } from './bcrypt-worker.js';
import { SCRYPT_PARAMS, hashScrypt, parseScrypt, verifyScrypt } from './scrypt-hash.js';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/** Throws a ValidationError with a Chinese message when the password breaks the rules. */
export function checkPasswordRules(password: unknown): asserts password is string {
  if (typeof password !== 'string' || password.length < PASSWORD_MIN_LENGTH) {
    throw new ValidationError(`密码至少 ${PASSWORD_MIN_LENGTH} 个字符`);
  }
  if (password.length > PASSWORD_MAX_LENGTH) throw new ValidationError(`密码最多 ${PASSWORD_MAX_LENGTH} 个字符`);
}

/** A new scrypt hash (random salt) of the password; runs in the thread pool. */
export function hashPassword(password: string): Promise<string> {
  return hashScrypt(password);
}

/**
 * Whether the password matches the stored hash (scrypt, or a legacy bcrypt hash). An unknown or
 * malformed hash never matches; the main thread never does the expensive part.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const scrypt = parseScrypt(stored);
  if (scrypt) return verifyScrypt(password, scrypt);
  if (BCRYPT_HASH.test(stored)) return verifyBcrypt(password, stored);
  return false;
}

/** True for hashes that should be replaced by hashPassword() after the next successful login. */
export function needsRehash(stored: string): boolean {
  const scrypt = parseScrypt(stored);
  if (!scrypt) return true;
  const { ln, r, p } = scrypt.params;
  return ln !== SCRYPT_PARAMS.ln || r !== SCRYPT_PARAMS.r || p !== SCRYPT_PARAMS.p;
}
