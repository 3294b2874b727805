// A throwaway PostgreSQL cluster owned by the test run: initdb into a temp dir, postgres on a
// unix socket in that dir (no TCP port, so parallel runs never collide), removed afterwards.
// As root the server runs as `nobody` (initdb and postgres refuse root). Started on first use
// and stopped by the root hook in test/support/root-hooks.ts.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCluster {
  /** A connection string for the cluster's `postgres` database (unix socket, trust auth). */
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/** Where Debian (or PG_BIN) keeps initdb and postgres; undefined when PostgreSQL is not installed. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  // PG_BIN, when set, is the only place looked at (PG_BIN=/nonexistent shows the missing case).
  const candidates = env.PG_BIN ? [env.PG_BIN] : [];
  const debian = '/usr/lib/postgresql';
  if (!env.PG_BIN && existsSync(debian)) {
    for (const v of readdirSync(debian).sort((a, b) => Number(b) - Number(a))) candidates.push(path.join(debian, v, 'bin'));
  }
  return candidates.find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'postgres')));
}

const USER = 'onestop';

export interface ClusterOptions {
  /** fsync and synchronous commits on (benchmarks); off by default (tests). */
  durable?: boolean;
  /** More server settings, `name=value` each (e.g. `shared_preload_libraries=pg_stat_statements`). */
  settings?: string[];
}

export async function startCluster(bin: string, options: ClusterOptions = {}): Promise<TestCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'onestop-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? { uid: Number(execFileSync('id', ['-u', 'nobody']).toString()), gid: Number(execFileSync('id', ['-g', 'nobody']).toString()) } : {};
  if (asRoot) chownSync(dir, ids.uid!, ids.gid!);
  const run = (cmd: string, args: string[]) => execFileSync(path.join(bin, cmd), args, { ...ids, cwd: dir, stdio: 'pipe' });
  try {
    run('initdb', ['-D', data, '-U', USER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb 失败: ${(err as { stderr?: Buffer }).stderr?.toString() ?? err}`);
  }
  // Durability off for tests: the data is thrown away, and fsync on a shared 2-core box is the
  // slow part. Benchmarks ask for durable commits, to compare fairly with the fsynced lowdb store.
  const fast = options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
  const extra = (options.settings ?? []).flatMap((setting) => ['-c', setting]);
  const args = ['-D', data, '-k', dir, '-c', 'listen_addresses=', ...fast, '-c', 'max_connections=200', ...extra];
  const child: ChildProcess = spawn(path.join(bin, 'postgres'), args, { ...ids, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  // If the test process dies without the root hook, do not leave a server behind.
  const onExit = () => {
    child.kill('SIGKILL');
    cleanup();
  };
  process.once('exit', onExit);
  const url = `postgresql://${USER}@localhost/postgres?host=${encodeURIComponent(dir)}`;
  await waitReady(bin, dir, ids, () => (child.exitCode !== null ? stderr : undefined));
  return {
    url,
    dir,
    async stop() {
      process.removeListener('exit', onExit);
      child.kill('SIGINT'); // fast shutdown
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      cleanup();
    },
  };
}

async function waitReady(bin: string, socketDir: string, ids: { uid?: number; gid?: number }, died: () => string | undefined) {
  for (let i = 0; i < 200; i++) {
    const dead = died();
    if (dead !== undefined) throw new Error(`postgres 启动失败: ${dead}`);
    try {
      execFileSync(path.join(bin, 'pg_isready'), ['-h', socketDir, '-U', USER, '-d', 'postgres', '-q'], { ...ids, stdio: 'ignore' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('postgres 20 秒内未就绪');
}
