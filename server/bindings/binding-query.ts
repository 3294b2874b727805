// Queries that use bindings: a bound citizen who sends the keyword alone ("违章") gets the query run
// with each of their bindings of the kind the query names, the binding's fields filling the
// inputs of the same name.
import type { AccountBuild } from '../builder/index.js';
import type { BindingsDeps } from './binding-types.js';
import { listBindings } from './read-bindings.js';

/** How many bound things one message looks up at most (one chat reply carries them all). */
export const MAX_BOUND_LOOKUPS = 3;

/** The binding kind a query service names, or undefined (most queries use none). */
const byBuild = new WeakMap<AccountBuild, Map<string, string>>();

export function queryBindingOf(build: AccountBuild, serviceRef: string): string | undefined {
  // Asked for every query keyword the gateway answers: one map per build.
  let kinds = byBuild.get(build);
  if (!kinds) {
    kinds = new Map();
    for (const service of build.services) {
      const kind = service.steps.query?.binding;
      if (kind && build.bindings?.some((k) => k.department === service.department && k.id === kind)) kinds.set(service.ref, kind);
    }
    byBuild.set(build, kinds);
  }
  return kinds.get(serviceRef);
}

/** The query inputs from each of the citizen's bindings of that kind (at most MAX_BOUND_LOOKUPS); [] when none. */
export async function boundQueryInputs(deps: BindingsDeps, input: { openid: string; service: string }): Promise<{ inputs: Record<string, string>; label: string }[]> {
  const build = deps.live.current();
  const kind = queryBindingOf(build, input.service);
  if (!kind) return [];
  const department = input.service.split('/')[0];
  const names = new Set(build.services.find((s) => s.ref === input.service)?.steps.query?.inputs.map((f) => f.name) ?? []);
  const own = (await listBindings(deps, input.openid)).filter((b) => b.department === department && b.kind === kind);
  return own.slice(0, MAX_BOUND_LOOKUPS).map((b) => ({ inputs: Object.fromEntries(Object.entries(b.fields).filter(([k]) => names.has(k))), label: b.label }));
}
