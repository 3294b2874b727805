// docs/api.md lists every route with who may call it. This walks the router stack of the app as
// `onestop serve` builds it and fails on a route missing from the list, or a listed route that
// no longer exists.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../server/config.js';
import { createFullApp } from './full-app.js';
import { listRoutes } from './list-routes.js';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

function documented() {
  const text = readFileSync(path.join(projectRoot, 'docs', 'api.md'), 'utf8');
  const rows = text.split('\n').filter((l) => l.startsWith('|')).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  const who = new Set(rows.filter((r) => r.length === 2 && r[0] !== 'who' && !/^-+$/.test(r[0]!)).map((r) => r[0]!));
  const routes = rows.filter((r) => METHODS.has(r[0]!)).map(([method, route, caller]) => ({ method: method!, path: route!, who: caller ?? '' }));
  return { who, routes };
}

describe('the route table (docs/api.md)', () => {
  let actual: string[];
  const doc = documented();
  before(async () => {
    actual = listRoutes(await createFullApp()).map((r) => `${r.method} ${r.path}`);
  });

  it('lists every route the app serves', () => {
    const listed = new Set(doc.routes.map((r) => `${r.method} ${r.path}`));
    assert.deepEqual(actual.filter((r) => !listed.has(r)), [], 'routes missing from docs/api.md');
  });

  it('lists no route the app does not serve', () => {
    const served = new Set(actual);
    assert.deepEqual(doc.routes.map((r) => `${r.method} ${r.path}`).filter((r) => !served.has(r)), [], 'docs/api.md rows without a route');
  });

  it('says for every route who may call it, in the words of its legend', () => {
    assert.ok(doc.who.size >= 5, 'the legend of callers is missing');
    assert.deepEqual(doc.routes.filter((r) => !doc.who.has(r.who)).map((r) => `${r.method} ${r.path}: “${r.who}”`), []);
  });

  it('lists each route once', () => {
    const keys = doc.routes.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), []);
  });
});
