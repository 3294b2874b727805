// Which CLI entry to run: the compiled dist/ (npm run build) when it is at least as new as every
// source file, otherwise the TypeScript sources through tsx (a fresh clone, or sources edited
// since the last build). Checking ~200 mtimes costs a few milliseconds.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const COMPILED_ENTRY = 'dist/server/cli/index.js';
export const SOURCE_ENTRY = 'server/cli/index.ts';

function newestSource(dir) {
  let newest = 0;
  for (const name of readdirSync(dir, { recursive: true })) {
    if (!String(name).endsWith('.ts')) continue;
    newest = Math.max(newest, statSync(path.join(dir, String(name))).mtimeMs);
  }
  return newest;
}

/** { kind: 'compiled' | 'source', entry: absolute path, reason? } for the project at root. */
export function chooseEntry(root) {
  const compiled = path.join(root, COMPILED_ENTRY);
  const source = path.join(root, SOURCE_ENTRY);
  let builtAt;
  try {
    builtAt = statSync(compiled).mtimeMs;
  } catch {
    return { kind: 'source', entry: source, reason: 'no-build' };
  }
  if (newestSource(path.join(root, 'server')) > builtAt) return { kind: 'source', entry: source, reason: 'stale-build' };
  return { kind: 'compiled', entry: compiled };
}
