// The catalogue part of the build: departments, halls, topics and services as capabilities read them.
import type { CityModel, ServiceEntry } from './city-model.js';
import type { BuiltDepartment, BuiltHall, BuiltService, BuiltTopic } from './types.js';
import { compareStrings } from './diagnostics.js';
import { serviceUrl } from './build-menu.js';

type StepName = keyof BuiltService['online'];
const STEP_NAMES: StepName[] = ['location', 'appointment', 'processing', 'payment', 'progress', 'rating'];

export interface Catalog {
  departments: BuiltDepartment[];
  halls: BuiltHall[];
  topics: BuiltTopic[];
  services: BuiltService[];
}

export function buildCatalog(model: CityModel, publicBaseUrl: string): Catalog {
  const departments = [...model.departments.values()]
    .map(({ department: d }) => ({ id: d.id, name: d.name, ...(d.hotline !== undefined ? { hotline: d.hotline } : {}) }))
    .sort((a, b) => compareStrings(a.id, b.id));
  const halls = [...model.departments.values()]
    .flatMap((d) => [...d.halls.values()].map((h) => ({ ...h.hall, ref: h.ref, department: d.department.id })))
    .sort((a, b) => compareStrings(a.ref, b.ref));
  const topics = [...model.topics.values()]
    .filter(({ topic }) => !model.scope || model.scope.topics.has(topic.id))
    .map(({ topic: t }) => ({
      id: t.id,
      name: t.name,
      menuName: t.menuName,
      ...(t.description !== undefined ? { description: t.description } : {}),
      lead: t.lead,
      cooperating: [...(t.cooperating ?? [])],
      services: t.services.filter((ref) => model.services.has(ref)),
      order: t.order ?? 100,
    }))
    .sort((a, b) => a.order - b.order || compareStrings(a.id, b.id));
  const topicsOf = new Map<string, string[]>();
  for (const topic of topics) {
    for (const ref of topic.services) topicsOf.set(ref, [...(topicsOf.get(ref) ?? []), topic.id]);
  }
  const services = [...model.services.values()]
    .map((entry) => builtService(entry, publicBaseUrl, topicsOf.get(entry.ref) ?? []))
    .sort((a, b) => compareStrings(a.ref, b.ref));
  return { departments, halls, topics, services };
}

function builtService(entry: ServiceEntry, publicBaseUrl: string, topics: string[]): BuiltService {
  const { service } = entry;
  const department = entry.department.department.id;
  const halls = (service.steps.location?.halls ?? []).filter((id) => entry.department.halls.has(id)).map((id) => `${department}/${id}`);
  const online = Object.fromEntries(
    STEP_NAMES.map((step) => {
      const declared = service.steps[step];
      // A declared step is done online unless it says online: false (location defaults to true).
      return [step, declared !== undefined && declared.online !== false];
    }),
  ) as BuiltService['online'];
  return {
    ref: entry.ref,
    department,
    id: service.id,
    name: service.name,
    menuName: service.menuName ?? service.name,
    summary: service.summary,
    url: serviceUrl(publicBaseUrl, entry.ref),
    topics: [...topics].sort(compareStrings),
    steps: service.steps,
    halls,
    online,
  };
}
