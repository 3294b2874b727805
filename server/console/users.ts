// Console accounts: the platform team, department admins and department staff. Passwords are
// hashed by the passwords room (scrypt, off the main thread); the plain password never reaches
// the store or a log.
import { randomUUID } from 'node:crypto';
import { ConflictError, ValidationError } from '../errors.js';
import { checkPasswordRules, checkPasswordStrength, hashPassword, needsRehash, verifyPassword } from '../passwords/index.js';
import type { Doc, Store } from '../store/index.js';

export type Role = 'platform' | 'dept-admin' | 'staff';
export const ROLES: readonly Role[] = ['platform', 'dept-admin', 'staff'];

export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  platform: '平台管理员',
  'dept-admin': '部门管理员',
  staff: '部门工作人员',
};

export interface ConsoleUser extends Doc {
  username: string;
  passwordHash: string;
  role: Role;
  /** Departments a dept-admin or staff member belongs to; empty for the platform team. */
  departments: string[];
  createdAt: string;
  /** A disabled account cannot sign in and its sessions end. */
  disabled?: boolean;
}

/** What pages and handlers see: never the hash. */
export type SessionUser = Omit<ConsoleUser, 'passwordHash'>;

export interface NewUser {
  username: string;
  password: string;
  role: string;
  departments?: string[];
}

/** The departments a city has; when given, a user's departments must be among them. */
export type KnownDepartments = readonly string[] | undefined;

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;
const DEPARTMENT_ID = /^[a-z][a-z0-9-]*$/;

export function usersOf(store: Store) {
  return store.collection<ConsoleUser>('console-users', { indexes: ['username'] });
}

/** Length rules, then the strength estimate (common and trivially weak passwords are refused). */
export function checkNewPassword(password: unknown, username: string): asserts password is string {
  checkPasswordRules(password);
  checkPasswordStrength(password, [username]);
}

export function checkRoleAndDepartments(role: unknown, departments: string[], known: KnownDepartments): asserts role is Role {
  if (!ROLES.includes(role as Role)) {
    throw new ValidationError(`角色无效：${String(role)}（应为 platform、dept-admin 或 staff）`);
  }
  if (role !== 'platform' && departments.length === 0) {
    throw new ValidationError('部门管理员和部门工作人员必须至少指定一个部门（--department）');
  }
  const bad = departments.find((d) => !DEPARTMENT_ID.test(d));
  if (bad !== undefined) throw new ValidationError(`部门编号无效：${bad}（小写字母、数字和短横线）`);
  const unknown = known ? departments.filter((d) => !known.includes(d)) : [];
  if (unknown.length) throw new ValidationError(`部门不存在：${unknown.join('、')}（现有部门：${known!.join('、')}）`);
}

function validate(input: NewUser, known: KnownDepartments): asserts input is NewUser & { role: Role } {
  if (!USERNAME.test(input.username ?? '')) {
    throw new ValidationError('用户名须为 3~32 位字母、数字、下划线、点或短横线');
  }
  checkNewPassword(input.password, input.username);
  checkRoleAndDepartments(input.role, input.departments ?? [], known);
}

/**
 * Creates a console user (CLI `onestop user add`, console 账号管理). Returns the user without the hash.
 * known: the city's departments; unknown ones are refused.
 */
export async function addUser(store: Store, input: NewUser, now = new Date(), known?: KnownDepartments): Promise<SessionUser> {
  validate(input, known);
  const users = usersOf(store);
  const passwordHash = await hashPassword(input.password);
  const user: ConsoleUser = {
    id: randomUUID(),
    username: input.username,
    passwordHash,
    role: input.role,
    departments: input.role === 'platform' ? [] : [...new Set(input.departments ?? [])].sort(),
    createdAt: now.toISOString(),
  };
  // The lock makes "is the name free" and "take it" one step across concurrent CLI runs.
  return store.withLock('console-users', async () => {
    if ((await users.findBy('username', user.username)).length) {
      throw new ConflictError(`用户名已存在：${user.username}`);
    }
    await users.insert(user);
    return publicUser(user);
  });
}

export function publicUser(user: ConsoleUser): SessionUser {
  const { passwordHash: _hash, ...rest } = user;
  return rest;
}

/** What login does to the typed username before looking it up (and what the rate limiter keys on). */
export function normalizeUsername(raw: unknown): string {
  return typeof raw === 'string' ? raw.normalize('NFKC').trim() : '';
}

// Compared against when the username is unknown, so a wrong name costs as long as a wrong password.
let dummyHash: Promise<string> | undefined;

/**
 * The user when username and password match, otherwise undefined (same cost either way). A hash
 * from before the switch to scrypt is replaced after the first successful login.
 */
export async function verifyLogin(store: Store, username: string, password: string): Promise<ConsoleUser | undefined> {
  const [user] = await usersOf(store).findBy('username', normalizeUsername(username));
  dummyHash ??= hashPassword('onestop-dummy-password');
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash));
  if (!ok || !user || user.disabled) return undefined;
  if (!needsRehash(user.passwordHash)) return user;
  const passwordHash = await hashPassword(password);
  // Only if nobody changed the password meanwhile.
  return usersOf(store).update(user.id, (current) => (current.passwordHash === user.passwordHash ? { ...current, passwordHash } : current));
}

export function canAccessDepartment(user: SessionUser, department: string): boolean {
  return user.role === 'platform' || user.departments.includes(department);
}

/** Whether the user may change (save, submit) a department's drafts. */
export function canEditDepartment(user: SessionUser, department: string): boolean {
  return user.role === 'platform' || (user.role === 'dept-admin' && user.departments.includes(department));
}
