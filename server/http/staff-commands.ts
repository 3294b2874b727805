// `onestop staff-token --department jiaojing --label 窗口1`: issues a bearer token for a
// department's window staff. The token is printed once; only its hash is stored.
import { Command } from 'commander';
import { ValidationError } from '../errors.js';
import type { Store } from '../store/types.js';
import { createStaffToken } from './identity.js';

const DEPARTMENT = /^[a-z][a-z0-9-]*$/;

export async function issueStaffToken(store: Store, department: string, label: string, print: (line: string) => void = console.log): Promise<string> {
  if (!DEPARTMENT.test(department)) throw new ValidationError(`部门标识“${department}”无效：应为小写字母开头的字母、数字或连字符`);
  if (!label.trim() || label.length > 40) throw new ValidationError('请用 --label 写明令牌用途（1~40 字），如“窗口1”');
  const token = await createStaffToken(store, department, label.trim());
  print(`部门 ${department}（${label.trim()}）的访问令牌（只显示这一次，请妥善保存）：`);
  print(token);
  print('调用接口时使用请求头：Authorization: Bearer <令牌>');
  return token;
}

/** openStore: how the CLI opens the same store the server uses (the caller closes nothing else). */
export function createStaffTokenCommand(openStore: () => Promise<Store>, print: (line: string) => void = console.log): Command {
  return new Command('staff-token')
    .description('为部门工作人员签发访问令牌（只显示一次）')
    .requiredOption('--department <id>', '部门标识，如 jiaojing')
    .requiredOption('--label <text>', '令牌用途，如 窗口1')
    .action(async (opts: { department: string; label: string }) => {
      const store = await openStore();
      try {
        await issueStaffToken(store, opts.department, opts.label, print);
      } finally {
        await store.close();
      }
    });
}
