// The validate and build commands' actions, kept apart from commander so they can be called and
// tested directly. Each returns the process exit code instead of exiting.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.js';
import { buildAccount, buildCity, formatDiagnostic, hasErrors, loadCityFromDir, summarizeDiagnostics, type CityFiles } from '../builder/index.js';

export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIo: CommandIo = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
};

export interface ValidateOptions {
  dir: string;
  publicBaseUrl: string;
  json?: boolean;
}

/** Exit 0: no errors (warnings allowed); 1: errors; 2: the directory could not be read. */
export async function runValidate(options: ValidateOptions, io: CommandIo = processIo): Promise<number> {
  return guarded(io, async () => {
    const city = await loadCityFromDir(options.dir);
    // Every account of the city: an account's own findings name it ([公众号 <id>]).
    const built = buildCity(city, { publicBaseUrl: options.publicBaseUrl });
    const build = { diagnostics: built.diagnostics };
    const summary = summarizeDiagnostics(build.diagnostics, fileCount(city));
    if (options.json) {
      const errors = build.diagnostics.filter((d) => d.severity === 'error').length;
      const accounts = built.accounts.map((b) => ({ id: b.account.id, name: b.account.name, type: b.account.type }));
      const report = { ok: errors === 0, errors, warnings: build.diagnostics.length - errors, summary, ...(accounts.length > 1 ? { accounts } : {}), diagnostics: build.diagnostics };
      io.out(JSON.stringify(report, null, 2));
    } else {
      for (const d of build.diagnostics) io.out(formatDiagnostic(d));
      io.out(summary);
    }
    return hasErrors(build) ? 1 : 0;
  });
}

export interface BuildCommandOptions {
  dir: string;
  publicBaseUrl: string;
  /** Output file; the build JSON goes to stdout when absent. */
  out?: string;
  /** Which account of a several-account city; the primary when absent. */
  account?: string;
}

/** Refuses to write anything when the build has errors; writes atomically (temp file, then rename). */
export async function runBuild(options: BuildCommandOptions, io: CommandIo = processIo): Promise<number> {
  return guarded(io, async () => {
    const city = await loadCityFromDir(options.dir);
    const build = buildAccount(city, { publicBaseUrl: options.publicBaseUrl, ...(options.account ? { account: options.account } : {}) });
    for (const d of build.diagnostics) io.err(formatDiagnostic(d));
    if (hasErrors(build)) {
      io.err(`${summarizeDiagnostics(build.diagnostics, fileCount(city))}未写出构建结果。`);
      return 1;
    }
    const json = JSON.stringify(build, null, 2) + '\n';
    if (!options.out) {
      io.out(json.trimEnd());
      return 0;
    }
    const target = path.resolve(options.out);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, json);
    await rename(temp, target);
    io.err(`已写出 ${target}（${build.services.length} 个服务，${build.keywords.length} 条关键词规则，hash ${build.hash.slice(0, 12)}）`);
    return 0;
  });
}

/** Files read plus files found but unreadable: every one of them was checked. */
function fileCount(city: CityFiles): number {
  return city.files.length + (city.unreadable?.length ?? 0);
}

async function guarded(io: CommandIo, action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (err) {
    if (err instanceof AppError) {
      io.err(`错误：${err.message}`);
      return 2;
    }
    throw err;
  }
}
