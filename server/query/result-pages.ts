// Result pages for long answers (a list of violations with scene photos). Kept in memory only, so
// no result ever reaches the disk; each page answers only the citizen who asked and expires.
import { randomBytes } from 'node:crypto';

export interface ResultPage {
  service: string;
  openid: string;
  title: string;
  /** Cards, each a list of label/value pairs, in the order the department declared. */
  items: { label: string; value: string }[][];
  /** Photo fetchers by index, for the connector's photos (see ResultPage.photos). */
  photos: string[][];
  summary: string;
  createdAt: number;
  expiresAt: number;
}

export interface ResultPages {
  put(page: Omit<ResultPage, 'createdAt' | 'expiresAt'>, ttlMs: number, now: number): string;
  /** The page for this token when it is the asker's and still fresh. */
  get(token: string, openid: string | undefined, now: number): ResultPage | undefined;
  readonly size: number;
}

const MAX_PAGES = 20_000;

export function createResultPages(): ResultPages {
  const pages = new Map<string, ResultPage>();
  const sweep = (now: number) => {
    for (const [token, page] of pages) if (page.expiresAt <= now) pages.delete(token);
  };
  return {
    put(page, ttlMs, now) {
      if (pages.size >= MAX_PAGES) sweep(now);
      if (pages.size >= MAX_PAGES) pages.delete(pages.keys().next().value!); // oldest first
      const token = randomBytes(18).toString('base64url');
      pages.set(token, { ...page, createdAt: now, expiresAt: now + ttlMs });
      return token;
    },
    get(token, openid, now) {
      const page = pages.get(token);
      if (!page) return undefined;
      if (page.expiresAt <= now) {
        pages.delete(token);
        return undefined;
      }
      return openid !== undefined && openid === page.openid ? page : undefined;
    },
    get size() {
      return pages.size;
    },
  };
}
