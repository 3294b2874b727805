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

const VERSION = 1;
const rollupsOf = (store: Store): Collection<PageViewRollup> => store.collection<PageViewRollup>('statsPageViewsDaily', { indexes: ['date'] });

/** Never waits on the disk: the page answers at once. */
export function recordPageView(store: Store, view: { service: string; department: string }, at: Date): void {
  store.log<PageViewEvent>(PAGE_VIEW_LOG).append({ at: at.toISOString(), service: view.service, department: view.department });
}

function fold(into: Map<string, PageViewRollup>, record: PageViewEvent): void {
  const at = new Date(record.at);
  if (Number.isNaN(at.getTime())) return;
  const date = cityDate(at);
  const id = `${date}|${record.service}`;
  const r = into.get(id) ?? { id, date, service: record.service, department: record.department, views: 0 };
  r.views += 1;
  into.set(id, r);
}

export function updatePageViewRollups(store: Store): Promise<number> {
  return foldNewRecords<PageViewEvent, PageViewRollup>(store, {
    log: PAGE_VIEW_LOG, version: VERSION, rollups: rollupsOf(store), fold, add: (a, b) => ({ ...a, views: a.views + b.views }),
  });
}

export async function rebuildPageViewRollups(store: Store): Promise<PageViewRollup[]> {
  const into = new Map<string, PageViewRollup>();
  for (const record of await store.log<PageViewEvent>(PAGE_VIEW_LOG).read()) fold(into, record);
  return [...into.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Views per service over the city dates from..to (inclusive). */
export async function pageViewsBetween(store: Store, from: string, to: string): Promise<Map<string, number>> {
  await updatePageViewRollups(store);
  const out = new Map<string, number>();
  for (const r of await rollupsOf(store).list((r) => r.date >= from && r.date <= to)) out.set(r.service, (out.get(r.service) ?? 0) + r.views);
  return out;
}

export async function readPageViewRollups(store: Store): Promise<PageViewRollup[]> {
  return (await rollupsOf(store).list()).sort((a, b) => a.id.localeCompare(b.id));
}
