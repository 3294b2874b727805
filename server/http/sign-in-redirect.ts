// H5 pages that act for the citizen send an anonymous caller to sign in (WeChat OAuth, or the
// local test sign-in) and back to the page they asked for, instead of answering 401.
import type { NextFunction, Request, Response } from 'express';

/** The sign-in page that returns to `next` afterwards. */
export function signInUrl(localMode: boolean, next: string): string {
  return `${localMode ? '/auth/local' : '/auth/wechat'}?next=${encodeURIComponent(next)}`;
}

/** Mount after optionalCitizen: passes a signed-in citizen, redirects anyone else to sign in. */
export function signInRedirect(localMode: boolean) {
  return (req: Request, res: Response, next: NextFunction) => (res.locals.openid ? next() : res.redirect(302, signInUrl(localMode, req.originalUrl)));
}
