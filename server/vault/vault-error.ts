// What the vault throws: a key that is missing or wrong, or a ciphertext that does not open. It
// keeps AppError's INTERNAL code (HTTP 500): either is the server's fault, never the caller's.
import { AppError } from '../errors.js';

export class VaultError extends AppError {}
