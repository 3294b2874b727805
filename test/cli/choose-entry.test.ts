import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chooseEntry } from '../../bin/choose-entry.js';
import { findProjectRoot, projectRoot } from '../../server/config.js';

describe('chooseEntry (bin/onestop.js)', () => {
  let root: string;
  const touch = (file: string, secondsAgo: number) => {
    const full = path.join(root, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, '');
    const t = Date.now() / 1000 - secondsAgo;
    utimesSync(full, t, t);
  };
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'onestop-entry-'));
    touch('server/cli/index.ts', 100);
    touch('server/store/deep/file.ts', 90);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('runs the sources through tsx in a fresh clone (no dist/)', () => {
    assert.deepEqual(chooseEntry(root), { kind: 'source', entry: path.join(root, 'server/cli/index.ts'), reason: 'no-build' });
  });

  it('runs the compiled dist/ when it is newer than every source file', () => {
    touch('dist/server/cli/index.js', 10);
    assert.deepEqual(chooseEntry(root), { kind: 'compiled', entry: path.join(root, 'dist/server/cli/index.js') });
  });

  it('falls back to the sources when any source file changed after the build', () => {
    touch('dist/server/cli/index.js', 50);
    touch('server/store/deep/file.ts', 5);
    assert.equal(chooseEntry(root).kind, 'source');
    assert.equal(chooseEntry(root).reason, 'stale-build');
  });
});

describe('findProjectRoot', () => {
  it('finds package.json one level up from server/ and two up from dist/server/', () => {
    assert.equal(projectRoot, findProjectRoot(path.join(projectRoot, 'server')));
    assert.equal(findProjectRoot(path.join(projectRoot, 'dist', 'server')), projectRoot);
  });
});
