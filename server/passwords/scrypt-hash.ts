// scrypt password hashes in a versioned, self-describing format:
//   $scrypt$v=1$ln=15,r=8,p=3$<salt, base64>$<key, base64>
// node:crypto's scrypt runs in libuv's thread pool, so hashing never blocks the event loop.
// The parameters travel with each hash: raising them later only needs needsRehash() to say so.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { runLimited } from './hash-slots.js';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  r: number;
  p: number;
}

/** OWASP's scrypt row with 32 MiB per hash: N=2^15, r=8, p=3 (~240 ms on a 2-core test box). */
export const SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ ln: 15, r: 8, p: 3 });
export const SCRYPT_PREFIX = '$scrypt$v=1$';
const KEY_BYTES = 32;
const SALT_BYTES = 16;
// Bounds for parameters read back from the store: a corrupted or planted hash must not make
// one login allocate gigabytes or run for minutes.
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16] } as const;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r };
  return runLimited(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
      }),
  );
}

export async function hashScrypt(password: string, params: ScryptParams = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return `${SCRYPT_PREFIX}ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface ParsedScrypt {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

export function parseScrypt(stored: string): ParsedScrypt | undefined {
  if (!stored.startsWith(SCRYPT_PREFIX)) return undefined;
  const [paramText, saltText, keyText, ...rest] = stored.slice(SCRYPT_PREFIX.length).split('$');
  if (rest.length || !paramText || !saltText || !keyText) return undefined;
  const m = /^ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})$/.exec(paramText);
  if (!m) return undefined;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  for (const name of ['ln', 'r', 'p'] as const) {
    const [min, max] = LIMITS[name];
    if (params[name] < min || params[name] > max) return undefined;
  }
  const salt = Buffer.from(saltText, 'base64');
  const key = Buffer.from(keyText, 'base64');
  if (salt.length < SALT_BYTES || key.length !== KEY_BYTES) return undefined;
  return { params, salt, key };
}

export async function verifyScrypt(password: string, parsed: ParsedScrypt): Promise<boolean> {
  const key = await derive(password, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.key);
}
