// Every route of an express app, by walking its router stack (express 5 / router 2): mounted
// routers keep their mount path in layer.rawPath, routes their path and methods; a plain handler
// mounted with app.use lists its own in a `routes` property.
import type { Express } from 'express';

export interface RouteEntry {
  method: string;
  path: string;
}

interface Layer {
  rawPath?: string | string[];
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[]; routes?: RouteEntry[] };
}

const join = (prefix: string, path: string) => (prefix + (path === '/' && prefix ? '' : path)).replace(/\/+/g, '/') || '/';

function walk(stack: Layer[], prefix: string, out: RouteEntry[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const p of paths) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.push({ method: method.toUpperCase(), path: join(prefix, p) });
      }
    } else if (layer.handle?.routes) {
      // A plain handler that is not a Router (the WeChat callback) names its routes itself.
      const mount = Array.isArray(layer.rawPath) ? (layer.rawPath[0] ?? '/') : (layer.rawPath ?? '/');
      for (const r of layer.handle.routes) out.push({ method: r.method, path: join(join(prefix, mount === '/' ? '' : mount), r.path) });
    } else if (layer.handle?.stack) {
      const mounts = Array.isArray(layer.rawPath) ? layer.rawPath : [layer.rawPath ?? '/'];
      for (const m of mounts) walk(layer.handle.stack, join(prefix, m === '/' ? '' : m), out);
    }
  }
}

/** The app's routes, sorted by path then method, without duplicates. */
export function listRoutes(app: Express): RouteEntry[] {
  const router = (app as unknown as { router: { stack: Layer[] } }).router;
  const out: RouteEntry[] = [];
  walk(router.stack, '', out);
  const seen = new Set<string>();
  return out
    .filter((r) => {
      const key = `${r.method} ${r.path}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
