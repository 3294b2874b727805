// Rendering a console page: every page gets the layout, the navigation the user's role allows,
// the signed-in user and the session's CSRF token for its forms.
import type { Response } from 'express';
import { cityDate, cityMinutes, hhmm } from '../../calendar/index.js';
import type { Renderer } from '../../render.js';
import { ROLE_NAMES, type SessionUser } from '../../console/index.js';

export interface NavItem {
  href: string;
  label: string;
  active: boolean;
}

function navFor(user: SessionUser | undefined, active: string): NavItem[] {
  if (!user) return [];
  const items: Array<[string, string, boolean]> = [
    ['/console/', '首页', true],
    ['/console/departments', '部门文件', true],
    ['/console/review', '审核与发布', user.role === 'platform'],
    ['/console/matters', '一件事会签', user.role === 'platform' || user.role === 'dept-admin'],
    ['/console/preview', '合并预览', user.role === 'platform'],
    ['/console/versions', '版本与回滚', user.role === 'platform'],
    ['/console/appeals', '申诉复核', user.role === 'platform'],
    ['/console/users', '账号管理', user.role === 'platform'],
    ['/console/audit', '审计日志', user.role === 'platform'],
    ['/console/broadcasts', '群发', true],
    ['/console/simulator', '公众号模拟器', true],
    ['/console/stats', '综合评估', true],
  ];
  return items.filter(([, , shown]) => shown).map(([href, label]) => ({ href, label, active: href === active }));
}

/**
 * A stored UTC instant (ISO string) as the city reads it: "2026-11-22 11:47", Asia/Shanghai.
 * Text that is not a date is shown as it is, so a bad record still displays.
 */
export function cityTime(value: unknown): string {
  if (typeof value !== 'string' && !(value instanceof Date)) return '';
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return String(value);
  return `${cityDate(at)} ${hhmm(cityMinutes(at))}`;
}

export type PageRenderer = (res: Response, name: string, title: string, data?: Record<string, unknown>, active?: string) => void;

export function createPageRenderer(renderer: Renderer, localMode: boolean): PageRenderer {
  return (res, name, title, data = {}, active = '') => {
    const user = res.locals.user as SessionUser | undefined;
    const html = renderer.page(
      `console/${name}`,
      {
        title,
        user,
        roleName: user ? ROLE_NAMES[user.role] : '',
        isPlatform: user?.role === 'platform',
        csrfToken: res.locals.csrfToken,
        nav: navFor(user, active),
        // The account switcher (a city of several accounts only) and the account shown.
        consoleAccounts: res.locals.consoleAccounts ?? [],
        consoleAccountName: (res.locals.consoleAccount as { name?: string } | undefined)?.name,
        localMode,
        // Called as {{@root.cityTime x}}: the shared renderer's helpers are not console-specific,
        // and a function on the root context works as a helper from inside {{#each}} too.
        cityTime,
        ...data,
      },
      'console/layout',
    );
    res.type('html').send(html);
  };
}
