// Which account the console is looking at. In a city of several accounts the header's switcher
// (POST /console/account) keeps the choice in a cookie; preview, simulator, versions, rollback and
// the audit log then show that account. Review and publish stay city-wide.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AccountInfo, AccountRegistry } from '../../accounts/index.js';
import { scopedStore } from '../../accounts/index.js';
import type { Config } from '../../config.js';
import type { Gateway } from '../../gateway/index.js';
import type { LiveBuild } from '../../live-build.js';
import type { Publisher } from '../../publish/index.js';
import type { Store } from '../../store/index.js';
import { readCookie } from '../identity.js';

export const CONSOLE_ACCOUNT_COOKIE = 'os_console_account';

export interface ConsoleAccount {
  id: string;
  name: string;
  type: 'service' | 'subscription';
  primary: boolean;
  callbackPath: string;
  live: LiveBuild;
  /** This account's own publisher: its versions and its rollback. */
  publisher: Publisher;
  gateway: Pick<Gateway, 'simulate'>;
  /** What the simulator signs pushes with. */
  wechat: { token: string; appId?: string; encodingAesKey?: string };
  /** Where this account's local stand-in keeps its outbox. */
  standinStore: Store;
}

export interface ConsoleAccountDeps {
  config: Config;
  store: Store;
  live: LiveBuild;
  publisher: Publisher;
  gateway: Pick<Gateway, 'simulate'>;
  accounts?: AccountRegistry;
  gateways?: ReadonlyMap<string, Pick<Gateway, 'simulate'>>;
}

export const consoleAccount = (res: Response) => res.locals.consoleAccount as ConsoleAccount;

export function createConsoleAccounts(deps: ConsoleAccountDeps, back: (req: Request) => string) {
  const several = () => (deps.accounts?.list().length ?? 0) > 1;
  const single = (): ConsoleAccount => {
    const build = deps.live.current();
    const id = build.account.id ?? 'main';
    return { id, name: build.account.name, type: build.account.type, primary: true, callbackPath: '/wechat', live: deps.live, publisher: deps.publisher, gateway: deps.gateway, wechat: deps.config.wechat, standinStore: deps.store };
  };
  const of = (id: string | undefined): ConsoleAccount => {
    if (!several() || !deps.accounts) return single();
    const runtime = deps.accounts.get(id !== undefined && deps.accounts.has(id) ? id : deps.accounts.primary().id);
    const { info } = runtime;
    return {
      id: info.id,
      name: info.name,
      type: info.type,
      primary: info.primary,
      callbackPath: info.callbackPath,
      live: runtime.live,
      publisher: runtime.publisher,
      gateway: deps.gateways?.get(info.id) ?? deps.gateway,
      wechat: runtime.credentials,
      standinStore: info.primary ? deps.store : scopedStore(deps.store, `account-${info.id}-`),
    };
  };

  const middleware = (req: Request, res: Response, next: NextFunction) => {
    const chosen = of(readCookie(req, CONSOLE_ACCOUNT_COOKIE));
    res.locals.consoleAccount = chosen;
    res.locals.consoleAccounts = several() ? deps.accounts!.list().map((a: AccountInfo) => ({ ...a, current: a.id === chosen.id, typeName: a.type === 'service' ? '服务号' : '订阅号' })) : [];
    next();
  };

  const router = Router();
  // The switcher: a plain form post (CSRF-checked like every console post), back to the same page.
  router.post('/account', (req, res) => {
    const id = String((req.body as { account?: unknown })?.account ?? '');
    if (deps.accounts?.has(id)) {
      res.cookie(CONSOLE_ACCOUNT_COOKIE, id, { httpOnly: true, sameSite: 'strict', secure: deps.config.publicBaseUrl.startsWith('https://'), path: '/console' });
    }
    res.redirect(303, back(req));
  });

  /** Audit records of this account: a further account's carry its id in the target. */
  const auditFilter = (account: ConsoleAccount) => {
    const others = (deps.accounts?.list() ?? []).filter((a) => a.id !== account.id).map((a) => `公众号 ${a.id} `);
    return (target: string) => (account.primary ? !others.some((p) => target.startsWith(p)) : target.startsWith(`公众号 ${account.id} `));
  };

  return { middleware, router, auditFilter };
}
