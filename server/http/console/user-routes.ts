// 账号管理 (platform team only): list console accounts, add one, change role and departments,
// reset a password, disable or enable. Unpacks the form, calls one console function, renders.
import { Router, type Request, type Response } from 'express';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { LiveBuild } from '../../live-build.js';
import type { Store } from '../../store/index.js';
import { changeRole, createUser, listUsers, resetPassword, ROLE_NAMES, setDisabled, type ManageDeps, type SessionUser } from '../../console/index.js';
import { endUserSessions, requireRole } from './console-auth.js';
import type { PageRenderer } from './page.js';

export interface UserRouteDeps {
  store: Store;
  live: LiveBuild;
  page: PageRenderer;
  now: () => Date;
}

const FLASH: Record<string, string> = {
  added: '账号已创建。',
  updated: '角色和部门已修改，立即生效。',
  password: '密码已重置，该账号的登录会话已全部退出。',
  disabled: '账号已停用，该账号的登录会话已全部退出。',
  enabled: '账号已启用。',
};

const text = (req: Request, name: string) => {
  const v = (req.body as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : '';
};
const list = (req: Request, name: string) => {
  const v = (req.body as Record<string, unknown>)[name];
  return (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []).filter((d): d is string => typeof d === 'string' && d !== '');
};

export function createUserRoutes(deps: UserRouteDeps): Router {
  const { store, live, page, now } = deps;
  const router = Router();
  const platform = requireRole('platform');
  const manage: ManageDeps = {
    store,
    now,
    departments: () => live.current().departments.map((d) => d.id),
    endSessions: (userId) => endUserSessions(store, userId),
  };
  const me = (res: Response) => res.locals.user as SessionUser;

  async function render(res: Response, extra: Record<string, unknown> = {}) {
    const departments = live.current().departments;
    const name = (id: string) => departments.find((d) => d.id === id)?.name ?? id;
    const users = (await listUsers(store)).map((u) => ({
      ...u,
      roleName: ROLE_NAMES[u.role],
      departmentNames: u.departments.map(name).join('、'),
      isMe: u.id === me(res).id,
      options: departments.map((d) => ({ id: d.id, name: d.name, checked: u.departments.includes(d.id) })),
      roles: Object.entries(ROLE_NAMES).map(([value, label]) => ({ value, label, selected: value === u.role })),
    }));
    page(res, 'users', '账号管理', {
      users,
      departments,
      roles: Object.entries(ROLE_NAMES).map(([value, label]) => ({ value, label })),
      ...extra,
    }, '/console/users');
  }

  /** A refused change is shown on the same page with its reason; nothing changed. */
  const action = (path: string, run: (req: Request, res: Response) => Promise<string>) =>
    router.post(path, platform, async (req, res) => {
      let msg: string;
      try {
        msg = await run(req, res);
      } catch (err) {
        if (!(err instanceof ValidationError || err instanceof ConflictError || err instanceof NotFoundError)) throw err;
        res.status(err instanceof NotFoundError ? 404 : err instanceof ConflictError ? 409 : 400);
        return render(res, { error: err.message, form: { username: text(req, 'username'), role: text(req, 'role') } });
      }
      res.redirect(303, `/console/users?msg=${msg}`);
    });

  router.get('/users', platform, async (req, res) => render(res, { flash: FLASH[String(req.query.msg ?? '')] }));
  action('/users', async (req, res) => {
    await createUser(manage, me(res), { username: text(req, 'username').trim(), password: text(req, 'password'), role: text(req, 'role'), departments: list(req, 'departments') });
    return 'added';
  });
  const id = (req: Request) => String(req.params.id ?? '');
  action('/users/:id/role', async (req, res) => (await changeRole(manage, me(res), id(req), text(req, 'role'), list(req, 'departments')), 'updated'));
  action('/users/:id/password', async (req, res) => (await resetPassword(manage, me(res), id(req), text(req, 'password')), 'password'));
  action('/users/:id/disable', async (req, res) => (await setDisabled(manage, me(res), id(req), true), 'disabled'));
  action('/users/:id/enable', async (req, res) => (await setDisabled(manage, me(res), id(req), false), 'enabled'));
  return router;
}
