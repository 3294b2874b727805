// Dates a department's system pushes for its reminders (POST /api/staff/reminder-dates): one
// document per (reminder, citizen, subject) — the subject names what the date is about (a plate,
// a licence), so one citizen may have several. A new date replaces the old; the scheduler sends
// each (reminder, citizen, subject, date, days before) once.
import { createHash } from 'node:crypto';
import { NotFoundError, ValidationError } from '../errors.js';
import type { Doc, Store } from '../store/index.js';
import { type NoticesDeps, nowOf } from './notice-types.js';
import { parseRecipient, resolveRecipients } from './resolve-recipient.js';

export interface ReminderDate extends Doc {
  department: string;
  /** Reminder ref, <department>/<id>. */
  reminder: string;
  openid: string;
  /** The account the openid belongs to; absent = the primary. */
  account?: string;
  subject: string;
  /** YYYY-MM-DD, city date. */
  date: string;
  /** Values for the reminder's {placeholders}. */
  data: Record<string, string>;
  updatedAt: string;
}

export const reminderDatesOf = (store: Store) => store.collection<ReminderDate>('reminder-dates', { indexes: ['openid', 'reminder'] });

export const reminderDateId = (reminder: string, openid: string, subject: string) =>
  `d-${createHash('sha256').update(`${reminder}\n${openid}\n${subject}`).digest('hex').slice(0, 32)}`;

const SUBJECT = /^[^\r\n]{1,64}$/;

/** Stores (or replaces) the date a department's system pushed for one citizen's reminder. */
export async function pushReminderDate(
  deps: NoticesDeps,
  sender: { department: string },
  body: unknown,
): Promise<{ ids: string[]; reminder: string; date: string }> {
  if (typeof body !== 'object' || body === null) throw new ValidationError('请求体须为 JSON 对象');
  const b = body as Record<string, unknown>;
  const reminder = (deps.live.current().reminders ?? []).find((r) => r.department === sender.department && r.id === b.reminder);
  if (!reminder) throw new NotFoundError(`本部门没有提醒“${String(b.reminder)}”：请先在部门文件的 reminders 中声明并发布`);
  if (!('pushed' in reminder.follows)) throw new ValidationError(`提醒“${reminder.name}”跟随绑定数据中的日期，不接受推送的日期`);
  if (typeof b.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(b.date) || Number.isNaN(Date.parse(b.date))) {
    throw new ValidationError('date 须为 YYYY-MM-DD', [{ field: 'date', label: '日期', message: '日期格式不正确' }]);
  }
  if (typeof b.subject !== 'string' || !SUBJECT.test(b.subject)) throw new ValidationError('subject 须为 1~64 个字符（提醒针对的对象，如车牌号）', [{ field: 'subject', label: '提醒对象', message: '缺少或格式不正确' }]);
  const data = b.data ?? {};
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !Object.values(data).every((v) => typeof v === 'string' && v.length <= 64)) {
    throw new ValidationError('data 须为文字值的对象', [{ field: 'data', label: '数据', message: '须为文字值' }]);
  }
  const missing = reminder.placeholders.filter((name) => name !== 'date' && name !== 'daysLeft' && (data as Record<string, string>)[name] === undefined);
  if (missing.length) throw new ValidationError(`缺少提醒需要的数据：${missing.join('、')}`, missing.map((m) => ({ field: `data.${m}`, label: m, message: '缺少' })));
  const recipients = await resolveRecipients(deps, sender.department, parseRecipient(b.to), b.account);
  const at = nowOf(deps).toISOString();
  const ids: string[] = [];
  for (const { openid, account } of recipients) {
    const id = reminderDateId(reminder.ref, openid, b.subject);
    await reminderDatesOf(deps.store).put({ id, department: sender.department, reminder: reminder.ref, openid, ...(account ? { account } : {}), subject: b.subject, date: b.date, data: data as Record<string, string>, updatedAt: at });
    ids.push(id);
  }
  return { ids, reminder: reminder.ref, date: b.date };
}
