// Queries asked through the H5 form and the JSON API (chat queries are in the gateway's message
// log): the query API appends one record per run — service, source and outcome, never the inputs or
// the result, nor who asked — and a daily rollup per city date and department is folded in
// incrementally like the message rollups.
import { cityDate } from '../calendar/index.js';
import type { Collection, Doc, Store } from '../store/index.js';
import { foldNewRecords } from './fold-log.js';

export const QUERY_RUN_LOG = 'queryRuns';

export interface QueryRunEvent {
  at: string;
  service: string;
  department: string;
  /** table:<file> or connector:<id> */
  source: string;
  outcome: string;
}

export interface QueryRunRollup {
  date: string;
  department: string;
  /** Runs by `<source>|<outcome>`. */
  byQuery: Record<string, number>;
}

interface DayDoc extends Doc {
  date: string;
  departments: Record<string, QueryRunRollup>;
}

const VERSION = 1;
const daysOf = (store: Store): Collection<DayDoc> => store.collection<DayDoc>('statsQueryRunsDaily');

/** Never waits on the disk: the answer goes out at once. */
export function recordQueryRun(store: Store, run: Omit<QueryRunEvent, 'at'>, at: Date): void {
  store.log<QueryRunEvent>(QUERY_RUN_LOG).append({ at: at.toISOString(), service: run.service, department: run.department, source: run.source, outcome: run.outcome });
}

function fold(into: Map<string, DayDoc>, record: QueryRunEvent): void {
  const at = new Date(record.at);
  if (Number.isNaN(at.getTime())) return;
  const date = cityDate(at);
  let day = into.get(date);
  if (!day) into.set(date, (day = { id: date, date, departments: {} }));
  const r = (day.departments[record.department] ??= { date, department: record.department, byQuery: {} });
  const key = `${record.source}|${record.outcome}`;
  r.byQuery[key] = (r.byQuery[key] ?? 0) + 1;
}

function addDay(a: DayDoc, b: DayDoc): DayDoc {
  const departments = { ...a.departments };
  for (const [d, r] of Object.entries(b.departments)) {
    const byQuery = { ...(departments[d]?.byQuery ?? {}) };
    for (const [k, n] of Object.entries(r.byQuery)) byQuery[k] = (byQuery[k] ?? 0) + n;
    departments[d] = { ...r, byQuery };
  }
  return { ...a, departments };
}

const flatten = (days: DayDoc[]) => days.flatMap((d) => Object.values(d.departments)).sort((a, b) => `${a.date}|${a.department}`.localeCompare(`${b.date}|${b.department}`));

export function updateQueryRunRollups(store: Store): Promise<number> {
  return foldNewRecords<QueryRunEvent, DayDoc>(store, { log: QUERY_RUN_LOG, version: VERSION, rollups: daysOf(store), fold, add: addDay });
}

export async function rebuildQueryRunRollups(store: Store): Promise<QueryRunRollup[]> {
  const into = new Map<string, DayDoc>();
  for (const record of await store.log<QueryRunEvent>(QUERY_RUN_LOG).read()) fold(into, record);
  return flatten([...into.values()]);
}

/** Rollups of the city dates from..to (inclusive), brought up to date first. */
export async function queryRunsBetween(store: Store, from: string, to: string): Promise<QueryRunRollup[]> {
  await updateQueryRunRollups(store);
  return flatten(await daysOf(store).list((d) => d.date >= from && d.date <= to));
}
