// A unified line diff of one file (jsdiff), for reviewers who want the exact text beside the
// citizen-facing changes. Unchanged stretches are cut to three lines of context.
import { structuredPatch } from 'diff';
import type { CityFiles } from '../builder/index.js';

export interface DiffRow {
  kind: 'added' | 'removed' | 'context' | 'hunk';
  /** Line numbers in the old and new file (absent on the other side). */
  oldLine?: number;
  newLine?: number;
  text: string;
}

export interface FileDiff {
  path: string;
  change: 'added' | 'removed' | 'changed';
  rows: DiffRow[];
  added: number;
  removed: number;
}

export function diffLines(path: string, before: string | undefined, after: string | undefined): FileDiff | undefined {
  if (before === after) return undefined;
  const patch = structuredPatch(path, path, before ?? '', after ?? '', '', '', { context: 3 });
  const rows: DiffRow[] = [];
  let added = 0;
  let removed = 0;
  for (const hunk of patch.hunks) {
    rows.push({ kind: 'hunk', text: `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@` });
    let oldLine = hunk.oldStart;
    let newLine = hunk.newStart;
    for (const line of hunk.lines) {
      const mark = line[0];
      const text = line.slice(1);
      if (mark === '+') { rows.push({ kind: 'added', newLine: newLine++, text }); added++; }
      else if (mark === '-') { rows.push({ kind: 'removed', oldLine: oldLine++, text }); removed++; }
      else if (mark === ' ') rows.push({ kind: 'context', oldLine: oldLine++, newLine: newLine++, text });
    }
  }
  return { path, change: before === undefined ? 'added' : after === undefined ? 'removed' : 'changed', rows, added, removed };
}

/** The line diff of every file that differs between two sets of city files. */
export function diffFiles(before: CityFiles, after: CityFiles): FileDiff[] {
  const old = new Map(before.files.map((f) => [f.path, f.text]));
  const next = new Map(after.files.map((f) => [f.path, f.text]));
  const paths = [...new Set([...old.keys(), ...next.keys()])].sort();
  return paths.map((p) => diffLines(p, old.get(p), next.get(p))).filter((d): d is FileDiff => d !== undefined);
}
