// Service page views, the first step of the funnel: the citizens' service page appends one record
// per view (service and time only: no openid, no address), and a daily rollup per city date and
// service is folded in incrementally like the message rollups.
import { cityDate } from '../calendar/index.js';
import type { Collection, Doc, Store } from '../store/index.js';
import { foldNewRecords } from './fold-log.js';

export const PAGE_VIEW_LOG = 'pageViews';

export interface PageViewEvent {
  at: string;
  /** <department>/<service id> */
  service: string;
  department: string;
}

export interface PageViewRollup extends Doc {
  date: string;
  service: string;
  department: string;
  views: number;
}

/** One document per city date: views per service. */
interface DayDoc extends Doc {
  date: string;
  services: Record<string, PageViewRollup>;
}

const VERSION = 2;
const daysOf = (store: Store): Collection<DayDoc> => store.collection<DayDoc>('statsPageViewsDaily');

/** Never waits on the disk: the page answers at once. */
export function recordPageView(store: Store, view: { service: string; department: string }, at: Date): void {
  store.log<PageViewEvent>(PAGE_VIEW_LOG).append({ at: at.toISOString(), service: view.service, department: view.department });
}

function fold(into: Map<string, DayDoc>, record: PageViewEvent): void {
  const at = new Date(record.at);
  if (Number.isNaN(at.getTime())) return;
  const date = cityDate(at);
  let day = into.get(date);
  if (!day) into.set(date, (day = { id: date, date, services: {} }));
  const r = (day.services[record.service] ??= { id: `${date}|${record.service}`, date, service: record.service, department: record.department, views: 0 });
  r.views += 1;
}

function addDay(a: DayDoc, b: DayDoc): DayDoc {
  const services = { ...a.services };
  for (const [s, r] of Object.entries(b.services)) services[s] = services[s] ? { ...services[s], views: services[s].views + r.views } : r;
  return { ...a, services };
}

const flatten = (days: DayDoc[]) => days.flatMap((d) => Object.values(d.services)).sort((a, b) => a.id.localeCompare(b.id));

export function updatePageViewRollups(store: Store): Promise<number> {
  return foldNewRecords<PageViewEvent, DayDoc>(store, { log: PAGE_VIEW_LOG, version: VERSION, rollups: daysOf(store), fold, add: addDay });
}

export async function rebuildPageViewRollups(store: Store): Promise<PageViewRollup[]> {
  const into = new Map<string, DayDoc>();
  for (const record of await store.log<PageViewEvent>(PAGE_VIEW_LOG).read()) fold(into, record);
  return flatten([...into.values()]);
}

/** Views per service over the city dates from..to (inclusive). */
export async function pageViewsBetween(store: Store, from: string, to: string): Promise<Map<string, number>> {
  await updatePageViewRollups(store);
  const out = new Map<string, number>();
  for (const r of flatten(await daysOf(store).list((r) => r.date >= from && r.date <= to))) out.set(r.service, (out.get(r.service) ?? 0) + r.views);
  return out;
}

export async function readPageViewRollups(store: Store): Promise<PageViewRollup[]> {
  return flatten(await daysOf(store).list());
}
