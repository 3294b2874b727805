// `onestop staff-token`: bearer tokens for a department's window staff and systems.
//   --department jiaojing --label 窗口1   issues a token; it is printed once, only its hash is stored
//   --list [--department jiaojing]        lists tokens by id (first 8 hex digits of the hash), never the token
//   --revoke <id>                         revokes one; requireStaff refuses it from then on
import { Command } from 'commander';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { Store } from '../store/index.js';
import { createStaffToken, hashToken, staffTokenShortId, staffTokensOf, type StaffToken } from '../desk/index.js';

const DEPARTMENT = /^[a-z][a-z0-9-]*$/;
/** An id as --list prints it, or a longer prefix of the hash up to all of it. */
const TOKEN_ID = /^[0-9a-f]{8,64}$/;

function checkDepartment(department: string): void {
  if (!DEPARTMENT.test(department)) throw new ValidationError(`部门标识“${department}”无效：应为小写字母开头的字母、数字或连字符`);
}

export async function issueStaffToken(store: Store, department: string, label: string, print: (line: string) => void = console.log): Promise<string> {
  checkDepartment(department);
  if (!label.trim() || label.length > 40) throw new ValidationError('请用 --label 写明令牌用途（1~40 字），如“窗口1”');
  const token = await createStaffToken(store, department, label.trim());
  print(`部门 ${department}（${label.trim()}）的访问令牌（只显示这一次，请妥善保存）：`);
  print(token);
  print('调用接口时使用请求头：Authorization: Bearer <令牌>');
  print(`令牌编号：${staffTokenShortId({ id: hashToken(token) })}（查看用 --list，吊销用 --revoke <编号>）`);
  return token;
}

/** Prints one line per token (编号, department, label, created, state), oldest first; returns them. */
export async function listStaffTokens(store: Store, department: string | undefined, print: (line: string) => void = console.log): Promise<StaffToken[]> {
  if (department !== undefined) checkDepartment(department);
  const tokens = department === undefined ? await staffTokensOf(store).list() : await staffTokensOf(store).findBy('department', department);
  const sorted = [...tokens].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  if (!sorted.length) print(department ? `部门 ${department} 没有访问令牌` : '没有访问令牌');
  for (const t of sorted) {
    print(`${staffTokenShortId(t)}  ${t.department}  ${t.label}  签发于 ${t.createdAt}  ${t.revokedAt ? `已吊销（${t.revokedAt}）` : '有效'}`);
  }
  return sorted;
}

/** Revokes the token whose hash starts with `id` (the 编号 from --list); a second revoke changes nothing. */
export async function revokeStaffToken(store: Store, id: string, print: (line: string) => void = console.log, now = new Date()): Promise<StaffToken> {
  const prefix = id.trim().toLowerCase();
  if (!TOKEN_ID.test(prefix)) throw new ValidationError(`令牌编号“${id}”无效：应为 --list 列出的 8 位十六进制编号`);
  const tokens = staffTokensOf(store);
  const matches = (await tokens.list()).filter((t) => t.id.startsWith(prefix));
  if (!matches.length) throw new NotFoundError(`没有编号为 ${prefix} 的访问令牌`);
  if (matches.length > 1) throw new ConflictError(`编号 ${prefix} 对应 ${matches.length} 个令牌，请提供更长的编号（令牌哈希的前若干位）`);
  const found = matches[0]!;
  const revoked = found.revokedAt ? found : await tokens.update(found.id, (t) => (t.revokedAt ? t : { ...t, revokedAt: now.toISOString() }));
  print(`已吊销部门 ${revoked.department}（${revoked.label}）的访问令牌 ${staffTokenShortId(revoked)}（${revoked.revokedAt}）`);
  return revoked;
}

interface StaffTokenOptions {
  department?: string;
  label?: string;
  list?: boolean;
  revoke?: string;
}

async function runStaffToken(store: Store, opts: StaffTokenOptions, print: (line: string) => void): Promise<void> {
  if (opts.revoke !== undefined) {
    if (opts.list || opts.label !== undefined) throw new ValidationError('--revoke 不能与 --list 或 --label 同时使用');
    await revokeStaffToken(store, opts.revoke, print);
  } else if (opts.list) {
    if (opts.label !== undefined) throw new ValidationError('--list 不能与 --label 同时使用');
    await listStaffTokens(store, opts.department, print);
  } else {
    if (opts.department === undefined) throw new ValidationError('请用 --department 指定部门标识，如 jiaojing');
    if (opts.label === undefined) throw new ValidationError('请用 --label 写明令牌用途（1~40 字），如“窗口1”');
    await issueStaffToken(store, opts.department, opts.label, print);
  }
}

/** openStore: how the CLI opens the same store the server uses (the caller closes nothing else). */
export function createStaffTokenCommand(openStore: () => Promise<Store>, print: (line: string) => void = console.log): Command {
  return new Command('staff-token')
    .description('部门工作人员的访问令牌：签发（只显示一次）、列出、吊销')
    .option('--department <id>', '部门标识，如 jiaojing（签发时必填；--list 时只列该部门）')
    .option('--label <text>', '令牌用途，如 窗口1（签发时必填）')
    .option('--list', '列出令牌：编号、部门、用途、签发时间、是否吊销')
    .option('--revoke <id>', '吊销编号为 <id> 的令牌（--list 列出的编号）')
    .action(async (opts: StaffTokenOptions) => {
      const store = await openStore();
      try {
        await runStaffToken(store, opts, print);
      } finally {
        await store.close();
      }
    });
}
