// Daily rollups of the gateway's message log: one document per city date and department with
// counts by hour of day and by how the message was answered. A job folds in only the records
// appended since its last run (a cursor counts the records already folded in), so the dashboard
// reads a few documents per day instead of the raw log. `rebuildMessageRollups` recomputes them
// from the whole log; a test checks both agree.
import { cityDate, cityMinutes } from '../calendar/index.js';
import type { Collection, Doc, Store } from '../store/index.js';

export const MESSAGE_LOG = 'messages';

/** What the stats room reads of a message-log record: never the hashed openid. */
export interface MessageEvent {
  at: string;
  answeredBy: string;
  department?: string;
}

export interface MessageRollup extends Doc {
  /** City date, YYYY-MM-DD. */
  date: string;
  /** '' for messages no department answered (welcome, help, none). */
  department: string;
  total: number;
  byHour: number[];
  byAnswer: Record<string, number>;
}

interface Cursor extends Doc {
  /** Records of the log already folded into the rollups. */
  folded: number;
}

export const rollupsOf = (store: Store): Collection<MessageRollup> => store.collection<MessageRollup>('statsMessageDaily', { indexes: ['date'] });
const cursorsOf = (store: Store) => store.collection<Cursor>('statsCursors');
const CURSOR_ID = 'messages';

const rollupId = (date: string, department: string) => `${date}|${department}`;

function fold(into: Map<string, MessageRollup>, record: MessageEvent): void {
  const at = new Date(record.at);
  if (Number.isNaN(at.getTime())) return;
  const date = cityDate(at);
  const department = record.department ?? '';
  const id = rollupId(date, department);
  let r = into.get(id);
  if (!r) {
    r = { id, date, department, total: 0, byHour: Array.from({ length: 24 }, () => 0), byAnswer: {} };
    into.set(id, r);
  }
  r.total += 1;
  r.byHour[Math.floor(cityMinutes(at) / 60)]! += 1;
  r.byAnswer[record.answeredBy] = (r.byAnswer[record.answeredBy] ?? 0) + 1;
}

function add(a: MessageRollup, b: MessageRollup): MessageRollup {
  const byAnswer = { ...a.byAnswer };
  for (const [k, v] of Object.entries(b.byAnswer)) byAnswer[k] = (byAnswer[k] ?? 0) + v;
  return { ...a, total: a.total + b.total, byHour: a.byHour.map((n, i) => n + (b.byHour[i] ?? 0)), byAnswer };
}

/** Folds the records appended since the last run into the rollups; returns how many it folded. */
export async function updateMessageRollups(store: Store): Promise<number> {
  return store.withLock('stats-rollups', async () => {
    const cursor = (await cursorsOf(store).get(CURSOR_ID)) ?? { id: CURSOR_ID, folded: 0 };
    const log = store.log<MessageEvent>(MESSAGE_LOG);
    await log.flush();
    const all = await log.read();
    const fresh = all.slice(cursor.folded);
    if (fresh.length === 0) return 0;
    const delta = new Map<string, MessageRollup>();
    for (const record of fresh) fold(delta, record);
    const rollups = rollupsOf(store);
    for (const d of delta.values()) {
      const old = await rollups.get(d.id);
      await rollups.put(old ? add(old, d) : d);
    }
    await cursorsOf(store).put({ id: CURSOR_ID, folded: cursor.folded + fresh.length });
    return fresh.length;
  });
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
