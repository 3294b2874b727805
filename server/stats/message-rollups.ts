// Daily rollups of the gateway's message log: one document per city date holding, per department,
// counts by hour of day, by how the message was answered, by query source and outcome, and of
// replies slower than WeChat's 5 seconds (one document a day keeps the writes of a fold few). A job folds in only the records appended since its
// last run (a cursor keeps the log position), so the dashboard reads a few documents per day
// instead of the raw log. `rebuildMessageRollups` recomputes them from the whole log; a test
// checks both agree.
import { cityDate, cityMinutes } from '../calendar/index.js';
import type { Collection, Doc, Store } from '../store/index.js';
import { foldNewRecords } from './fold-log.js';

export const MESSAGE_LOG = 'messages';
/** WeChat gives a passive reply 5 seconds; the inspection index counts slower ones. */
export const SLOW_REPLY_MS = 5000;

/** What the stats room reads of a message-log record: never the hashed openid. */
export interface MessageEvent {
  at: string;
  /** The account that received the push; absent on single-account records (the primary account). */
  account?: string;
  answeredBy: string;
  department?: string;
  latencyMs?: number;
  outcome?: string;
  source?: string;
}

export interface MessageRollup extends Doc {
  /** City date, YYYY-MM-DD. */
  date: string;
  /** '' for records that name no account: the primary account's. */
  account: string;
  /** '' for messages no department answered (welcome, help, none). */
  department: string;
  total: number;
  byHour: number[];
  byAnswer: Record<string, number>;
  /** Chat queries by `<source>|<outcome>` (source: table:<file> or connector:<id>). */
  byQuery: Record<string, number>;
  /** Decisions that took 5 seconds or more. */
  slow: number;
}

/** What is stored: one city date, its rollups keyed by `<account>|<department>`. */
interface DayDoc extends Doc {
  date: string;
  groups: Record<string, MessageRollup>;
}

const daysOf = (store: Store): Collection<DayDoc> => store.collection<DayDoc>('statsMessageDaily');

/** Bumped whenever a rollup gains a figure: the job then rebuilds the rollups from the raw log. */
const VERSION = 4;

const rollupId = (date: string, account: string, department: string) => `${date}|${account}|${department}`;

const addCount = (into: Record<string, number>, key: string, n = 1) => {
  into[key] = (into[key] ?? 0) + n;
};

function fold(into: Map<string, DayDoc>, record: MessageEvent): void {
  const at = new Date(record.at);
  if (Number.isNaN(at.getTime())) return;
  const date = cityDate(at);
  const department = record.department ?? '';
  const account = record.account ?? '';
  let day = into.get(date);
  if (!day) into.set(date, (day = { id: date, date, groups: {} }));
  const group = `${account}|${department}`;
  let r = day.groups[group];
  if (!r) {
    r = { id: rollupId(date, account, department), date, account, department, total: 0, byHour: Array.from({ length: 24 }, () => 0), byAnswer: {}, byQuery: {}, slow: 0 };
    day.groups[group] = r;
  }
  r.total += 1;
  r.byHour[Math.floor(cityMinutes(at) / 60)]! += 1;
  addCount(r.byAnswer, record.answeredBy);
  if (record.answeredBy === 'query' && record.outcome) addCount(r.byQuery, `${record.source ?? ''}|${record.outcome}`);
  if ((record.latencyMs ?? 0) >= SLOW_REPLY_MS) r.slow += 1;
}

function add(a: MessageRollup, b: MessageRollup): MessageRollup {
  const byAnswer = { ...a.byAnswer };
  for (const [k, v] of Object.entries(b.byAnswer)) addCount(byAnswer, k, v);
  const byQuery = { ...a.byQuery };
  for (const [k, v] of Object.entries(b.byQuery)) addCount(byQuery, k, v);
  return { ...a, total: a.total + b.total, byHour: a.byHour.map((n, i) => n + (b.byHour[i] ?? 0)), byAnswer, byQuery, slow: a.slow + b.slow };
}

function addDay(a: DayDoc, b: DayDoc): DayDoc {
  const groups = { ...a.groups };
  for (const [g, r] of Object.entries(b.groups)) groups[g] = groups[g] ? add(groups[g], r) : r;
  return { ...a, groups };
}

const flatten = (days: DayDoc[]): MessageRollup[] => days.flatMap((d) => Object.values(d.groups)).sort((a, b) => a.id.localeCompare(b.id));

/** Folds the records appended since the last run into the rollups; returns how many it folded. */
export async function updateMessageRollups(store: Store): Promise<number> {
  return foldNewRecords<MessageEvent, DayDoc>(store, { log: MESSAGE_LOG, version: VERSION, rollups: daysOf(store), fold, add: addDay });
}

/** The rollups recomputed from the whole log (not stored): what the incremental job must equal. */
export async function rebuildMessageRollups(store: Store): Promise<MessageRollup[]> {
  const log = store.log<MessageEvent>(MESSAGE_LOG);
  await log.flush();
  const into = new Map<string, DayDoc>();
  for (const record of await log.read()) fold(into, record);
  return flatten([...into.values()]);
}

/** Stored rollups of the city dates from..to (inclusive), one per date, account and department. */
export async function readRollups(store: Store, from: string, to: string): Promise<MessageRollup[]> {
  return flatten(await daysOf(store).list((r) => r.date >= from && r.date <= to));
}
