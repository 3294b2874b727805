// Where to send someone after they sign in (`?next=`). Only a path on this site under the given
// prefix passes; anything else could turn our login into an open redirect to another site.

const UNSAFE = /[\u0000-\u001f\\]/; // control characters and backslashes ("/\evil.com" is a host to browsers)

/**
 * `next` when it is a path under `prefix` on this site, else `fallback`. "//evil.com" (a
 * protocol-relative URL), "https://…", backslashes and control characters never pass.
 */
export function safeNext(next: unknown, prefix = '/', fallback = prefix): string {
  if (typeof next !== 'string' || !next.startsWith(prefix) || next.startsWith('//') || UNSAFE.test(next)) return fallback;
  return next;
}
