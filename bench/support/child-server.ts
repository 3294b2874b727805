// Shared by the benches that run onestop in a child process: start the child and wait for the
// "PORT n" line it prints, and read how much CPU it has used (the figure load on a shared machine
// distorts least).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Runs `script` with tsx and `args`; resolves once the child prints `PORT <n>`. With
 * BENCH_CPU_PROF=<dir>, a `--server` or `--serve` child writes a V8 CPU profile there when it exits.
 */
export async function startChild(script: string, args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const prof = process.env.BENCH_CPU_PROF && args[0]?.startsWith('--serve') ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /PORT (\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return { child, port };
}

/** CPU seconds a process has used so far (Linux /proc; undefined elsewhere). */
export function cpuSeconds(pid: number, statFile = `/proc/${pid}/stat`): number | undefined {
  try {
    const fields = readFileSync(statFile, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 10 ms
  } catch {
    return undefined;
  }
}

/** CPU seconds of a process's main thread alone (its event loop; Linux task id = pid), without worker threads. */
export function mainThreadCpuSeconds(pid: number): number | undefined {
  return cpuSeconds(pid, `/proc/${pid}/task/${pid}/stat`);
}
