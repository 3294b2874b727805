// Everything the gateway looks up per message, derived once per account build (and again
// after each hot swap) so the hot path is Map lookups only.
import { type AccountBuild, type BuiltAnswer, type BuiltDepartment, type BuiltHall, type BuiltService, type BuiltTopic, type MenuButton, normalizeKeyword } from '../builder/index.js';
import { createKeywordMatcher, type KeywordMatcher } from './keyword-matcher.js';

export type NameTarget = { kind: 'topic'; topic: string } | { kind: 'service'; service: string };

export interface BuildIndex {
  build: AccountBuild;
  matcher: KeywordMatcher;
  services: Map<string, BuiltService>;
  topics: Map<string, BuiltTopic>;
  /** Topics in display order (order, then id). */
  topicList: BuiltTopic[];
  departments: Map<string, BuiltDepartment>;
  answers: Map<string, BuiltAnswer>;
  halls: Map<string, BuiltHall>;
  /** Exact topic and service names a citizen may type when no keyword matched. */
  names: Map<string, NameTarget>;
  /** Menu button names (each used once in the menu) a citizen may type instead of tapping. */
  menuNames: Map<string, MenuButton>;
}

/** Every button of the menu by normalised name; a name on two buttons (更多) says nothing and is left out. */
function indexMenuNames(build: AccountBuild): Map<string, MenuButton> {
  const byName = new Map<string, MenuButton | null>();
  const visit = (button: MenuButton) => {
    const key = normalizeKeyword(button.name);
    if (key) byName.set(key, byName.has(key) ? null : button);
    if ('sub_button' in button) button.sub_button.forEach(visit);
  };
  build.menu.button.forEach(visit);
  return new Map([...byName].filter((e): e is [string, MenuButton] => e[1] !== null));
}

const cache = new WeakMap<AccountBuild, BuildIndex>();

export function indexBuild(build: AccountBuild): BuildIndex {
  const cached = cache.get(build);
  if (cached) return cached;
  const names = new Map<string, NameTarget>();
  const addName = (name: string, target: NameTarget) => {
    const key = normalizeKeyword(name);
    if (key && !names.has(key)) names.set(key, target);
  };
  const topicList = [...build.topics].sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
  for (const t of topicList) {
    addName(t.name, { kind: 'topic', topic: t.id });
    addName(t.menuName, { kind: 'topic', topic: t.id });
  }
  for (const s of build.services) addName(s.name, { kind: 'service', service: s.ref });
  const index: BuildIndex = {
    build,
    matcher: createKeywordMatcher(build.keywords),
    services: new Map(build.services.map((s) => [s.ref, s])),
    topics: new Map(build.topics.map((t) => [t.id, t])),
    topicList,
    departments: new Map(build.departments.map((d) => [d.id, d])),
    answers: new Map((build.answers ?? []).map((a) => [a.ref, a])),
    halls: new Map(build.halls.map((h) => [h.ref, h])),
    names,
    menuNames: indexMenuNames(build),
  };
  cache.set(build, index);
  return index;
}

/** The service's H5 page: the builder's url, else the conventional /s/<dept>/<service>. */
export function serviceUrl(index: BuildIndex, service: BuiltService): string {
  return service.url || `${index.build.publicBaseUrl}/s/${service.department}/${service.id}`;
}

const byUrl = new WeakMap<BuildIndex, Map<string, BuiltService>>();

/** The service whose H5 page is `url` (the first, should two share one): what a view button opens. Indexed on first use. */
export function serviceAtUrl(index: BuildIndex, url: string): BuiltService | undefined {
  let services = byUrl.get(index);
  if (!services) {
    services = new Map();
    for (const service of index.services.values()) {
      const at = serviceUrl(index, service);
      if (!services.has(at)) services.set(at, service);
    }
    byUrl.set(index, services);
  }
  return services.get(url);
}

export function departmentName(index: BuildIndex, id: string | undefined): string | undefined {
  return id === undefined ? undefined : (index.departments.get(id)?.name ?? id);
}
