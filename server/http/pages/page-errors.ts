// The citizen pages' error renderer: a Chinese page (h5/message) with the status from the one
// table, never a JSON body. A browser in WeChat shows whatever it gets; a JSON error there is a
// dead end for the citizen.
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../errors.js';
import type { Renderer } from '../../render.js';
import { domainErrorOf, errorBodyOf, statusOf } from '../error-status.js';

export interface PageChrome {
  /** The account's name in the page header. */
  accountName: () => string;
  localMode: boolean;
}

const TITLES: Record<number, string> = { 400: '请求有误', 401: '请先登录', 403: '无法访问', 404: '未找到', 409: '暂不能办理', 413: '文件过大', 429: '操作过于频繁' };

export function pageErrorHandler(renderer: Renderer, chrome: PageChrome) {
  return (raw: unknown, req: Request, res: Response, _next: NextFunction) => {
    const err = domainErrorOf(raw, `${req.method} ${req.path}`);
    const status = statusOf(err);
    if (res.headersSent) return;
    if (status >= 500 && !(err instanceof AppError)) console.error('[onestop] unexpected error', err);
    const { message } = errorBodyOf(err, status);
    const title = TITLES[status] ?? (status >= 500 ? '服务暂时不可用' : '无法完成');
    res
      .status(status)
      .type('html')
      .send(renderer.page('h5/message', { title, backUrl: '/', localMode: chrome.localMode, accountName: chrome.accountName(), message }));
  };
}
