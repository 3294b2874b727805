// The inspection index deducts points for broken functions: a menu view button whose page does not
// load is one. A periodic job opens every view link of the live menu (GET, no redirects followed, a
// short timeout) and keeps the last result; the dashboard's watchdog reads it.
import type { AccountBuild, MenuButton } from '../builder/index.js';
import type { Doc, Store } from '../store/index.js';
import { startPeriodic } from './periodic.js';

export interface LinkResult {
  /** The button's name as the phone shows it ("出行 › 违章查询"). */
  name: string;
  url: string;
  ok: boolean;
  /** HTTP status, or the reason it did not answer. */
  detail: string;
}

export interface LinkCheck extends Doc {
  checkedAt: string;
  links: LinkResult[];
}

export const LINK_CHECK_TIMEOUT_MS = 8000;
/** Every 6 hours, and at start-up. */
export const LINK_CHECK_EVERY_MS = 6 * 3600_000;

const checksOf = (store: Store) => store.collection<LinkCheck>('statsLinkChecks');

export function menuViewLinks(build: Pick<AccountBuild, 'menu'>): Array<{ name: string; url: string }> {
  const out: Array<{ name: string; url: string }> = [];
  const walk = (buttons: MenuButton[], prefix: string) => {
    for (const b of buttons) {
      if ('sub_button' in b) walk(b.sub_button, `${b.name} › `);
      else if (b.type === 'view') out.push({ name: `${prefix}${b.name}`, url: b.url });
    }
  };
  walk(build.menu.button, '');
  return out;
}

/** Opens one link: a 2xx or 3xx answer within the timeout counts as loading. */
export async function openLink(url: string, timeoutMs = LINK_CHECK_TIMEOUT_MS): Promise<{ ok: boolean; detail: string }> {
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return { ok: res.status < 400, detail: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, detail: (err as Error).name === 'TimeoutError' ? '超时' : '无法连接' };
  }
}

export interface LinkCheckDeps {
  store: Store;
  build: () => Pick<AccountBuild, 'menu'>;
  open?: (url: string) => Promise<{ ok: boolean; detail: string }>;
  now?: () => Date;
}

export async function checkMenuLinks(deps: LinkCheckDeps): Promise<LinkCheck> {
  const open = deps.open ?? ((url: string) => openLink(url));
  const links = await Promise.all(menuViewLinks(deps.build()).map(async (l) => ({ ...l, ...(await open(l.url)) })));
  return checksOf(deps.store).put({ id: 'menu', checkedAt: (deps.now?.() ?? new Date()).toISOString(), links });
}

export function lastMenuLinkCheck(store: Store): Promise<LinkCheck | undefined> {
  return checksOf(store).get('menu');
}

/** Checks at start-up and then every few hours; the timer never keeps the process alive. Returns stop. */
export function startMenuLinkChecks(deps: LinkCheckDeps, everyMs = LINK_CHECK_EVERY_MS): () => void {
  const run = () => void checkMenuLinks(deps).catch((err: unknown) => console.warn(`[onestop:stats] 菜单链接检查失败：${(err as Error).message}`));
  return startPeriodic(run, 30_000, everyMs);
}
