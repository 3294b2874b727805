// One process per data directory: the store's locks are in-process, and a second process (the
// CLI while the server runs) would checkpoint and delete journals the first is still writing.
// LOCK is a symbolic link whose target is the owner's pid: created atomically with its content
// (no moment where another process reads an empty lock and takes it over) and needing no data
// block, so a server can still start on a full disk. A lock left by a dead process is taken
// over; a plain LOCK file holding a pid (older versions) is read too.
import { readFile, readlink, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { ConflictError } from '../errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DirLock {
  release(): Promise<void>;
}

export async function lockDataDir(dir: string): Promise<DirLock> {
  const file = path.join(dir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await symlink(String(process.pid), file);
      return { release: () => rm(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number((await readlink(file).catch(() => readFile(file, 'utf8')).catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
        throw new ConflictError(
          `数据目录 ${dir} 正被进程 ${owner} 使用（onestop serve 正在运行？）。请先停止该进程再运行此命令，运行中的修改请在管理后台完成。`,
          { dir, pid: owner },
        );
      }
      await rm(file, { force: true }); // left by a process that no longer exists
    }
  }
  throw new ConflictError(`无法锁定数据目录 ${dir}`, { dir });
}
