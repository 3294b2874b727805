// Daily rollups of the gateway's message log: one document per city date and department with
// counts by hour of day, by how the message was answered, by query source and outcome, and of
// replies slower than WeChat's 5 seconds. A job folds in only the records appended since its
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
  answeredBy: string;
  department?: string;
  latencyMs?: number;
  outcome?: string;
  source?: string;
}

export interface MessageRollup extends Doc {
  /** City date, YYYY-MM-DD. */
  date: string;
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

export const rollupsOf = (store: Store): Collection<MessageRollup> => store.collection<MessageRollup>('statsMessageDaily', { indexes: ['date'] });

/** Bumped whenever a rollup gains a figure: the job then rebuilds the rollups from the raw log. */
const VERSION = 2;

const rollupId = (date: string, department: string) => `${date}|${department}`;

const addCount = (into: Record<string, number>, key: string, n = 1) => {
  into[key] = (into[key] ?? 0) + n;
};

function fold(into: Map<string, MessageRollup>, record: MessageEvent): void {
  const at = new Date(record.at);
  if (Number.isNaN(at.getTime())) return;
  const date = cityDate(at);
  const department = record.department ?? '';
  const id = rollupId(date, department);
  let r = into.get(id);
  if (!r) {
    r = { id, date, department, total: 0, byHour: Array.from({ length: 24 }, () => 0), byAnswer: {}, byQuery: {}, slow: 0 };
    into.set(id, r);
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

/** Folds the records appended since the last run into the rollups; returns how many it folded. */
export async function updateMessageRollups(store: Store): Promise<number> {
  return foldNewRecords<MessageEvent, MessageRollup>(store, { log: MESSAGE_LOG, version: VERSION, rollups: rollupsOf(store), fold, add });
}

/** The rollups recomputed from the whole log (not stored): what the incremental job must equal. */
export async function rebuildMessageRollups(store: Store): Promise<MessageRollup[]> {
  const log = store.log<MessageEvent>(MESSAGE_LOG);
  await log.flush();
  const into = new Map<string, MessageRollup>();
  for (const record of await log.read()) fold(into, record);
  return [...into.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Stored rollups of the city dates from..to (inclusive). */
export async function readRollups(store: Store, from: string, to: string): Promise<MessageRollup[]> {
  const rows = await rollupsOf(store).list((r) => r.date >= from && r.date <= to);
  return rows.sort((a, b) => a.id.localeCompare(b.id));
}
