// 账号管理 for the platform team: list, add, change role and departments, reset a password,
// disable and enable. Every change is audited under the acting user. Two guards keep the city
// manageable: nobody disables or demotes themselves, and the last active platform account stays.
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { hashPassword } from '../passwords/index.js';
import type { Store } from '../store/index.js';
import { audit } from '../audit/index.js';
import {
  addUser, checkNewPassword, checkRoleAndDepartments, publicUser, ROLE_NAMES, usersOf,
  type ConsoleUser, type KnownDepartments, type NewUser, type SessionUser,
} from './users.js';

export interface ManageDeps {
  store: Store;
  now: () => Date;
  /** The city's department ids; users may only belong to these. */
  departments: () => KnownDepartments;
  /** Ends every console session of a user (the sessions live with the HTTP edge). */
  endSessions: (userId: string) => Promise<void>;
}

const describe = (u: Pick<ConsoleUser, 'role' | 'departments'>) => `${ROLE_NAMES[u.role]}${u.departments.length ? `（${u.departments.join('、')}）` : ''}`;

/** Platform accounts first, then by username. */
export async function listUsers(store: Store): Promise<SessionUser[]> {
  const order = { platform: 0, 'dept-admin': 1, staff: 2 } as const;
  return (await usersOf(store).list()).map(publicUser).sort((a, b) => order[a.role] - order[b.role] || a.username.localeCompare(b.username));
}

async function load(store: Store, id: string): Promise<ConsoleUser> {
  const user = await usersOf(store).get(id);
  if (!user) throw new NotFoundError('账号不存在');
  return user;
}

/** Would the city be left without an active platform account if `id` lost platform rights? */
async function lastPlatform(store: Store, id: string): Promise<boolean> {
  const others = await usersOf(store).list((u) => u.role === 'platform' && !u.disabled && u.id !== id);
  return others.length === 0;
}

export async function createUser(deps: ManageDeps, actor: SessionUser, input: NewUser): Promise<SessionUser> {
  const created = await addUser(deps.store, { ...input, departments: input.departments ?? [] }, deps.now(), deps.departments());
  audit(deps.store, deps.now(), { actor: actor.username, action: 'user.add', target: `账号 ${created.username}`, detail: describe(created) });
  return created;
}

export async function changeRole(deps: ManageDeps, actor: SessionUser, id: string, role: unknown, departments: string[]): Promise<SessionUser> {
  const list = [...new Set(departments)].sort();
  checkRoleAndDepartments(role, list, deps.departments());
  const user = await load(deps.store, id);
  if (user.role === 'platform' && role !== 'platform') {
    if (user.id === actor.id) throw new ConflictError('不能取消自己的平台管理员角色');
    if (await lastPlatform(deps.store, id)) throw new ConflictError('这是最后一个启用的平台管理员账号，不能改为其他角色');
  }
  const updated = await usersOf(deps.store).update(id, (u) => ({ ...u, role, departments: role === 'platform' ? [] : list }));
  audit(deps.store, deps.now(), { actor: actor.username, action: 'user.update', target: `账号 ${user.username}`, detail: `${describe(user)} → ${describe(updated)}` });
  return publicUser(updated);
}

/** Sets a new password and ends the user's sessions (a reset usually follows a leak). */
export async function resetPassword(deps: ManageDeps, actor: SessionUser, id: string, password: unknown): Promise<SessionUser> {
  const user = await load(deps.store, id);
  checkNewPassword(password, user.username);
  const passwordHash = await hashPassword(password);
  const updated = await usersOf(deps.store).update(id, (u) => ({ ...u, passwordHash }));
  await deps.endSessions(id);
  audit(deps.store, deps.now(), { actor: actor.username, action: 'user.password', target: `账号 ${user.username}` });
  return publicUser(updated);
}

export async function setDisabled(deps: ManageDeps, actor: SessionUser, id: string, disabled: boolean): Promise<SessionUser> {
  const user = await load(deps.store, id);
  if (disabled && user.id === actor.id) throw new ConflictError('不能停用自己的账号');
  if (disabled && user.role === 'platform' && (await lastPlatform(deps.store, id))) throw new ConflictError('这是最后一个启用的平台管理员账号，不能停用');
  if (Boolean(user.disabled) === disabled) throw new ValidationError(disabled ? '该账号已停用' : '该账号已启用');
  const updated = await usersOf(deps.store).update(id, (u) => ({ ...u, disabled }));
  if (disabled) await deps.endSessions(id);
  audit(deps.store, deps.now(), { actor: actor.username, action: disabled ? 'user.disable' : 'user.enable', target: `账号 ${user.username}` });
  return publicUser(updated);
}
