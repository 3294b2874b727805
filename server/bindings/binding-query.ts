// Queries that use bindings: a bound citizen who sends the keyword alone ("违章") gets the query run
// with each of their bindings of the kind the query names, the binding's fields filling the
// inputs of the same name.
import type { AccountBuild } from '../builder/index.js';
import type { BindingsDeps } from './binding-types.js';
import { listBindings } from './read-bindings.js';

/** How many bound things one message looks up at most (one chat reply carries them all). */
export const MAX_BOUND_LOOKUPS = 3;

/** Per query service that uses a binding: the kind, and the names of the query's inputs its fields may fill. */
interface BoundQuery {
  kind: string;
  inputs: Set<string>;
}

const byBuild = new WeakMap<AccountBuild, Map<string, BoundQuery>>();

/** The query services of a build that use a binding, found once per build (the gateway asks per push). */
function boundQueries(build: AccountBuild): Map<string, BoundQuery> {
  let queries = byBuild.get(build);
  if (!queries) {
    queries = new Map();
    for (const service of build.services) {
      const query = service.steps.query;
      const kind = query?.binding;
      if (kind && build.bindings?.some((k) => k.department === service.department && k.id === kind))
        queries.set(service.ref, { kind, inputs: new Set(query.inputs.map((f) => f.name)) });
    }
    byBuild.set(build, queries);
  }
  return queries;
}

/** The binding kind a query service names, or undefined (most queries use none). */
export function queryBindingOf(build: AccountBuild, serviceRef: string): string | undefined {
  return boundQueries(build).get(serviceRef)?.kind;
}

/** The query inputs from each of the citizen's bindings of that kind (at most MAX_BOUND_LOOKUPS); [] when none. */
export async function boundQueryInputs(deps: BindingsDeps, input: { openid: string; service: string }): Promise<{ inputs: Record<string, string>; label: string }[]> {
  const bound = boundQueries(deps.live.current()).get(input.service);
  if (!bound) return [];
  const { kind, inputs: names } = bound;
  const department = input.service.split('/')[0];
  const own = (await listBindings(deps, input.openid)).filter((b) => b.department === department && b.kind === kind);
  return own.slice(0, MAX_BOUND_LOOKUPS).map((b) => ({ inputs: Object.fromEntries(Object.entries(b.fields).filter(([k]) => names.has(k))), label: b.label }));
}
