// The scheduler's planning pass: every reminder occurrence that is due — (reminder, citizen,
// subject, date, days before) — becomes a notice in the outbox under an id derived from exactly
// those, so planning may run any number of times, after any crash or downtime, and each is sent
// once. After downtime only the latest occurrence due for a date is sent (a 30-day reminder
// missed while the 7-day one is already due is skipped). Quiet hours: nothing is planned to go
// before they end (the worker checks again at send time).
import { createHash } from 'node:crypto';
import type { BuiltNoticeType, BuiltReminder } from '../builder/index.js';
import { addDays, cityDate, cityInstant } from '../calendar/index.js';
import { ValidationError } from '../errors.js';
import { composeNotice, planForAccount } from './compose-notice.js';
import { quietHoursOf } from './deliver-notices.js';
import { type BindingPage, type BindingPages, configOf, type NoticeRecord, type NoticesDeps, nowOf } from './notice-types.js';

export type { BindingPages };
import { enqueueNotices } from './outbox.js';
import { noticeUrl } from './push-notice.js';
import { reminderDatesOf } from './reminder-dates.js';
import { planAppointmentReminders } from './appointment-reminders.js';
import { emptyTally, refreshAndFollow, refreshedDates, refreshFailureNote, type RefreshTally } from './refresh-due.js';
import { noticesOf } from './notice-types.js';

/** One thing a reminder may be about, from a pushed date or a binding. */
export interface ReminderSubject {
  openid: string;
  /** The account the openid belongs to; absent = the primary. */
  account?: string;
  /** What the date is about (a plate, a licence): part of the exactly-once key. */
  subject: string;
  date: string;
  values: Record<string, string>;
}


export interface PlanResult {
  /** Subjects looked at. */
  considered: number;
  /** Occurrences due now (new or already planned). */
  due: number;
  /** Notices added to the outbox by this pass. */
  planned: number;
  /** Occurrences whose data broke the notice's rules (logged by count only). */
  invalid: number;
  /** Reminders with follows.refresh: what the departments' systems answered in this pass. */
  refresh: RefreshTally;
  ms: number;
  /** CPU time of the process meanwhile (ms): the figure a shared machine distorts least. */
  cpuMs: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const hash = (parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);

export const reminderNoticeId = (reminder: string, openid: string, subject: string, date: string, daysBefore: number) =>
  `r-${hash([reminder, openid, subject, date, String(daysBefore)])}`;

/** The offset due today for a date: the smallest days-before whose day has come, or undefined (not yet, or past). */
export function dueOffset(daysBefore: number[], date: string, today: string): number | undefined {
  if (!DATE.test(date) || date < today) return undefined;
  let due: number | undefined;
  for (const d of daysBefore) if (addDays(date, -d) <= today && (due === undefined || d < due)) due = d;
  return due;
}

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]{0,31})\}/g;

function render(reminder: BuiltReminder, s: ReminderSubject, daysBefore: number): Record<string, string> | undefined {
  const values: Record<string, string> = { ...s.values, date: s.date, daysLeft: String(daysBefore) };
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(reminder.data)) {
    let missing = false;
    out[name] = text.replace(PLACEHOLDER, (_m, key: string) => {
      const v = values[key];
      if (v === undefined) missing = true;
      return v ?? '';
    });
    if (missing) return undefined;
  }
  return out;
}

/**
 * Planned notices are written this many at a time: 20,000 due reminders never sit composed in
 * memory at once, nor as 20,000 writes in flight.
 */
const CHUNK = 250;

/** Reads a few notices at a time: a server database answers each in a round trip. */
const READS_IN_FLIGHT = 16;

/**
 * Splits a page of bindings of a refreshed reminder: those whose occurrence is due today and not
 * planned yet (in this process or in the store) are to be asked about; the rest are followed as stored.
 */
async function splitForRefresh(p: Planner, reminder: BuiltReminder, field: string, page: BindingPage): Promise<{ ask: BindingPage; keep: BindingPage }> {
  const ask: BindingPage = [];
  const keep: BindingPage = [];
  const unknown: Array<{ b: BindingPage[number]; id: string }> = [];
  for (const b of page) {
    const date = b.data[field];
    const d = typeof date === 'string' ? dueOffset(reminder.daysBefore, date, p.today) : undefined;
    const id = d === undefined ? undefined : reminderNoticeId(reminder.ref, b.openid, b.key, date as string, d);
    if (id === undefined || p.seen.has(id)) keep.push(b);
    else unknown.push({ b, id });
  }
  const notices = noticesOf(p.deps.store);
  for (let i = 0; i < unknown.length; i += READS_IN_FLIGHT) {
    const slice = unknown.slice(i, i + READS_IN_FLIGHT);
    const found = await Promise.all(slice.map(({ id }) => notices.get(id)));
    slice.forEach(({ b, id }, j) => {
      if (found[j]) p.seen.add(id);
      (found[j] ? keep : ask).push(b);
    });
  }
  return { ask, keep };
}

interface Planner {
  deps: NoticesDeps;
  now: Date;
  today: string;
  runAtOf(sendDate: string): number;
  /** Ids this process planned already: a repeat pass skips them without reading the store. */
  seen: Set<string>;
  batch: Array<{ record: NoticeRecord; runAt: number }>;
  result: PlanResult;
}

function consider(p: Planner, reminder: BuiltReminder, type: BuiltNoticeType, s: ReminderSubject, refreshFailure?: string) {
  p.result.considered++;
  const d = dueOffset(reminder.daysBefore, s.date, p.today);
  if (d === undefined) return;
  p.result.due++;
  const id = reminderNoticeId(reminder.ref, s.openid, s.subject, s.date, d);
  if (p.seen.has(id)) return;
  const data = render(reminder, s, d);
  let composed;
  try {
    if (!data) throw new ValidationError('missing placeholder');
    composed = planForAccount(composeNotice(type, data), type, data, s.account && p.deps.accountOf ? p.deps.accountOf(s.account) : undefined);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    p.result.invalid++;
    p.seen.add(id);
    return;
  }
  const at = p.now.toISOString();
  p.batch.push({
    record: {
      id,
      source: 'reminder',
      department: reminder.department,
      notice: type.ref,
      title: type.name,
      openid: s.openid,
      ...(s.account ? { account: s.account } : {}),
      ...composed,
      url: noticeUrl(p.deps, id, type),
      state: 'queued',
      attempts: 0,
      history: [{ at, state: 'queued', note: `${reminder.name}（到期日 ${s.date} 前 ${d} 天）${refreshFailure ? `；${refreshFailureNote(refreshFailure)}` : ''}` }],
      createdAt: at,
      reminder: { ref: reminder.ref, date: s.date, daysBefore: d },
      ...(refreshFailure ? { refreshFailure } : {}),
    },
    runAt: p.runAtOf(addDays(s.date, -d)),
  });
}

async function flush(p: Planner) {
  if (!p.batch.length) return;
  const items = p.batch.splice(0);
  p.result.planned += await enqueueNotices(p.deps.store, items, p.now.getTime());
  for (const { record } of items) p.seen.add(record.id);
}

export interface PlanOptions {
  bindingPages?: BindingPages;
  /** Kept across passes by the scheduler. */
  seen?: Set<string>;
}

/** One planning pass over every reminder's dates (pushed and bound) and the appointments. */
export async function planReminders(deps: NoticesDeps, options: PlanOptions = {}): Promise<PlanResult> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const now = nowOf(deps);
  const build = deps.live.current();
  const quietEnd = quietHoursOf(deps).end;
  const p: Planner = {
    deps,
    now,
    today: cityDate(now),
    // A reminder goes out from the morning of its day (the end of quiet hours), or now if later.
    runAtOf: (sendDate) => Math.max(now.getTime(), cityInstant(sendDate, quietEnd).getTime()),
    seen: options.seen ?? new Set(),
    batch: [],
    result: { considered: 0, due: 0, planned: 0, invalid: 0, refresh: emptyTally(), ms: 0, cpuMs: 0 },
  };
  const types = new Map((build.notices ?? []).map((t) => [t.ref, t]));
  const reminders = (build.reminders ?? []).filter((r) => types.has(r.notice));
  const byRef = new Map(reminders.map((r) => [r.ref, r]));

  // Pushed dates: one pass over the collection without copying documents (the filter sees them).
  if (reminders.some((r) => 'pushed' in r.follows)) {
    await reminderDatesOf(deps.store).list((d) => {
      const reminder = byRef.get(d.reminder);
      if (reminder && 'pushed' in reminder.follows) consider(p, reminder, types.get(reminder.notice)!, { openid: d.openid, ...(d.account ? { account: d.account } : {}), subject: d.subject, date: d.date, values: d.data });
      return false;
    });
    await flush(p);
  }
  // Bindings: page by page, so 200,000 citizens never sit in memory at once.
  const config = configOf(deps);
  const budget = { left: config.refreshPerPass };
  for (const reminder of reminders) {
    if (!('binding' in reminder.follows)) continue;
    const { binding, field, refresh } = reminder.follows;
    const type = types.get(reminder.notice)!;
    const dates = refresh ? refreshedDates(reminders, reminder.department, binding) : [];
    // Placeholders see the binding's fields, their masked forms as <name>Masked, and its data.
    const follow = (b: BindingPage[number], data: Record<string, unknown>, refreshFailure?: string) => {
      const date = data[field];
      if (typeof date !== 'string') return void p.result.considered++;
      const masked = Object.fromEntries(Object.entries(b.masked ?? {}).map(([k, v]) => [`${k}Masked`, v]));
      const values = { ...b.fields, ...masked, ...Object.fromEntries(Object.entries(data).filter((e): e is [string, string] => typeof e[1] === 'string')) };
      consider(p, reminder, type, { openid: b.openid, ...(b.account ? { account: b.account } : {}), subject: b.key, date, values }, refreshFailure);
    };
    // Only the bindings whose date is inside the reminder's window (today … today + the largest days-before).
    const window = { department: reminder.department, kind: binding, field, from: p.today, to: addDays(p.today, Math.max(0, ...reminder.daysBefore)) };
    const pages = options.bindingPages ? options.bindingPages(window) : deps.dueBindings ? deps.dueBindings(window) : deps.bindingPages?.(window);
    if (!pages) continue;
    for await (const page of pages) {
      const dated = page.filter((b) => typeof b.data[field] === 'string');
      if (!refresh) {
        // A binding the system no longer knows (a refreshed reminder found out) gets no reminder either.
        for (const b of dated) {
          if (b.goneOn) p.result.considered++;
          else follow(b, b.data);
        }
        if (p.batch.length >= CHUNK) await flush(p);
        continue;
      }
      const { ask: candidates, keep } = await splitForRefresh(p, reminder, field, dated);
      for (const b of keep) follow(b, b.data); // not due, or planned already: counted, nothing asked
      if (candidates.length) {
        const before = p.result.considered; // each follow counts one
        await refreshAndFollow(deps, { candidates, today: p.today, dates, concurrency: config.refreshConcurrency, budget, tally: p.result.refresh }, follow);
        // Gone, unbound and deferred candidates were looked at too.
        p.result.considered += candidates.length - (p.result.considered - before);
      }
      if (p.batch.length >= CHUNK) await flush(p);
    }
    await flush(p);
  }
  p.result.planned += await planAppointmentReminders(deps, now, p.seen);
  p.result.ms = Math.round(performance.now() - started);
  const cpu = process.cpuUsage(cpuBefore);
  p.result.cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  return p.result;
}
